package greenlet_test

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/suite"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/leakcheck"
)

// Conformance is the suite of gevent's behaviour, run unchanged on every
// core. A core joins with one line: func TestConformanceX(t *testing.T) {
// runConformance(t, "x") }.
type Conformance struct {
	suite.Suite
	Core string
	// Virtual runs every hub of the suite on a virtual clock (the
	// TestConformanceVirtual lane).
	Virtual bool

	baseline int
	mu       sync.Mutex
	handled  []handled // failures that reached the hub's error handler
	printed  strings.Builder
}

type handled struct {
	ctx any
	err error
}

func runConformance(t *testing.T, core string) { suite.Run(t, &Conformance{Core: core}) }

func TestConformanceGo(t *testing.T) { runConformance(t, "go") }

// SetupSuite starts the process-wide goroutine of os/signal, which lives
// forever once a signal is first watched, so that it is part of every
// baseline rather than a leak of the first signal test.
func (s *Conformance) SetupSuite() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR2)
	signal.Stop(c)
}

func (s *Conformance) SetupTest() {
	s.baseline = runtime.NumGoroutine()
	s.handled = nil
	s.printed.Reset()
}

// TearDownTest is the leak check: goroutines back to the baseline (the
// coroutines of every greenlet have ended) and no unexpected failure.
func (s *Conformance) TearDownTest() {
	if n, dump := leakcheck.Settle(s.baseline, generous); dump != nil {
		s.Failf("goroutine leak", "%d goroutines, baseline %d\n%s", n, s.baseline, dump)
	}
	s.Empty(s.handled, "unexpected failures reported to the hub")
}

// newHub makes a hub of the suite's core whose error handler records.
func (s *Conformance) newHub(opts ...hub.Option) *hub.Hub {
	base := []hub.Option{
		hub.WithCore(s.Core),
		hub.WithVerify(true),
		hub.WithErrorStream(&lockedWriter{s: s}),
		hub.WithErrorHandler(func(h *hub.Hub, ctx any, err error) {
			s.mu.Lock()
			s.handled = append(s.handled, handled{ctx, err})
			s.mu.Unlock()
			h.PrintError(ctx, err)
		}),
	}
	if s.Virtual {
		base = append(base, hub.WithVirtualClock())
	}
	h, err := hub.New(append(base, opts...)...)
	s.Require().NoError(err)
	return h
}

// run runs body as the main greenlet of a new hub, requires it to succeed
// and checks the hub's census afterwards.
func (s *Conformance) run(body func(main *greenlet.Greenlet) error, opts ...hub.Option) *hub.Hub {
	h := s.newHub(opts...)
	err := greenlet.RunOn(h, body)
	s.Require().NoError(err)
	s.Equal(hub.Census{}, h.Census(), "hub census after Run")
	return h
}

// takeHandled returns and clears the recorded failures.
func (s *Conformance) takeHandled() []handled {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.handled
	s.handled = nil
	return h
}

type lockedWriter struct{ s *Conformance }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.s.printed.Write(p)
}

// tracer records an event trace to compare with the expected one.
type tracer struct{ ev []string }

func (t *tracer) add(format string, a ...any) { t.ev = append(t.ev, fmt.Sprintf(format, a...)) }

// ret returns a body that returns v.
func ret(v any) greenlet.Func {
	return func(*greenlet.Greenlet) (any, error) { return v, nil }
}

// sleeper returns a body that sleeps d and returns v.
func sleeper(d time.Duration, v any) greenlet.Func {
	return func(g *greenlet.Greenlet) (any, error) {
		if err := greenlet.Sleep(g, d); err != nil {
			return nil, err
		}
		return v, nil
	}
}

// fails returns a body that fails with err.
func fails(err error) greenlet.Func {
	return func(*greenlet.Greenlet) (any, error) { return nil, err }
}

// generous is the upper bound of a timed wait in a test: it only catches a
// wait that never ended by itself, so it allows for a machine stalled for
// seconds (busy, -race); speed claims belong in benchmarks.
const generous = 10 * time.Second

// within asserts that d lies in [lo, hi]: lo measured from before the wait
// began, hi generous; never a speed claim.
func (s *Conformance) within(d, lo, hi time.Duration, msg string) {
	s.GreaterOrEqual(d, lo, msg)
	s.LessOrEqual(d, hi, msg)
}

// panicMessage runs f and returns the message it panics with ("" if none).
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

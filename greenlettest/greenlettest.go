// Package greenlettest runs greenlet code under test on a hub with a virtual
// clock (hub.WithVirtualClock): sleeps and timeouts take no real time, and
// the same test sees the same order of events and the same timestamps on
// every run, however busy the machine is.
//
// Run is the entry point of a test:
//
//	func TestRetry(t *testing.T) {
//		greenlettest.Run(t, func(main *greenlet.Greenlet) error {
//			// ten minutes of backoff, in microseconds of real time
//			return retryWithBackoff(main, 10*time.Minute)
//		})
//	}
//
// Besides running the body, Run fails the test on what a greenlet test
// should never leave behind: a greenlet still alive or a timer still armed
// when the body returns, a Ref still held, an unexpected report to the hub's
// error handler, and a hub that does not end.
package greenlettest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// RealTimeLimit is how much real time a body may take before Check reports
// it as stuck: on a virtual clock only outside work (a goroutine holding a
// Ref) takes real time, so a body that runs this long waits for something
// that never comes, or spins waiting for virtual time to pass.
const RealTimeLimit = time.Minute

// Run runs body as the main greenlet of a new hub with a virtual clock, as
// Check does, and fails t on every problem Check finds: it reports each
// with t.Errorf, then calls t.FailNow once the hub has ended (never from a
// greenlet, where runtime.Goexit would end only that greenlet). opts are
// added to the hub's options; they must not replace the error handler.
//
// Call Run from the test's goroutine; that goroutine becomes the hub's until
// Run returns. Inside body and its greenlets, report with t.Error, not
// t.Fatal or t.FailNow: the runtime.Goexit they call ends a greenlet, not
// the test the way it ends a test goroutine (see greenlet.Run).
func Run(t testing.TB, body func(main *greenlet.Greenlet) error, opts ...hub.Option) {
	t.Helper()
	if err := check(body, opts, func(msg string) { t.Errorf("%s", msg) }); err != nil {
		t.FailNow()
	}
}

// Check runs body as the main greenlet of a new hub with a virtual clock
// and returns what went wrong, nil if nothing did. It is Run without a
// testing.TB. The hub checks its invariants at every turn (hub.WithVerify),
// which costs a walk over its greenlets and timers per turn: a test with
// many thousands of greenlets passes hub.WithVerify(false) in opts. Each
// problem is one error in the result (errors.Join):
//   - body returned an error;
//   - when body returned, another greenlet was still alive or started and
//     not yet run, a callback was still queued, a timer was still armed or
//     a Ref was still held (the hub would have gone on running them; Run's
//     shutdown would only have hidden the leak);
//   - the hub's error handler received a report that no Expect declared,
//     or an expected report did not come;
//   - the hub did not end within RealTimeLimit of real time;
//   - hub.New failed (for example WithCore named the C core).
func Check(body func(main *greenlet.Greenlet) error, opts ...hub.Option) error {
	return check(body, opts, nil)
}

// state is what Check records about one hub; report, when not nil, learns
// each problem as soon as it is found.
type state struct {
	mu       sync.Mutex
	problems []error
	expects  []expectation
	report   func(msg string)
}

type expectation struct {
	what  string
	match func(ctx any, err error) bool
	seen  bool
}

func (s *state) fail(format string, a ...any) {
	err := fmt.Errorf("greenlettest: "+format, a...)
	s.mu.Lock()
	s.problems = append(s.problems, err)
	report := s.report
	s.mu.Unlock()
	if report != nil {
		report(err.Error())
	}
}

// states maps each hub that Check runs to its state, for Expect.
var states sync.Map // *hub.Hub -> *state

func check(body func(main *greenlet.Greenlet) error, opts []hub.Option, report func(string)) error {
	if body == nil {
		panic("greenlettest: Run of a nil body")
	}
	s := &state{report: report}
	base := []hub.Option{
		hub.WithVirtualClock(),
		hub.WithVerify(true),
		hub.WithErrorStream(nil),
		hub.WithErrorHandler(s.handle),
	}
	h, err := hub.New(append(base, opts...)...)
	if err != nil {
		s.fail("%w", err)
		return errors.Join(s.problems...)
	}
	states.Store(h, s)
	defer states.Delete(h)
	watchdog := time.AfterFunc(RealTimeLimit, func() {
		s.fail("the hub still runs after %v of real time: it waits for outside work that never comes, or a busy loop waits for virtual time to pass", RealTimeLimit)
		sh := sched.Of(h)
		h.Post(func() { sh.Throw(sh.Main(), errStuck) })
	})
	defer watchdog.Stop()
	err = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		err := body(main)
		if c := h.Census(); c.Live > 1 || c.Callbacks > 0 || c.Timers > 0 || c.Refs > 0 {
			s.fail("left running when the body returned: %d greenlets besides main, %d callbacks queued (greenlets not started yet among them), %d timers armed, %d refs held", c.Live-1, c.Callbacks, c.Timers, c.Refs)
		}
		return err
	})
	if err != nil {
		s.fail("body: %w", err)
	}
	s.mu.Lock()
	var missing []string
	for _, e := range s.expects {
		if !e.seen {
			missing = append(missing, e.what)
		}
	}
	s.mu.Unlock()
	if len(missing) > 0 {
		s.fail("expected reports never came: %s", strings.Join(missing, "; "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(s.problems...)
}

var errStuck = errors.New("greenlettest: stopped after the real-time limit")

// handle is the hub's error handler: a report is consumed by the first
// unmet expectation it matches, or is a problem.
func (s *state) handle(h *hub.Hub, ctx any, err error) {
	s.mu.Lock()
	for i := range s.expects {
		e := &s.expects[i]
		if !e.seen && e.match(ctx, err) {
			e.seen = true
			s.mu.Unlock()
			return
		}
	}
	s.mu.Unlock()
	if ctx == nil {
		ctx = "<hub>"
	}
	s.fail("unexpected report to the error handler: %v failed with %v", ctx, err)
}

// Expect declares that the hub running cur will report, once, a failure
// whose error matches target (errors.Is) to its error handler: a greenlet
// that fails with an error nobody collects, for example. Each Expect allows
// one such report and requires it before Check returns. Call it from a
// greenlet of a hub run by Run or Check, before the report happens.
func Expect(cur *greenlet.Greenlet, target error) {
	ExpectFunc(cur, fmt.Sprintf("a failure with %v", target), func(_ any, err error) bool { return errors.Is(err, target) })
}

// ExpectFunc is Expect with a predicate on the report's context and error
// (see hub.ErrorHandler); what describes the report in the failure message
// when it never comes.
func ExpectFunc(cur *greenlet.Greenlet, what string, match func(ctx any, err error) bool) {
	if cur == nil || match == nil {
		panic("greenlettest: Expect with a nil greenlet or predicate")
	}
	v, ok := states.Load(cur.Hub())
	if !ok {
		panic("greenlettest: Expect from a greenlet whose hub greenlettest does not run")
	}
	s := v.(*state)
	s.mu.Lock()
	s.expects = append(s.expects, expectation{what: what, match: match})
	s.mu.Unlock()
}

package hub

import (
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/gevent-go/gevent/internal/sched"
)

// An Option configures a hub at New (and greenlet.Run). Its zero value is
// not an option: make one with the With functions.
type Option struct {
	o sched.Option
}

// CoreEnv is the environment variable that selects a core when no WithCore
// option is given: GEVENT_CORE=go or GEVENT_CORE=c.
const CoreEnv = "GEVENT_CORE"

// DefaultSwitchInterval is how long the hub runs ready callbacks before it
// polls the loop for timers and wake-ups, as gevent's getswitchinterval().
const DefaultSwitchInterval = 5 * time.Millisecond

// DefaultBlockingLimit is how many functions of one hub greenlet.Blocking
// runs at once when WithBlockingLimit is not given. Such work is mostly
// waiting (I/O, a cgo call, a channel), so the bound is about goroutines and
// file descriptors, not CPUs; gevent's threadpool has a similar fixed
// default.
const DefaultBlockingLimit = 64

// The constants above are the scheduler's; these fail to compile if they
// drift apart (CoreEnv is checked by a test).
var (
	_ = [1]struct{}{}[DefaultSwitchInterval-sched.DefaultSwitchInterval]
	_ = [1]struct{}{}[DefaultBlockingLimit-sched.DefaultBlockingLimit]
)

// Cores returns the names of the cores this build offers, sorted: "go"
// always, "c" in cgo builds.
func Cores() []string { return sched.Cores() }

// DefaultCore returns the core a hub uses when neither WithCore nor
// GEVENT_CORE names one: "c" when this build has it, otherwise "go".
func DefaultCore() string { return sched.DefaultCore() }

// WithCore selects the core ("go", or "c" in builds that have it). Without
// it the hub uses GEVENT_CORE, then DefaultCore.
func WithCore(name string) Option { return Option{sched.WithCore(name)} }

// WithSwitchInterval bounds how long ready callbacks (sleep(0) loops,
// wake-ups) may run before the loop is polled, so that they cannot starve
// timers. It must be positive; the default is DefaultSwitchInterval.
func WithSwitchInterval(d time.Duration) Option { return Option{sched.WithSwitchInterval(d)} }

// WithErrorHandler replaces the error handler (see ErrorHandler).
func WithErrorHandler(f ErrorHandler) Option {
	if f == nil {
		return Option{sched.WithErrorHandler(nil)}
	}
	return Option{sched.WithErrorHandler(func(s *sched.Hub, source any, err error) { f(public(s), source, err) })}
}

// WithErrorStream sets where PrintError writes (default os.Stderr); nil
// silences it.
func WithErrorStream(w io.Writer) Option { return Option{sched.WithErrorStream(w)} }

// WithErrorLogger sends the hub's reports to l instead of an error stream:
// each failure PrintError reports is one record at level Error, message
// "failed", with the attributes "what" (the source, as PrintError names it)
// and "err", plus "stack" for a panic; a BlockingReport is a record at level
// Warn, message "blocked", with the same attributes, "stack" being the
// blocked code's. Other text the hub writes to its error stream (the
// run-info dump) is one record at level Info. The logger stamps the time
// itself. WithErrorLogger and WithErrorStream replace each other: the last
// given wins. A nil l panics.
func WithErrorLogger(l *slog.Logger) Option { return Option{sched.WithErrorLogger(l)} }

// WithProfileLabels makes every greenlet label its goroutine
// greenlet=<name>, so CPU and goroutine profiles show greenlets by name. It
// costs a context and a label set per greenlet at each launch, which is why
// it is off by default.
func WithProfileLabels(on bool) Option { return Option{sched.WithProfileLabels(on)} }

// WithBlockingLimit bounds how many functions the hub runs at once through
// greenlet.Blocking; further callers wait, in FIFO order, until a running
// one returns. It must be positive; the default is DefaultBlockingLimit.
func WithBlockingLimit(n int) Option { return Option{sched.WithBlockingLimit(n)} }

// WithBlockingReport turns on the blocked-hub monitor (gevent's
// max_blocking_time): a greenlet, or a hub callback, that runs longer than
// threshold without switching is reported once per incident to the error
// handler as a *BlockingReport, with the stacks of the hub's goroutines
// taken while it was blocked. Off by default; threshold must be positive.
//
// A goroutine samples the hub every half threshold while it runs; the hub
// side costs a load and a branch per switch. The report is delivered on the
// hub's goroutine (the error handler's contract), so once the blocked code
// has switched: a greenlet that never switches again is found but never
// reported. Time is wall time: a hub whose thread the machine starves of CPU
// for a threshold is reported as blocked by whatever it was running.
func WithBlockingReport(threshold time.Duration) Option {
	return Option{sched.WithBlockingReport(threshold)}
}

// WithRunInfoOnSignal makes the hub write its RunInfo to its error stream
// (see WithErrorStream) each time sig arrives while it runs, as Java and Go
// programs dump their threads on SIGQUIT. The hub takes the signal from the
// process's default handling for as long as it runs (os/signal.Notify).
func WithRunInfoOnSignal(sig os.Signal) Option { return Option{sched.WithRunInfoOnSignal(sig)} }

// WithVerify makes the hub check its invariants at every loop turn and
// panic with a "hub: verify: " message on the first violation. It is for
// tests and debugging: it costs a walk over every live greenlet and timer
// per turn. greenlettest turns it on.
func WithVerify(on bool) Option { return Option{sched.WithVerify(on)} }

// WithVirtualClock gives the hub a virtual clock: time stands still while
// anything can run, and when nothing can, the clock jumps to the earliest
// armed timer's deadline and that timer fires. A test whose greenlets sleep
// for minutes runs in microseconds, and a program without outside input (no
// Post from other goroutines, no signals) produces the same event order and
// the same timestamps on every run and every machine, which also makes the
// hub a discrete-event simulation engine. PrintError stamps its reports with
// the virtual time counted from 2000-01-01T00:00:00Z.
//
// The clock jumps only while the hub is idle: while some goroutine holds a
// Ref (it promised to Post), the hub waits in real time and the clock does
// not move, so work announced from outside is never skipped over; an
// unannounced Post or a signal arrives whenever it arrives in real time. Two
// kinds of program never end, as under testing/synctest: a busy loop
// (sleep(0)) that waits for a deadline to pass, since time stands still
// while it runs; and outside work that waits for one of the hub's timers
// while its Ref is held.
//
// The virtual clock is built on the pure-Go loop: Core reports "go", and New
// fails when WithVirtualClock is combined with WithCore naming another core.
func WithVirtualClock() Option { return Option{sched.WithVirtualClock()} }

package hub

import (
	"github.com/gevent-go/gevent/internal/sched"
)

// An ErrorHandler receives every failure the hub observes that nobody else
// handles, with its source: the *greenlet.Greenlet that failed, a value
// naming a callback or link that panicked (a string, or the greenlet it
// belongs to), or nil for a failure of the program as a whole (a signal
// handler's, the loop's). It replaces PrintError; it runs on the hub's
// goroutine, must not block, and must not panic (a panic is printed and
// otherwise ignored).
//
// Whatever the handler does, the hub then re-delivers the error to the main
// greenlet if source is nil or err is a SystemError, as gevent's
// handle_error does with SYSTEM_ERROR.
type ErrorHandler func(h *Hub, source any, err error)

// ExitError is implemented by errors that end a greenlet successfully, as
// gevent's GreenletExit and its subclasses do. The greenlet package's
// *GreenletExit implements it, and so does ErrHubDestroyed; a user type
// "subclasses" GreenletExit by implementing it or by wrapping one.
type ExitError interface {
	error
	// GreenletExit marks the error; it is never called.
	GreenletExit()
}

// IsExit reports whether err, or an error it wraps, is an ExitError.
func IsExit(err error) bool { return sched.IsExit(err) }

// SystemError is implemented by errors that the hub re-delivers to the main
// greenlet after handling them, like gevent's SystemExit and
// KeyboardInterrupt (Hub.SYSTEM_ERROR). The greenlet that failed is still
// marked failed.
type SystemError interface {
	error
	// SystemError marks the error; it is never called.
	SystemError()
}

// IsSystem reports whether err, or an error it wraps, is a SystemError.
func IsSystem(err error) bool { return sched.IsSystem(err) }

// ErrHubDestroyed is returned by the pending blocking call of every greenlet
// still alive when its hub shuts down (after the main greenlet returned),
// and by every blocking call made afterwards. It is an ExitError: a greenlet
// that returns it ends successfully, as gevent's HubDestroyed(GreenletExit)
// does.
var ErrHubDestroyed = sched.ErrHubDestroyed

// ErrBlockingSwitchOut is returned by a blocking call made inside a hub
// callback (a Rawlink callback, a Post function, a timer function): the hub
// cannot wait for itself. gevent raises BlockingSwitchOutError there; like
// gevent, whatever the call queued before blocking (a kill, a wake-up) still
// happens.
var ErrBlockingSwitchOut = sched.ErrBlockingSwitchOut

// ErrGoexit is the failure of a greenlet whose body called runtime.Goexit,
// as t.FailNow, t.Fatal and testify's require do: the body's deferred code
// runs, the greenlet ends with ErrGoexit, and the hub goes on. A main
// greenlet that calls it makes greenlet.Run return ErrGoexit.
var ErrGoexit = sched.ErrGoexit

// ErrClosed is returned by Post and Reinit after the hub has shut down.
var ErrClosed = sched.ErrClosed

// ErrLoopExit matches any *LoopExit with errors.Is.
var ErrLoopExit = sched.ErrLoopExit

// ErrNegativeSleep is returned by a sleep with a negative duration.
var ErrNegativeSleep = sched.ErrNegativeSleep

// ErrBadFD is what a wait on a file descriptor that cannot be watched
// returns (wrapped with the fd and the cause): a negative fd, one that is
// not open, or one the loop gave up on.
var ErrBadFD = sched.ErrBadFD

// ErrFDClosed is what a wait on a file descriptor returns when a close
// through the hub (greenlet.CancelWait, the socket package's Close) ended
// it: the fd may already belong to another file, which the waiter never
// watches.
var ErrFDClosed = sched.ErrFDClosed

// ErrVirtualIO is what a wait on a file descriptor returns on a
// virtual-clock hub (WithVirtualClock): readiness comes from outside the
// program, which a virtual clock would skip over, so such a hub refuses fd
// waits instead of making a simulation depend on real time.
var ErrVirtualIO = sched.ErrVirtualIO

// LoopExit is returned to the main greenlet's blocking call when nothing
// could ever wake it: no ready callback, no armed timer that keeps the loop
// alive, no Ref and no pending Post. gevent raises LoopExit('This operation
// would block forever'); as in modern gevent the hub stays usable, and the
// main greenlet may block again.
//
// Its field Parked is the number of greenlets, main included, parked at the
// time. errors.Is(err, ErrLoopExit) holds for every *LoopExit.
type LoopExit = sched.LoopExit

// PanicError is a panic recovered from a greenlet body or a callback: its
// fields are Value, the panic value, and Stack, the stack of the goroutine
// that panicked (runtime/debug.Stack's format). Error formats the value;
// Unwrap returns the value when it is an error.
type PanicError = sched.PanicError

// A BlockingReport (see WithBlockingReport) says that the hub was blocked:
// one greenlet (or hub callback) ran without switching for at least a
// threshold. Its fields are Greenlet (the greenlet's name, or "hub
// callback"), Blocked (how long it had run when the monitor saw it) and
// Stack (runtime.Stack's format: the hub's goroutines that were not parked
// in a switch, the blocked code's). PrintError prints Stack after the
// one-line Error.
type BlockingReport = sched.BlockingReport

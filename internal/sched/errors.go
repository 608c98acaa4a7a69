package sched

import (
	"errors"
	"fmt"
)

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
func IsExit(err error) bool {
	var e ExitError
	return err != nil && errors.As(err, &e)
}

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
func IsSystem(err error) bool {
	var e SystemError
	return err != nil && errors.As(err, &e)
}

type hubDestroyed struct{}

func (hubDestroyed) Error() string { return "hub: hub destroyed" }
func (hubDestroyed) GreenletExit() {}

// ErrHubDestroyed is returned by the pending blocking call of every greenlet
// still alive when its hub shuts down (after the main greenlet returned), and
// by every blocking call made afterwards. It is an ExitError: a greenlet that
// returns it ends successfully, as gevent's HubDestroyed(GreenletExit) does.
var ErrHubDestroyed error = hubDestroyed{}

// ErrBlockingSwitchOut is returned by a blocking call made inside a hub
// callback (a Rawlink callback, a RunCallback or Post function, a timer
// function): the hub cannot wait for itself. gevent raises
// BlockingSwitchOutError there; like gevent, whatever the call queued before
// blocking (a kill, a wake-up) still happens.
var ErrBlockingSwitchOut = errors.New("hub: impossible to call a blocking function in the event loop callback")

// ErrGoexit is the failure of a greenlet whose body called runtime.Goexit,
// as t.FailNow, t.Fatal and testify's require do: the body's deferred code
// runs, the greenlet ends with ErrGoexit, and the hub goes on (the coroutine
// runtime would otherwise carry the Goexit into the hub's goroutine and Run
// would never return). A main greenlet that calls it makes Run return
// ErrGoexit. In a test, t is marked failed by FailNow itself and the test
// function returns once Run has.
var ErrGoexit = errors.New("hub: greenlet body called runtime.Goexit (t.FailNow, t.Fatal, require)")

// ErrClosed is returned by Post after the hub has shut down.
var ErrClosed = errors.New("hub: hub is closed")

// LoopExit is returned to the main greenlet's blocking call when nothing
// could ever wake it: no ready callback, no armed timer that keeps the loop
// alive, no Ref and no pending Post. gevent raises LoopExit('This operation
// would block forever'); as in modern gevent the hub stays usable, and the
// main greenlet may block again.
type LoopExit struct {
	// Parked is the number of greenlets, main included, parked at the time.
	Parked int
}

// Error describes the condition and how many greenlets were parked.
func (e *LoopExit) Error() string {
	return fmt.Sprintf("hub: this operation would block forever (%d greenlets parked, nothing can wake them)", e.Parked)
}

// ErrLoopExit matches any *LoopExit with errors.Is.
var ErrLoopExit = errors.New("hub: this operation would block forever")

// Is makes errors.Is(err, ErrLoopExit) true for every *LoopExit.
func (e *LoopExit) Is(target error) bool { return target == ErrLoopExit }

// PanicError is a panic recovered from a greenlet body or a callback: the
// panic value and the stack of the goroutine that panicked. It unwraps to the
// value when the value is an error.
type PanicError struct {
	Value any
	Stack []byte
}

// Error formats the panic value; the stack is in Stack.
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic value if it is an error, else nil.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

package greenlet

import (
	"fmt"

	"github.com/gevent-go/gevent/hub"
)

// GreenletExit ends a greenlet successfully: a body that returns it (or an
// error wrapping it, or any hub.ExitError) succeeds, and the error becomes the
// greenlet's Value; Get returns it as the value, not as an error. Kill
// delivers a new *GreenletExit when given a nil error. Nothing is printed.
//
// A program-specific "subclass" is a type that wraps a *GreenletExit or
// implements hub.ExitError.
type GreenletExit struct {
	// Msg is an optional reason, shown by Error.
	Msg string
}

// Error returns "GreenletExit", followed by Msg when there is one.
func (e *GreenletExit) Error() string {
	if e.Msg == "" {
		return "GreenletExit"
	}
	return "GreenletExit: " + e.Msg
}

// GreenletExit marks the error as a hub.ExitError.
func (e *GreenletExit) GreenletExit() {}

// IsExit reports whether err ends a greenlet successfully (GreenletExit,
// hub.ErrHubDestroyed, or another hub.ExitError).
func IsExit(err error) bool {
	// The direct case first: errors.As needs reflection and a deeper stack,
	// which a fresh greenlet's small stack pays for by growing as it ends.
	if _, ok := err.(hub.ExitError); ok {
		return true
	}
	return hub.IsExit(err)
}

// ErrHubDestroyed is hub.ErrHubDestroyed: the pending blocking call of a
// greenlet still alive when the main greenlet returned. It is a GreenletExit.
var ErrHubDestroyed = hub.ErrHubDestroyed

// ErrLoopExit matches, with errors.Is, the *hub.LoopExit that the main
// greenlet's blocking call returns when nothing could ever wake it.
var ErrLoopExit = hub.ErrLoopExit

// ErrBlockingSwitchOut is returned by a blocking call made inside a hub
// callback, such as a Rawlink callback.
var ErrBlockingSwitchOut = hub.ErrBlockingSwitchOut

// PanicError is a panic recovered from a greenlet body: the greenlet's error,
// with the panic value and the stack.
type PanicError = hub.PanicError

// LinkedExited is the family of errors that the 0.13.6 link-to-greenlet
// delivers (LinkTo, SpawnLink*): errors.Is(err, LinkedExited) holds for
// *LinkedCompleted, *LinkedKilled and *LinkedFailed, and errors.As to
// *LinkedCompleted also matches a *LinkedKilled, as the subclassing did in
// gevent 0.13.6.
var LinkedExited error = linkedExited{}

type linkedExited struct{}

func (linkedExited) Error() string { return "greenlet: linked greenlet exited" }

// LinkedCompleted tells a linked greenlet that Source finished successfully.
type LinkedCompleted struct{ Source *Greenlet }

// Error says, like gevent, that Source completed successfully.
func (e *LinkedCompleted) Error() string { return fmt.Sprintf("%v completed successfully", e.Source) }

// Is makes errors.Is(err, LinkedExited) true.
func (e *LinkedCompleted) Is(target error) bool { return target == LinkedExited }

// LinkedKilled tells a linked greenlet that Source ended with a GreenletExit
// (its Value). It is a kind of LinkedCompleted.
type LinkedKilled struct {
	Source *Greenlet
	Value  error
}

// Error says, like gevent, what kind of GreenletExit Source returned.
func (e *LinkedKilled) Error() string { return fmt.Sprintf("%v returned %T", e.Source, e.Value) }

// Is makes errors.Is(err, LinkedExited) true.
func (e *LinkedKilled) Is(target error) bool { return target == LinkedExited }

// As lets errors.As(err, &completed) match a *LinkedKilled.
func (e *LinkedKilled) As(target any) bool {
	if p, ok := target.(**LinkedCompleted); ok {
		*p = &LinkedCompleted{Source: e.Source}
		return true
	}
	return false
}

// LinkedFailed tells a linked greenlet that Source failed with Err; it
// unwraps to Err.
type LinkedFailed struct {
	Source *Greenlet
	Err    error
}

// Error says, like gevent, that Source failed and with what.
func (e *LinkedFailed) Error() string { return fmt.Sprintf("%v failed with %v", e.Source, e.Err) }

// Is makes errors.Is(err, LinkedExited) true.
func (e *LinkedFailed) Is(target error) bool { return target == LinkedExited }

// Unwrap returns the source's error.
func (e *LinkedFailed) Unwrap() error { return e.Err }

func linkedError(src *Greenlet) error {
	switch {
	case src.err != nil:
		return &LinkedFailed{Source: src, Err: src.err}
	default:
		if ex, ok := src.value.(error); ok && IsExit(ex) {
			return &LinkedKilled{Source: src, Value: ex}
		}
		return &LinkedCompleted{Source: src}
	}
}

package greenlet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/internal/sched"
)

// A Timeout interrupts the greenlet that started it, after a duration, by
// delivering an error at its blocking call: the Timeout itself, or the
// custom error it was made with (gevent's Timeout). Because the delivered
// error is the *Timeout, "is this my timeout" is err == t (or errors.Is);
// every wait that takes a timeout in this package checks identity, so an
// outer Timeout always passes through an inner wait.
//
// Lifecycle: NewTimeout, then Start (or StartNew); Pending while armed;
// Cancel disarms (it may be started again); Close disarms for good. Do runs
// a function inside the timeout, as gevent's "with Timeout(...)". A Timeout
// of Forever never fires and is one shared value, so it allocates nothing.
//
// A Timeout belongs to the hub of the greenlet that first started it. Its
// zero value is not usable; use NewTimeout.
type Timeout struct {
	d      time.Duration
	custom error
	silent bool
	closed bool
	timer  sched.Timer
}

// ErrTimeout matches every *Timeout with errors.Is.
var ErrTimeout = errors.New("greenlet: timeout")

var never = &Timeout{d: Forever}

// NewTimeout returns an unstarted timeout of d that delivers err when it
// fires, or itself if err is nil. d of Forever gives the shared timeout that
// never fires.
func NewTimeout(d time.Duration, err error) *Timeout {
	if d == Forever {
		return never
	}
	return &Timeout{d: d, custom: err}
}

// NewSilentTimeout returns a timeout of d that Do swallows when it fires
// (gevent's Timeout(d, False)). Started with Start, it is delivered like any
// other Timeout.
func NewSilentTimeout(d time.Duration) *Timeout {
	if d == Forever {
		return never
	}
	return &Timeout{d: d, silent: true}
}

// StartNew returns a started timeout of d targeting cur (gevent's
// Timeout.start_new); d of Forever returns the shared never-firing one.
func StartNew(cur *Greenlet, d time.Duration, err error) *Timeout {
	t := NewTimeout(d, err)
	t.Start(cur)
	return t
}

// Start arms t to interrupt cur (the greenlet now running, as a rule) after
// t's duration. It panics if t is pending (cancel it first) or closed.
func (t *Timeout) Start(cur *Greenlet) {
	if t.d == Forever {
		return
	}
	if t.closed {
		panic("greenlet: Timeout.Start after Close")
	}
	if t.timer.Active() {
		panic("greenlet: Timeout.Start: the timeout is already pending; Cancel it first")
	}
	if cur == nil {
		panic("greenlet: Timeout.Start with a nil greenlet")
	}
	t.timer.Init(cur.h)
	var err error = t
	if t.custom != nil {
		err = t.custom
	}
	t.timer.SetThrow(cur.raw, err)
	t.timer.Start(t.d)
}

// Pending reports whether t is armed and has not fired.
func (t *Timeout) Pending() bool { return t.timer.Active() }

// Cancel disarms t; it may be started again.
func (t *Timeout) Cancel() { t.timer.Stop() }

// Close disarms t for good: Start panics afterwards. Closing twice is fine.
func (t *Timeout) Close() {
	if t == never {
		return
	}
	t.timer.Stop()
	t.closed = true
}

// Duration returns t's duration (Forever for none).
func (t *Timeout) Duration() time.Duration { return t.d }

// Error describes t like gevent's str(Timeout): "timeout after 10ms",
// with " (silent)" or ": <custom error>".
func (t *Timeout) Error() string {
	if t.d == Forever {
		return "timeout"
	}
	s := fmt.Sprintf("timeout after %v", t.d)
	switch {
	case t.silent:
		s += " (silent)"
	case t.custom != nil:
		s += ": " + t.custom.Error()
	}
	return s
}

// Timeout reports true: t is a timeout (the net.Error convention).
func (t *Timeout) Timeout() bool { return true }

// Is makes errors.Is(err, ErrTimeout) and errors.Is(err,
// context.DeadlineExceeded) true for every *Timeout: a timeout is a deadline
// that passed, for code written against package context too.
func (t *Timeout) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}

// Do runs fn with t started (unless already pending) and closes t when fn
// returns: gevent's "with t:". If fn returns t itself and t is silent, Do
// returns nil; any other error, including an outer Timeout, is returned as
// is.
func (t *Timeout) Do(cur *Greenlet, fn func() error) error {
	if !t.Pending() {
		t.Start(cur)
	}
	defer t.Close()
	err := fn()
	if t.silent && isSame(err, t) {
		return nil
	}
	return err
}

// isSame reports whether err is t or wraps t (errors.Is with a *Timeout
// target also matches through Is, so identity is checked separately).
func isSame(err error, t *Timeout) bool {
	for err != nil {
		if x, ok := err.(*Timeout); ok && x == t {
			return true
		}
		err = errors.Unwrap(err)
	}
	return false
}

// IsTimeout reports whether err is the error t delivers (t, or t's custom
// error), as gevent's "ex is t" check.
func (t *Timeout) IsTimeout(err error) bool {
	if t.custom != nil {
		return err == t.custom
	}
	return isSame(err, t)
}

// WithTimeout runs fn under a timeout of d started for cur (gevent's
// with_timeout): fn's result, or, if the timeout fires first, the *Timeout
// as the error. An outer timeout passes through.
func WithTimeout[T any](cur *Greenlet, d time.Duration, fn func() (T, error)) (T, error) {
	t := StartNew(cur, d, nil)
	defer t.Close()
	return fn()
}

// WithTimeoutValue is WithTimeout with gevent's timeout_value: if its own
// timeout fires, it returns value and a nil error.
func WithTimeoutValue[T any](cur *Greenlet, d time.Duration, value T, fn func() (T, error)) (T, error) {
	t := StartNew(cur, d, nil)
	defer t.Close()
	v, err := fn()
	if err != nil && isSame(err, t) {
		return value, nil
	}
	return v, err
}

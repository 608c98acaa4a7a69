package greenlet

import (
	"context"
	"runtime"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// Call runs fn as a new greenlet on h and waits, in the calling goroutine,
// for its result: the door into a hub from ordinary Go code (an HTTP
// handler, a worker goroutine). Only the calling goroutine blocks; the hub
// goes on running its other greenlets, fn among them.
//
// fn's result and error are returned as they are, a panic in fn as a
// *PanicError with its stack. They go to the caller only: the hub's error
// handler does not report them, since the caller has them.
//
// ctx governs the call. If it is already done, fn does not run and Call
// returns context.Cause(ctx). If it is done while fn runs, fn is killed: its
// pending blocking call returns an exit error (IsExit) that wraps
// context.Cause(ctx), so errors.Is(err, context.Canceled) works inside fn.
// Call then waits until the greenlet has ended, so fn never outlives Call
// (it may still be using what the caller lent it, such as an
// http.ResponseWriter), and returns context.Cause(ctx), whatever fn
// returned. A result that is ready when Call notices ctx is done wins.
//
// The call keeps the hub alive as any spawned greenlet does: its post, its
// start and what fn then waits on count as the hub's work. It takes no Ref:
// a Ref would make a hub on a virtual clock wait in real time, so that fn's
// own timers never fired. A hub that has not started yet runs fn once Run
// starts. If the hub shuts down before fn has
// started, fn never runs and Call returns hub.ErrClosed; if it shuts down
// while fn runs, fn's blocking calls return ErrHubDestroyed, and fn's result
// is returned as usual.
//
// Call must not be made from h's own goroutine (a greenlet or a callback of
// h): the hub would wait for itself. That is a panic, raised before anything
// is queued. A greenlet of another hub may call it, but its whole hub then
// waits with it; a nil ctx, h or fn panics too.
func Call[T any](ctx context.Context, h *hub.Hub, fn func(g *Greenlet) (T, error)) (T, error) {
	var zero T
	switch {
	case ctx == nil:
		panic("greenlet: Call with a nil context (use context.Background())")
	case h == nil:
		panic("greenlet: Call with a nil hub")
	case fn == nil:
		panic("greenlet: Call with a nil function")
	}
	s := schedOf(h)
	s.CheckForeign("greenlet: Call")
	if ctx.Err() != nil {
		return zero, context.Cause(ctx)
	}
	c := &call[T]{h: s, fn: fn, res: make(chan callResult[T], 1)}
	if err := h.Post(c.start); err != nil {
		return zero, err
	}
	// A short call is answered within the spin: the answer then wakes no
	// thread (a parked caller costs the hub an OS thread wake-up to resume).
	for range callSpin {
		select {
		case r := <-c.res:
			return r.v, r.err
		default:
			runtime.Gosched()
		}
	}
	select {
	case r := <-c.res:
		return r.v, r.err
	case <-h.Done():
		return c.hubDone()
	case <-ctx.Done():
	}
	select {
	case r := <-c.res:
		return r.v, r.err
	default:
	}
	cause := context.Cause(ctx)
	if h.Post(func() { c.cancel(cause) }) == nil {
		select {
		case <-c.res:
		case <-h.Done():
			c.hubDone()
		}
	} else {
		<-h.Done()
		c.hubDone()
	}
	return zero, cause
}

// callSpin is how many times Call yields, polling for the result, before it
// parks: long enough for the hub to wake from its OS wait and answer a short
// call, short enough that a long one wastes little CPU (a yield with nothing
// else to run costs tens of nanoseconds).
const callSpin = 256

// A call is one Call in flight. Fields without a note are the hub's.
type call[T any] struct {
	h   *sched.Hub
	fn  func(g *Greenlet) (T, error)
	res chan callResult[T] // receives the outcome once; buffered

	g         *Greenlet
	began     bool  // the greenlet is running fn
	cancelled error // the kill for a greenlet that has not begun yet
}

type callResult[T any] struct {
	v   T
	err error
}

// start runs in the hub as a posted function: it spawns the greenlet.
func (c *call[T]) start() {
	c.g = newOn(c.h, c.body)
	c.g.Start()
}

// body is the greenlet's: fn's outcome, a panic included, goes to the
// caller, and the greenlet itself ends successfully.
func (c *call[T]) body(g *Greenlet) (any, error) {
	sent := false
	defer func() {
		if !sent { // fn panicked or called runtime.Goexit
			err := ErrGoexit
			if r := recover(); r != nil {
				err = sched.NewPanicError(r)
			}
			c.finish(callResult[T]{err: err})
		}
	}()
	if c.cancelled != nil {
		sent = true
		c.finish(callResult[T]{err: c.cancelled})
		return nil, nil
	}
	c.began = true
	v, err := c.fn(g)
	sent = true
	c.finish(callResult[T]{v: v, err: err})
	return nil, nil
}

// finish hands the outcome to the caller without blocking the hub: the
// channel has room for the one outcome a call has.
func (c *call[T]) finish(r callResult[T]) {
	select {
	case c.res <- r:
	default:
		panic("greenlet: internal error: a Call's outcome sent twice")
	}
}

// cancel runs in the hub as a posted function, always after start (posts
// are FIFO): it kills the greenlet, or tells it not to run fn at all.
func (c *call[T]) cancel(cause error) {
	exit := &contextExit{cause: cause}
	if c.began {
		c.g.KillNowait(WithError(exit))
	} else {
		c.cancelled = exit
	}
}

// hubDone is the end of a call whose hub was destroyed: the result, if the
// greenlet ran (a greenlet's end comes before the hub's), else ErrClosed.
func (c *call[T]) hubDone() (T, error) {
	select {
	case r := <-c.res:
		return r.v, r.err
	default:
	}
	var zero T
	return zero, hub.ErrClosed
}

// contextExit is the kill a Call delivers when its context is done: an exit
// (the greenlet ends successfully) that wraps the context's cause.
type contextExit struct{ cause error }

func (e *contextExit) Error() string {
	return "greenlet: the caller's context is done: " + e.cause.Error()
}
func (e *contextExit) GreenletExit() {}
func (e *contextExit) Unwrap() error { return e.cause }

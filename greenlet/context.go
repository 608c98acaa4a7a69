package greenlet

import (
	"context"
	"errors"

	"github.com/gevent-go/gevent/hub"
)

// ErrEnded is the cause (context.Cause) of a greenlet's Context once the
// greenlet has ended successfully with a value; a failure or a GreenletExit
// is the cause itself.
var ErrEnded = errors.New("greenlet: the greenlet has ended")

// A ContextError is how the end of a context.Context reaches a greenlet: the
// kill error of a greenlet spawned with SpawnContext, and the error
// WaitContext returns. errors.Is matches both the context's error
// (context.Canceled or context.DeadlineExceeded) and its cause.
//
// Like the default kill (GreenletExit), it ends a greenlet successfully: a
// body that returns it is not reported as failed, since the greenlet stopped
// because its owner asked it to.
type ContextError struct {
	// Err is the context's Err: context.Canceled or context.DeadlineExceeded.
	Err error
	// Cause is context.Cause of the context: Err, unless the context was
	// cancelled with a cause of its own.
	Cause error
}

func contextError(ctx context.Context) *ContextError {
	return &ContextError{Err: ctx.Err(), Cause: context.Cause(ctx)}
}

// Error names the cause.
func (e *ContextError) Error() string {
	if e.Cause != nil && e.Cause != e.Err {
		return "greenlet: context done: " + e.Cause.Error()
	}
	return "greenlet: context done: " + e.Err.Error()
}

// Unwrap returns the context's error and, if different, its cause.
func (e *ContextError) Unwrap() []error {
	if e.Cause == nil || e.Cause == e.Err {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// GreenletExit marks the error as a hub.ExitError: a greenlet ended by its
// context ends successfully.
func (e *ContextError) GreenletExit() {}

// Context returns a context that is cancelled when g is killed (Kill,
// KillAll: the kill error is its cause) or ends (its cause is the failure,
// the GreenletExit, or ErrEnded after a success), whichever comes first; see
// context.Cause. Pass it to code outside the hub that works for g, such as a
// goroutine g started, so that it stops when g does. A Timeout of g does
// not cancel it: g goes on after a timeout.
//
// The context is made on the first call (greenlets that never ask pay
// nothing) and the same one is returned afterwards; on a greenlet that has
// ended it is already cancelled, and a kill that came before the first call
// cancels it only when g ends. Call Context from the hub's goroutine (g or
// another greenlet or callback of its hub); the context itself may then be
// used from any goroutine.
func (g *Greenlet) Context() context.Context {
	c := g.more()
	if c.ctx == nil {
		c.ctx, c.cancel = context.WithCancelCause(context.Background())
		if g.ready {
			c.cancel(g.endCause())
		}
	}
	return c.ctx
}

// endCause is the cause of g's context once g has ended.
func (g *Greenlet) endCause() error {
	if g.err != nil {
		return g.err
	}
	if e, ok := g.value.(error); ok && IsExit(e) {
		return e
	}
	return ErrEnded
}

// cancelContext cancels g's context, if it has one, with cause: g was
// killed. The first cause stays.
func (g *Greenlet) cancelContext(cause error) {
	if c := g.extra; c != nil && c.cancel != nil {
		c.cancel(cause)
	}
}

// endContext runs when g ends: its context is cancelled and a SpawnContext
// registration released, so that nothing outlives g.
func (g *Greenlet) endContext() {
	c := g.extra
	if c.cancel != nil {
		c.cancel(g.endCause())
	}
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
}

// SpawnContext is Spawn for a greenlet that is killed when ctx is done: it
// receives a *ContextError (matching ctx.Err() and context.Cause(ctx)) as
// the error of the blocking call where it is parked, like a Kill, and
// returning it ends the greenlet successfully. A ctx that is already done
// kills the greenlet before it runs. The link to ctx is released when the
// greenlet ends, so a long-lived ctx keeps nothing alive (no goroutine, no
// registration).
//
// The end of ctx arrives from outside the hub (hub.Hub.Post), and, like a
// signal, it does not keep the hub alive: a main greenlet waiting only for
// it gets LoopExit. Use WaitContext to wait for a context.
func SpawnContext(ctx context.Context, on *Greenlet, fn Func) *Greenlet {
	if ctx == nil {
		panic("greenlet: SpawnContext with a nil context")
	}
	g := New(on, fn)
	g.Start()
	if ctx.Done() == nil {
		return g // never done
	}
	if ctx.Err() != nil {
		g.KillNowait(WithError(contextError(ctx)))
		return g
	}
	h := g.h
	c := g.more()
	c.stop = context.AfterFunc(ctx, func() {
		_ = h.Post(func() { g.KillNowait(WithError(contextError(ctx))) }) // ErrClosed: the hub, and g, are gone
	})
	return g
}

// WaitContext parks cur until ctx is done and returns a *ContextError
// (matching ctx.Err() and context.Cause(ctx)); a ctx that is already done
// returns at once, without yielding. An error delivered to cur meanwhile (a
// kill, a timeout) is returned instead. While it waits, cur counts as
// waiting for outside work (hub.Hub.Ref): the main greenlet does not get
// LoopExit, and on a virtual clock time stands still, since a context's
// deadline runs on the real clock. A ctx that can never be done
// (context.Background) is waited for like any event nothing will set.
func WaitContext(cur *Greenlet, ctx context.Context) error {
	if ctx == nil {
		panic("greenlet: WaitContext with a nil context")
	}
	if err := cur.check("WaitContext", nil); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return contextError(ctx)
	}
	if ctx.Done() == nil {
		for {
			if err := cur.raw.ParkFor("greenlet: WaitContext"); err != nil {
				return err
			}
		}
	}
	h := cur.h
	tok := cur.raw.Token()
	h.Ref()
	stop := context.AfterFunc(ctx, func() {
		// tok is read in the hub, where the loop below renews it.
		if h.Post(func() { h.Unref(); h.Wake(tok) }) != nil {
			h.Unref() // the hub is gone; keep its count straight
		}
	})
	for {
		err := cur.raw.ParkFor("greenlet: WaitContext")
		if err != nil {
			if stop() {
				h.Unref()
			}
			return err
		}
		if ctx.Err() != nil {
			return contextError(ctx)
		}
		// A wake-up not meant for this wait: the resume made tok stale, so
		// the context's wake-up needs cur's new one, or it would be dropped.
		tok = cur.raw.Token()
	}
}

var _ hub.ExitError = (*ContextError)(nil)

package greenlet

import (
	"context"
)

// Blocking runs fn on a goroutine of its own and parks only cur, the calling
// greenlet, until fn returns (gevent's threadpool.apply): code that would
// freeze the whole hub if a greenlet ran it (any Go I/O such as net.Conn or
// bufio reads, time.Sleep, a channel receive, a cgo call) runs beside the
// hub, and the other greenlets go on meanwhile. It returns fn's result.
//
// fn receives a context that is cancelled when cur stops waiting: when cur
// is killed, when a Timeout of cur fires, or when the hub shuts down. cur
// then gets that error from Blocking at once, with the zero T, and whatever
// fn returns later is dropped: fn should watch ctx (pass it on, or close the
// connection it reads when ctx is done) so that its goroutine ends soon.
// A panic in fn is recovered and returned as cur's *PanicError.
//
// At most the hub's blocking limit of functions run at once
// (hub.WithBlockingLimit, hub.DefaultBlockingLimit by default); further
// callers park, first come first served, until a slot is free. While fn runs
// the hub counts it as outside work, so the main greenlet does not get
// LoopExit while a result is due; on a virtual clock (hub.WithVirtualClock)
// the clock stands still meanwhile, so a Timeout cannot interrupt Blocking
// there. A function that outlives its caller (killed, timed out) keeps its
// slot and that count until it returns. When the hub has nothing else to do
// while a function runs, it polls for the result for a short window before
// it sleeps in the OS, so a short function returns without an OS thread
// wake-up.
//
// Blocking is a blocking call: cur must be the greenlet now running (else it
// panics), and from a hub callback it returns ErrBlockingSwitchOut. fn must
// not use the hub or its greenlets: it runs on another goroutine.
func Blocking[T any](cur *Greenlet, fn func(ctx context.Context) (T, error)) (T, error) {
	var zero T
	if fn == nil {
		panic("greenlet: Blocking with a nil function")
	}
	if err := cur.check("Blocking", nil); err != nil {
		return zero, err
	}
	// The result is written by fn's goroutine before it posts its end and
	// read here only after the hub took that post; a caller that stopped
	// waiting never reads it.
	b := &blockingCall[T]{fn: fn}
	if err := cur.h.Offload(cur.raw, b.run); err != nil {
		return zero, err
	}
	return b.v, b.err
}

// blockingCall holds fn and its result in one allocation, where a closure
// over the result variables would move each of them to the heap.
type blockingCall[T any] struct {
	fn  func(ctx context.Context) (T, error)
	v   T
	err error
}

func (b *blockingCall[T]) run(ctx context.Context) { b.v, b.err = b.fn(ctx) }

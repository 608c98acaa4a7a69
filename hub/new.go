package hub

import (
	"github.com/gevent-go/gevent/internal/sched"
)

// A Hub schedules the greenlets of one OS thread (see the package doc). It
// is created by New and run by one greenlet.Run or greenlet.RunOn; its zero
// value is not usable. Its methods are for the hub's own goroutine (its
// greenlets and callbacks) unless their doc says otherwise.
type Hub struct {
	s *sched.Hub
}

func init() {
	sched.Of = func(pub any) *sched.Hub {
		if h, _ := pub.(*Hub); h != nil {
			return h.s
		}
		return nil
	}
}

// public returns the *Hub that wraps s.
func public(s *sched.Hub) *Hub {
	h, _ := s.Public().(*Hub)
	return h
}

// New creates a hub with its loop. It fails if an option is invalid, the
// chosen core is not in this build, or its loop cannot be created.
func New(opts ...Option) (*Hub, error) {
	so := make([]sched.Option, 0, len(opts))
	for _, o := range opts {
		if o.o == nil {
			panic("hub: New: zero Option (use the With functions)")
		}
		so = append(so, o.o)
	}
	s, err := sched.New(so...)
	if err != nil {
		return nil, err
	}
	h := &Hub{s: s}
	s.SetPublic(h)
	return h, nil
}

// Core returns the name of the hub's core ("go" or "c").
func (h *Hub) Core() string { return h.s.Core() }

// Virtual reports whether the hub runs on a virtual clock (WithVirtualClock).
func (h *Hub) Virtual() bool { return h.s.Virtual() }

// Now returns the hub's clock in nanoseconds, as the loop read it last (at
// its last turn; a greenlet that runs long sees it stand still). The clock
// is monotonic and its zero is arbitrary, except on a virtual clock
// (WithVirtualClock), where it reads 0 when the hub starts and the virtual
// nanoseconds since then afterwards: a simulation's time. Timeouts and
// sleeps are measured on it. Call it from the hub's goroutine.
func (h *Hub) Now() int64 { return h.s.Now() }

// Post queues fn to run in the hub, from any goroutine (gevent's
// run_callback_threadsafe), and wakes the hub if it is blocked. fn runs on
// the hub's goroutine as a callback, FIFO after the callbacks queued before
// the hub took the post; it must not block (a blocking call in it returns
// ErrBlockingSwitchOut), but it may spawn a greenlet or wake one. Post
// returns ErrClosed, and drops fn, once the hub has shut down. It panics if
// fn is nil.
//
// A pending post counts as work (the main greenlet does not get LoopExit
// while one is queued), but only once Post has been called: a goroutine that
// will post later must hold a Ref until then. greenlet.Call builds a
// request-and-wait on Post.
func (h *Hub) Post(fn func()) error { return h.s.Post(fn) }

// Ref records that some goroutine will Post to the hub later, so that a main
// greenlet waiting for that post does not get LoopExit. Every Ref needs one
// Unref (usually from the posted function). Safe from any goroutine.
func (h *Hub) Ref() { h.s.Ref() }

// Unref releases a Ref. It panics if there is none. Safe from any goroutine.
func (h *Hub) Unref() { h.s.Unref() }

// Done returns a channel that is closed once the hub is destroyed (its Run
// has returned; see Destroyed), as context.Context's Done: a goroutine
// waiting for something from the hub selects on it so that it does not wait
// forever for a post the hub dropped. Safe from any goroutine.
func (h *Hub) Done() <-chan struct{} { return h.s.Done() }

// Destroyed reports whether the hub has been shut down: its Run has
// returned (or is returning) and its loop is released. Nothing can run on it
// any more: spawning, starting timers and blocking calls panic with "...
// after the hub was destroyed", Post and Reinit return ErrClosed; Census and
// Core keep working. Safe from any goroutine.
func (h *Hub) Destroyed() bool { return h.s.Destroyed() }

// Reinit re-creates the loop's kernel resources after a fork of the process
// (gevent's reinit). A Go process cannot continue after a fork, so
// greenlet.Fork re-executes the program instead and Reinit is rarely needed.
// Call it from the hub's goroutine. It returns ErrClosed once the hub is
// destroyed.
func (h *Hub) Reinit() error { return h.s.Reinit() }

// HandleError reports a failure as the hub does for a greenlet that failed
// with nobody looking (gevent's handle_error): it calls the error handler
// (PrintError unless WithErrorHandler), then, for a nil source or a
// SystemError, delivers err to the main greenlet at its blocking call.
// source names what failed (it is printed with %v). Call it from the hub's
// goroutine.
func (h *Hub) HandleError(source any, err error) { h.s.HandleError(source, err) }

// PrintError reports a failure on one line, as gevent's print_exception
// ends its report:
//
//	<time> <source> failed with <err>
//
// with the time in ISO-8601 UTC (the virtual one on a virtual clock) and
// "<hub>" for a nil source. Only a crash says more: a *PanicError is
// followed by the stack of the panic between a line "--- stack of the panic
// in <source> ---" and a line "--- end of stack ---". A *BlockingReport is
// not a failure: its line is "<time> <report>", followed by the stack of the
// code that blocked, labelled "--- stack of the block in <source> ---" the
// same way. An ExitError is a success and is not reported. The report goes
// to the error stream (WithErrorStream), or is one record of the logger
// given to WithErrorLogger. An ErrorHandler may call it to keep the default
// report.
func (h *Hub) PrintError(source any, err error) { h.s.PrintError(source, err) }

package greenlet

import (
	"os"

	"github.com/gevent-go/gevent/internal/sched"
)

// A SignalHandler is a registration made by Signal.
type SignalHandler struct {
	w *sched.SignalWatcher
}

// Signal runs handler in a new greenlet on the hub of on each time the
// process receives sig (gevent's signal / signal_handler). Delivery goes
// through os/signal and a helper goroutine that posts to the hub, so it
// works the same on every core. A handler's failure is reported and then
// delivered to the main greenlet at its blocking call, as gevent throws it
// into MAIN. A registration does not keep the hub alive: a main greenlet
// that only waits for signals gets LoopExit, as in gevent. Cancel stops it;
// Run cancels what is left when it returns.
func Signal(on *Greenlet, sig os.Signal, handler func(g *Greenlet) error) *SignalHandler {
	if on == nil {
		panic("greenlet: Signal with a nil greenlet (pass a greenlet of the hub to run the handler on)")
	}
	if handler == nil {
		panic("greenlet: Signal with a nil handler")
	}
	h := on.h
	w := h.Signal(sig, func() {
		g := newOn(h, func(g *Greenlet) (any, error) { return nil, handler(g) })
		g.toMain = true
		g.Start()
	})
	return &SignalHandler{w: w}
}

// Cancel stops the delivery of the signal to this handler.
func (s *SignalHandler) Cancel() { s.w.Cancel() }

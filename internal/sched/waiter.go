package sched

import "fmt"

// A Waiter passes one value or error to one waiting G: the low-level
// primitive under kill, joinall and queues (gevent's Waiter). Switch and
// Throw store the outcome and wake the waiter; if nobody waits yet, the
// outcome is kept for the next Get.
//
// The zero Waiter is ready to use. Only greenlets and callbacks of one hub may
// use it.
type Waiter struct {
	g     *G
	tok   Token
	value any
	err   error
	ready bool
}

// Switch stores v and wakes the waiting G, if any, through a hub callback.
// It never blocks and may be called from a hub callback.
func (w *Waiter) Switch(v any) { w.set(v, nil) }

// Throw stores err (non-nil) and wakes the waiting G, whose Get returns it.
func (w *Waiter) Throw(err error) {
	if err == nil {
		panic("hub: Waiter.Throw of a nil error")
	}
	w.set(nil, err)
}

func (w *Waiter) set(v any, err error) {
	w.value, w.err, w.ready = v, err, true
	if w.g != nil {
		w.g.h.Wake(w.tok)
	}
}

// Ready reports whether an outcome is stored.
func (w *Waiter) Ready() bool { return w.ready }

// Get returns the stored outcome at once, or parks g (which must be the G
// now running) until Switch or Throw; an error delivered to g meanwhile (a
// kill, a timeout) is returned instead, and the waiter forgets g. The outcome
// is consumed: the Waiter is empty again afterwards. A second G calling Get
// while one waits is a programming error and panics.
func (w *Waiter) Get(g *G) (any, error) {
	if w.ready {
		return w.take()
	}
	if err := g.Check("Waiter.Get"); err != nil {
		return nil, err
	}
	if w.g != nil {
		panic(fmt.Sprintf("hub: Waiter.Get: %v is already waiting; a Waiter serves one greenlet", w.g))
	}
	w.g = g
	for {
		w.tok = g.Token()
		err := g.Park()
		if err != nil {
			w.g = nil
			return nil, err
		}
		if w.ready {
			w.g = nil
			return w.take()
		}
	}
}

func (w *Waiter) take() (any, error) {
	v, err := w.value, w.err
	w.value, w.err, w.ready = nil, nil, false
	return v, err
}

// String formats the waiter like gevent: <Waiter greenlet=... value=...>.
func (w *Waiter) String() string {
	gs := "None"
	if w.g != nil {
		gs = w.g.String()
	}
	switch {
	case w.ready && w.err != nil:
		return fmt.Sprintf("<Waiter greenlet=%s exc_info=%v>", gs, w.err)
	case w.ready:
		return fmt.Sprintf("<Waiter greenlet=%s value=%v>", gs, w.value)
	}
	return fmt.Sprintf("<Waiter greenlet=%s>", gs)
}

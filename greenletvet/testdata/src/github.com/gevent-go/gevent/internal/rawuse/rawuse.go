// Package rawuse holds the cases of the raw layer: code of the module itself
// (package greenlet and its tests) that runs bodies on the internal
// scheduler's G, whose blocking methods take the current greenlet as their
// receiver.
package rawuse

import (
	"context"
	"time"

	"github.com/gevent-go/gevent/internal/sched"
)

// spawn starts a raw G running fn, as greenlet's tests do.
func spawn(h *sched.Hub, fn func(g *sched.G)) {
	g := &sched.G{}
	g.Init(h, fn)
	h.Start(g)
}

// Check 1: the current greenlet.
func raw(h *sched.Hub, w *sched.Waiter) {
	spawn(h, func(g *sched.G) {
		if err := g.Park(); err != nil {
			return
		}
		if err := h.Main().Park(); err != nil { // not an identifier: not judged
			return
		}
		if _, err := w.Get(g); err != nil {
			return
		}
		outer := g
		spawn(h, func(g2 *sched.G) {
			if err := outer.Yield(); err != nil { // want `\(\*G\).Yield is passed outer, a greenlet captured from outside this body, as the current greenlet; pass its own greenlet g2`
				return
			}
			if _, err := w.Get(outer); err != nil { // want `\(\*Waiter\).Get is passed outer`
				return
			}
		})
	})
}

// Check 3: a raw body blocks the thread like any other body, except in the
// function it offloads.
func rawBody(h *sched.Hub, ch chan int) {
	spawn(h, func(g *sched.G) {
		<-ch // want `channel receive blocks`
		if err := h.Offload(g, func(context.Context) { time.Sleep(time.Millisecond) }); err != nil {
			return
		}
	})
}

// Check 2: the error of a raw blocking call is not discarded.
func discard(g *sched.G, h *sched.Hub) {
	g.Park()          // want `the error of \(\*G\).Park is discarded`
	h.Throw(nil, nil) // no error result: not a blocking call
}

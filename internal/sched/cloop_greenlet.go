//go:build cgo && !purego

package sched

import (
	"fmt"

	ccore "github.com/gevent-go/gevent/cgo"
)

var _ = [1]struct{}{}[CExit-ccore.Exit] // CExit is GEV_HUB_EXIT

// SpawnC starts fn(arg) as a C greenlet of h: a SPAWN command written into
// the C hub's command array (no cgo call), applied at the next loop turn,
// where the body starts after the C greenlets already ready. arg is an
// integer for the body (a runtime/cgo.Handle, an index, a C pointer); it must
// not be a Go pointer.
//
// A C greenlet keeps the hub alive while it can make progress (it is ready,
// or sleeping, or waiting on a timer or fd), so a main greenlet waiting for it
// does not get LoopExit; one parked for good (waiting for a kill) does not,
// exactly like a parked Go greenlet. When the hub shuts down, C greenlets
// still alive are dropped with the C hub (their stacks without unwinding) and
// report ErrHubDestroyed.
//
// Call it from the hub's goroutine (a G or a callback of h). It fails if h
// does not run on the C core, or fn is nil.
func (h *Hub) SpawnC(fn CFunc, arg uintptr) (*CGreenlet, error) {
	l, ok := h.loop.(*cLoop)
	if !ok {
		return nil, fmt.Errorf("hub: SpawnC: C greenlets need the C core; this hub runs core %q", h.core)
	}
	if fn == nil {
		return nil, fmt.Errorf("hub: SpawnC: nil C function")
	}
	if h.closed.Load() {
		return nil, ErrClosed
	}
	if l.cgs == nil {
		// The first C greenlet: the C hub learns the Go hub's switch
		// interval, which bounds its drains of C greenlets too.
		if err := l.c.SetSwitchInterval(float64(h.interval) / 1e9); err != nil {
			return nil, fmt.Errorf("hub: SpawnC: %w", err)
		}
		l.cgs = map[uint64]*CGreenlet{}
		l.onDone = l.cdone
		l.hub = h
	}
	l.cgID++
	c := &CGreenlet{h: h, id: l.cgID}
	l.cgs[c.id] = c
	cmd := l.push()
	cmd.Op, cmd.ID, cmd.Fn, cmd.Arg = ccore.OpSpawn, c.id, ccore.Body(fn), arg
	l.cmdsGreenlets = true
	l.holdRef(true)
	return c, nil
}

// Kill delivers code to the C greenlet at the blocking call where it is
// parked (or its next one), as the return value of that call; 0 means CExit
// (gevent's GreenletExit). A C greenlet that has not started yet dies without
// running. Killing a dead C greenlet does nothing. It does not wait: use
// Wait for that. No cgo call: a KILL command applied at the next loop turn.
func (c *CGreenlet) Kill(code int32) {
	if c.dead {
		return
	}
	l := c.h.loop.(*cLoop)
	cmd := l.push()
	cmd.Op, cmd.ID, cmd.Code = ccore.OpKill, c.id, code
	l.cmdsGreenlets = true
	l.holdRef(true)
}

// Wait parks g, the G now running, until c has ended, and returns nil; or
// returns the error delivered to g meanwhile (a kill, a timeout), with c
// still running. A dead c returns nil at once.
func (c *CGreenlet) Wait(g *G) error {
	if c.dead {
		return nil
	}
	if err := g.Check("CGreenlet.Wait"); err != nil {
		return err
	}
	for !c.dead {
		tok := g.Token()
		c.notify = append(c.notify, cwait{tok: tok})
		if err := g.Park(); err != nil {
			c.forget(tok)
			return err
		}
	}
	return nil
}

func (c *CGreenlet) forget(tok Token) {
	for i, w := range c.notify {
		if w.fn == nil && w.tok == tok {
			c.notify = append(c.notify[:i], c.notify[i+1:]...)
			return
		}
	}
}

// Link makes fn run in the hub (as a callback: it must not block) once c has
// ended. Links and waiting Gs are notified in the order they were added
// (FIFO, as gevent's rawlinks). Linking a dead C greenlet schedules fn.
func (c *CGreenlet) Link(fn func(*CGreenlet)) {
	if fn == nil {
		panic("hub: CGreenlet.Link of a nil function")
	}
	if c.dead {
		c.h.RunCallback(func() { fn(c) })
		return
	}
	c.notify = append(c.notify, cwait{fn: fn})
}

// cdone records the end of C greenlet id, reported by a turn, and wakes its
// waiters and links (through the run-callback queue, FIFO).
func (l *cLoop) cdone(id uint64, status int32, value uintptr) {
	c := l.cgs[id]
	if c == nil {
		panic(fmt.Sprintf("hub: C greenlet %d ended but this hub does not know it", id))
	}
	delete(l.cgs, id)
	l.end(c, status, value, false)
}

func (l *cLoop) end(c *CGreenlet, status int32, value uintptr, gone bool) {
	c.dead, c.status, c.value, c.gone = true, status, value, gone
	h := l.hub
	ws := c.notify
	c.notify = nil
	if gone || h.destroying {
		// The hub is shutting down (a flush of the command array during
		// its last cancels can still end C greenlets): nobody is left to
		// run, and nothing may be queued after its final clear.
		return
	}
	for _, w := range ws {
		if w.fn == nil {
			h.Wake(w.tok)
		} else {
			fn := w.fn
			h.RunCallback(func() { fn(c) })
		}
	}
}

// dropCGreenlets marks every C greenlet still alive as gone, when the hub
// shuts down and the C hub drops them.
func (l *cLoop) dropCGreenlets() {
	for id, c := range l.cgs {
		delete(l.cgs, id)
		l.end(c, CExit, 0, true)
	}
	l.holdRef(false)
}

// holdRef takes or drops the one hub Ref that stands for "the C side can
// still make progress on its own": commands for C greenlets not yet applied,
// C greenlets ready to run, or C timers and fd waits armed for them. C
// greenlets merely parked (waiting for each other, or for a kill from Go)
// hold none, so a main greenlet that waits for such a one gets LoopExit, as
// it would waiting for a parked Go greenlet.
func (l *cLoop) holdRef(on bool) {
	if on == l.cRef {
		return
	}
	l.cRef = on
	if on {
		l.hub.refs.Add(1)
	} else {
		l.hub.refs.Add(-1)
	}
}

// updateRef sets the Ref from the census of the turn that just ran.
func (l *cLoop) updateRef(c ccore.Census) {
	l.holdRef(len(l.cgs) > 0 && (l.cmdsGreenlets || l.c.HasReady() || c.Ready > 0 || c.Timers > 0 || c.FdWaits > 0))
}

// CGreenlets reports how many C greenlets spawned from Go on h are alive
// (0 on the Go core), for leak checks.
func (h *Hub) CGreenlets() int {
	if l, ok := h.loop.(*cLoop); ok {
		return len(l.cgs)
	}
	return 0
}

//go:build cgo && !purego

package sched

import (
	"fmt"

	ccore "github.com/gevent-go/gevent/cgo"
)

var _ = [1]struct{}{}[CExit-ccore.Exit] // CExit is GEV_HUB_EXIT

func init() { cStrerror = ccore.Name }

// cGreenlets is the C core's second job beside its Loop (cLoop): the registry
// of the C greenlets spawned from Go. It gives them ids, keeps the live ones
// by id until the C hub reports their end, holds the hub Ref that stands for
// the C side's progress, and notifies their waiters and links. The hub reaches
// it through Hub.cgs (nil on other cores); the loop reaches it through
// cLoop.reg, to hand it the ends that a turn reports.
type cGreenlets struct {
	h    *Hub
	l    *cLoop
	live map[uint64]*CGreenlet // nil until the first SpawnC
	last uint64                // the last id given
	ref  bool                  // holds a hub Ref for the C side's progress (holdRef)

	// The ends of C greenlets spawned by SpawnCFor that turns
	// reported, from ended[next] on, waiting for a safe point (runEnded):
	// the end of the loop's Run, and the end of SpawnC and Kill, whose
	// pushes may run a turn. Not inside the turn, nor inside any push: an
	// CEnded may reach the loop again (an error handler that spawns), which
	// is safe only where no loop operation is half done.
	ended []cEnd
	next  int
}

type cEnd struct {
	c      *CGreenlet
	status int32
	value  uintptr
}

// attach makes the hub know its C greenlet registry (called by New).
func (l *cLoop) attach(h *Hub) {
	l.reg = &cGreenlets{h: h, l: l}
	h.cgs = l.reg
}

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
	c := &CGreenlet{}
	if err := h.spawnC(c, false, fn, arg); err != nil {
		return nil, err
	}
	return c, nil
}

// SpawnCFor is SpawnC for the layer that represents a C greenlet by an
// object of its own: c is the caller's zero CGreenlet, so that it can share
// the caller's allocation, and CEnded(c) runs at its end.
//
// It fails as SpawnC does; misuse (a nil c, a c already used, no CEnded)
// panics before anything has changed.
func (h *Hub) SpawnCFor(c *CGreenlet, fn CFunc, arg uintptr) error {
	if c == nil || CEnded == nil {
		panic("hub: SpawnCFor with a nil CGreenlet, or no CEnded set")
	}
	if c.h != nil {
		panic("hub: SpawnCFor needs a zero CGreenlet")
	}
	return h.spawnC(c, true, fn, arg)
}

func (h *Hub) spawnC(c *CGreenlet, owned bool, fn CFunc, arg uintptr) error {
	r := h.cgs
	if r == nil {
		return fmt.Errorf("hub: SpawnC: C greenlets need the C core; this hub runs core %q", h.core)
	}
	if fn == nil {
		return fmt.Errorf("hub: SpawnC: nil C function")
	}
	if h.closed.Load() {
		return ErrClosed
	}
	if r.live == nil {
		// The first C greenlet: the C hub learns the Go hub's switch
		// interval, which bounds its drains of C greenlets too.
		if err := r.l.c.SetSwitchInterval(float64(h.interval) / 1e9); err != nil {
			return fmt.Errorf("hub: SpawnC: %w", err)
		}
		r.live = map[uint64]*CGreenlet{}
	}
	r.last++
	c.h, c.id, c.fn, c.owned = h, r.last, fn, owned
	r.live[c.id] = c
	l := r.l
	cmd := l.push()
	cmd.Op, cmd.ID, cmd.Fn, cmd.Arg = ccore.OpSpawn, c.id, fn, arg
	c.spawnTurn, c.spawnCmd = l.c.Turns(), int32(len(l.c.Cmds())-1)
	l.cmdsGreenlets = true
	r.holdRef(true)
	r.runEnded()
	return nil
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
	l := c.h.cgs.l
	cmd := l.push()
	cmd.Op, cmd.ID, cmd.Code = ccore.OpKill, c.id, code
	l.cmdsGreenlets = true
	c.h.cgs.holdRef(true)
	c.h.cgs.runEnded()
}

// Withdraw cancels c's spawn if no loop turn has applied it yet, which makes
// a kill before start exact: the body never runs, the C hub never hears of c,
// and c is dead at once with status CExit; its waiters and links are
// notified as for any end (CEnded does not run for a SpawnCFor one). It
// reports whether it did; once the spawn is applied, use Kill (the C hub then ends a greenlet that has not run yet
// without running it, at the next turn).
func (c *CGreenlet) Withdraw() bool {
	if c.dead {
		return false
	}
	r := c.h.cgs
	l := r.l
	if l.c.Turns() != c.spawnTurn {
		return false
	}
	cmds := l.c.Cmds()
	if i := int(c.spawnCmd); i == len(cmds)-1 {
		l.c.SetNCmds(i) // the usual spawn+kill: forget the command
	} else {
		cmds[c.spawnCmd].Op = ccore.OpNop
	}
	delete(r.live, c.id)
	c.owned = false
	r.end(c, CExit, 0, false)
	return true
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
		c.addWaiter(cwait{tok: tok})
		if err := g.Park(); err != nil {
			c.forget(tok)
			return err
		}
	}
	return nil
}

func (c *CGreenlet) forget(tok Token) {
	if c.notify == nil {
		return
	}
	ws := c.notify.ws
	for i, w := range ws {
		if w.fn == nil && w.tok == tok {
			c.notify.ws = append(ws[:i], ws[i+1:]...)
			ws[len(ws)-1] = cwait{}
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
	c.addWaiter(cwait{fn: fn})
}

// done records the end of C greenlet id, reported by a turn, and wakes its
// waiters and links (through the run-callback queue, FIFO).
func (r *cGreenlets) done(id uint64, status int32, value uintptr) {
	c := r.live[id]
	if c == nil {
		panic(fmt.Sprintf("hub: C greenlet %d ended but this hub does not know it", id))
	}
	delete(r.live, id)
	if c.owned {
		r.ended = append(r.ended, cEnd{c, status, value})
		return
	}
	r.end(c, status, value, false)
}

// runEnded ends the C greenlets of SpawnCFor that turns reported, in the
// order they ended, also those that a turn run meanwhile (by a CEnded's
// push) reports.
func (r *cGreenlets) runEnded() {
	if r == nil {
		return
	}
	for r.next < len(r.ended) {
		e := r.ended[r.next]
		r.ended[r.next] = cEnd{}
		r.next++
		r.end(e.c, e.status, e.value, false)
	}
	r.ended, r.next = r.ended[:0], 0
}

func (r *cGreenlets) end(c *CGreenlet, status int32, value uintptr, gone bool) {
	h := r.h
	if c.owned && h.destroying {
		// An end during the shutdown's last flush: the layer above can
		// queue nothing any more, so for it the hub went first.
		gone = true
	}
	c.dead, c.status, c.value, c.gone = true, status, value, gone
	var ws []cwait
	if c.notify != nil {
		ws = c.notify.ws
		c.notify = nil
	}
	if c.owned {
		CEnded(c)
	}
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

// drop marks every C greenlet still alive as gone, when the hub shuts down
// and the C hub drops them.
func (r *cGreenlets) drop() {
	r.runEnded() // ended before the C hub went: end() makes them gone
	for id, c := range r.live {
		delete(r.live, id)
		r.end(c, CExit, 0, true)
	}
	r.holdRef(false)
}

// holdRef takes or drops the one hub Ref that stands for "the C side can
// still make progress on its own": commands for C greenlets not yet applied,
// C greenlets ready to run, or C timers and fd waits armed for them. C
// greenlets merely parked (waiting for each other, or for a kill from Go)
// hold none, so a main greenlet that waits for such a one gets LoopExit, as
// it would waiting for a parked Go greenlet.
func (r *cGreenlets) holdRef(on bool) {
	if on == r.ref {
		return
	}
	r.ref = on
	if on {
		r.h.refs.Add(1)
	} else {
		r.h.refs.Add(-1)
	}
}

// active reports whether the turns must watch the C side: C greenlets are
// alive, or the Ref is still held.
func (r *cGreenlets) active() bool { return r != nil && (len(r.live) > 0 || r.ref) }

// alive returns how many C greenlets are alive.
func (r *cGreenlets) alive() int {
	if r == nil {
		return 0
	}
	return len(r.live)
}

// updateRef sets the Ref from the census of the turn that just ran.
func (r *cGreenlets) updateRef(c ccore.Census) {
	l := r.l
	r.holdRef(len(r.live) > 0 && (l.cmdsGreenlets || l.c.HasReady() || c.Ready > 0 || c.Timers > 0 || c.FdWaits > 0))
}

// CGreenlets reports how many C greenlets spawned from Go on h are alive
// (0 on the Go core), for leak checks.
func (h *Hub) CGreenlets() int { return h.cgs.alive() }

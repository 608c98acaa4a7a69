package greenlet

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// SpawnC runs the C function fn with arg as a C greenlet of on's hub and
// returns a *Greenlet backed by it, so that Join, Get, Kill, Link, JoinAll,
// Group and Pool treat it like any other greenlet. fn is a C function of type
// gev_greenlet_fn (see hub.CFunc); the hub must run the C core. The body
// starts at the next loop turn, after the C greenlets already ready.
//
// The greenlet is the C greenlet itself, not a Go greenlet that waits for
// it: no Go coroutine runs for it, and its outcome is the C greenlet's end.
//
//   - Kill(err) delivers a code to the C body at its blocking call: hub.CExit
//     for a GreenletExit (the default), the code of a hub.CError, and
//     hub.CKillCode for any other error.
//   - The outcome: status 0 is success with the body's value as a uintptr;
//     the code of the last forwarded kill gives that kill's error, as a Go
//     greenlet that returns it would (a GreenletExit is success); hub.CExit
//     is success with a *GreenletExit; any other status is a failure with
//     hub.CError(status). If the hub shuts down first, the outcome is
//     hub.ErrHubDestroyed, and no link fires.
//   - Killed before the loop turn that starts it, the C function never runs
//     and the kill's error is the outcome at once, as for a Go greenlet
//     killed before it ran.
//
// SpawnC fails if the hub does not run the C core, or fn is nil; it panics
// once the hub is destroyed (its Run returned), as Spawn does.
func SpawnC(on *Greenlet, fn hub.CFunc, arg uintptr) (*Greenlet, error) {
	h := on.h
	if h.Core() != "c" {
		return nil, fmt.Errorf("greenlet: SpawnC: C greenlets need the C core; this hub runs core %q", h.Core())
	}
	if fn == nil {
		return nil, errors.New("greenlet: SpawnC: nil C function")
	}
	mustLive(h, "SpawnC")
	x := &cGreenlet{}
	g := &x.g
	g.h, g.started, g.isC = h, true, true
	if err := h.SpawnCFor(&x.c, fn, arg); err != nil {
		return nil, err
	}
	runSpawnCallbacks(g)
	return g, nil
}

// cGreenlet is a Greenlet backed by a C greenlet, in one allocation with
// the hub's record of that C greenlet and without a G: nothing of it runs in
// Go. c comes first: cEnded finds the cGreenlet from its CGreenlet.
type cGreenlet struct {
	c sched.CGreenlet
	g Greenlet
}

// kill forwards a kill with err to the C greenlet. Before the loop turn that
// would start it, it withdraws the spawn, so the body never runs, and makes
// err the outcome at once (true). Later it sends err's C code and returns
// false: the caller then goes on as for a running Go greenlet (the end
// arrives through cEnded). The kill's error waits in the greenlet's extra
// record, which kills alone need.
func (x *cGreenlet) kill(err error) bool {
	g := &x.g
	if g.ready || x.c.Dead() {
		return false
	}
	if x.c.Withdraw() {
		g.finish(nil, err)
		return true
	}
	g.more().killErr = err
	x.c.Kill(cKillCode(err))
	return false
}

func init() { sched.CEnded = cEnded }

// cEnded records the outcome of a C-backed greenlet as soon as the hub
// learns that its C greenlet ended (sched.CEnded), so that
// Ready, Join and JoinAll see it as early as the C greenlet's own end, and
// then reports a failure and schedules the links as a Go greenlet's finish
// does. That may be inside a non-blocking call of the running greenlet
// (SpawnC and Kill run a loop turn when the command array is full), as a Go
// greenlet's finish runs inside that greenlet.
func cEnded(c *sched.CGreenlet) {
	x := (*cGreenlet)(unsafe.Pointer(c)) // c is x.c, its first field
	g := &x.g
	if g.ready {
		return
	}
	if errors.Is(c.Err(), hub.ErrHubDestroyed) {
		// The hub is gone: record the outcome, queue nothing.
		g.err, g.ready = hub.ErrHubDestroyed, true
		return
	}
	var killErr error
	if g.extra != nil {
		killErr = g.extra.killErr
		g.extra.killErr = nil
	}
	switch st := c.Status(); {
	case st == 0:
		g.finish(c.Value(), nil)
	case killErr != nil && st == cKillCode(killErr):
		g.finish(nil, killErr)
	case st == hub.CExit:
		g.finish(nil, &GreenletExit{})
	default:
		g.finish(nil, hub.CError(st))
	}
}

// cKillCode is the C kill code that stands for err.
func cKillCode(err error) int32 {
	var ce hub.CError
	switch {
	case IsExit(err):
		return hub.CExit
	case errors.As(err, &ce):
		return int32(ce)
	}
	return hub.CKillCode
}

var _ [0]struct{} = [unsafe.Offsetof(cGreenlet{}.c)]struct{}{} // c first: see cEnded

// cgreenlet returns the cGreenlet holding g, or nil for a Go greenlet. A C
// greenlet is always the g field of a cGreenlet (isC is set only there), so
// no pointer back to it costs a word in every greenlet.
func (g *Greenlet) cgreenlet() *cGreenlet {
	if !g.isC {
		return nil
	}
	return (*cGreenlet)(unsafe.Add(unsafe.Pointer(g), -int(unsafe.Offsetof(cGreenlet{}.g))))
}

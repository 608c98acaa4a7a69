package greenlet

import (
	"errors"
	"fmt"

	"github.com/gevent-go/gevent/hub"
)

// SpawnC runs the C function fn with arg as a C greenlet of on's hub and
// returns a *Greenlet that stands for it, so that Join, Get, Kill, Link and
// JoinAll treat it like any other greenlet. fn is a C function of type
// gev_greenlet_fn (see hub.CFunc); the hub must run the C core.
//
// The returned greenlet is a small Go greenlet that starts the C greenlet
// when it runs (at the next hub pass, like Spawn), waits for it, and forwards
// kills to it:
//
//   - Kill(err) delivers a code to the C body at its blocking call: hub.CExit
//     for a GreenletExit (the default), the code of a hub.CError, and
//     hub.CKillCode for any other error.
//   - The outcome: status 0 is success with the body's value as a uintptr;
//     the code of a forwarded kill gives that kill's error, as a Go greenlet
//     that returns it would (a GreenletExit is success); hub.CExit is
//     success with a *GreenletExit; any other status is a failure with
//     hub.CError(status).
//   - Killed before it runs, neither greenlet runs (the C function never
//     starts).
//
// The Go greenlet costs a parked greenlet's memory; code that spawns many C
// greenlets and needs none of this uses hub.SpawnC directly. SpawnC fails
// if the hub does not run the C core, or fn is nil.
func SpawnC(on *Greenlet, fn hub.CFunc, arg uintptr) (*Greenlet, error) {
	if on.h.Core() != "c" {
		return nil, fmt.Errorf("greenlet: SpawnC: C greenlets need the C core; this hub runs core %q", on.h.Core())
	}
	if fn == nil {
		return nil, errors.New("greenlet: SpawnC: nil C function")
	}
	return Spawn(on, func(g *Greenlet) (any, error) { return runC(g, fn, arg) }), nil
}

// runC is the body of a SpawnC greenlet.
func runC(g *Greenlet, fn hub.CFunc, arg uintptr) (any, error) {
	c, err := g.h.SpawnC(fn, arg)
	if err != nil {
		return nil, err
	}
	var killErr error
	var killCode int32
	for {
		err := c.Wait(&g.raw)
		if err == nil {
			break
		}
		if errors.Is(err, hub.ErrHubDestroyed) {
			return nil, err // the C greenlet goes with the C hub
		}
		killErr, killCode = err, cKillCode(err)
		c.Kill(killCode)
	}
	switch st := c.Status(); {
	case st == 0:
		return c.Value(), nil
	case killErr != nil && st == killCode:
		return nil, killErr
	case st == hub.CExit:
		return nil, &GreenletExit{}
	default:
		return nil, hub.CError(st)
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

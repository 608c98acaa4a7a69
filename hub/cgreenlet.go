package hub

import (
	ccore "github.com/gevent-go/gevent/cgo"
	"github.com/gevent-go/gevent/internal/sched"
)

// A CGreenlet is a C function running as a greenlet of a hub on the C core
// (gevent's Greenlet, with a C body): it has its own C coroutine stack, is
// scheduled by the C hub in the same loop as the hub's Go greenlets (its
// sleeps and the Go greenlets' sleeps share one timer heap, so they wake in
// deadline order), and ends with a status and a value.
//
// Hub.SpawnC creates one; Wait blocks the running greenlet until it has
// ended (join), Kill delivers a kill code at its blocking point, Link runs a
// function after it ended. This is the raw C greenlet API: greenlet.SpawnC
// runs a C function as a *greenlet.Greenlet, which Join, Kill, Link and
// JoinAll treat like any other greenlet.
//
// Only the hub's goroutine (its greenlets and callbacks) may use a
// CGreenlet. Its zero value is not usable. In builds without the C core,
// SpawnC always fails and no CGreenlet exists.
type CGreenlet struct {
	c *sched.CGreenlet
}

// CFunc is the address of a C greenlet body: a C function of type
// gev_greenlet_fn, int fn(gev_hub *h, void *arg, void **value). It is
// package cgo's Body, the one Go type for a C body: take one from cgo's
// bodies, or convert a C function of your own cgo package with
// cgo.BodyOf(unsafe.Pointer(C.my_body)). It runs on its own C stack inside
// the C hub's turn and must never call into Go; it blocks only through the C
// hub's blocking calls (gev_hub_sleep, gev_greenlet_join, ...).
type CFunc = ccore.Body

// CExit is the kill code of gevent's default kill (GreenletExit): a C body
// that returns it ends successfully. It is the C hub's GEV_HUB_EXIT.
const CExit int32 = -1000

// CKillCode is the kill code greenlet.SpawnC sends to a C greenlet killed
// with a Go error other than a GreenletExit or a CError; the C body sees it
// as the return value of its blocking call.
const CKillCode int32 = 1

// The kill codes are the scheduler's; these fail to compile if they drift.
var (
	_ = [1]struct{}{}[CExit-sched.CExit]
	_ = [1]struct{}{}[CKillCode-sched.CKillCode]
)

// A CError is the failure status of a C greenlet, an int32: the code its
// body returned, or the C hub's own code for what went wrong (its Error
// names those).
type CError = sched.CError

// SpawnC runs the C function fn with arg as a C greenlet of h (gevent's
// spawn for a C body). It starts at the hub's next loop turn. The C
// greenlet keeps the hub alive while it can still make progress (ready, or
// sleeping, or waiting on a timer or fd), so a main greenlet waiting for it
// does not get LoopExit; one parked for good (waiting for a kill) does not,
// exactly like a parked Go greenlet. When the hub shuts down, C greenlets
// still alive are dropped with the C hub (their stacks without unwinding)
// and report ErrHubDestroyed.
//
// Call it from the hub's goroutine (a greenlet or a callback of h). It
// fails if h does not run on the C core, or fn is nil.
func (h *Hub) SpawnC(fn CFunc, arg uintptr) (*CGreenlet, error) {
	c, err := h.s.SpawnC(fn, arg)
	if err != nil {
		return nil, err
	}
	return &CGreenlet{c}, nil
}

// CGreenlets reports how many C greenlets spawned from Go on h are alive
// (0 on the Go core), for leak checks.
func (h *Hub) CGreenlets() int { return h.s.CGreenlets() }

// CgoCalls returns how many cgo calls h's loop has made so far (0 on the Go
// core): the turns and other calls of the hub's goroutine plus the wake-ups
// of other goroutines. Benchmarks divide it by the work done. Call it from
// the hub's goroutine or after its Run returned.
func (h *Hub) CgoCalls() uint64 { return h.s.CgoCalls() }

// ID returns the C greenlet's id in its hub (unique among the hub's live C
// greenlets).
func (c *CGreenlet) ID() uint64 { return c.c.ID() }

// Func returns the C function the greenlet runs.
func (c *CGreenlet) Func() CFunc { return c.c.Func() }

// Dead reports whether the body has ended (or was killed before it ran).
func (c *CGreenlet) Dead() bool { return c.c.Dead() }

// Status returns the body's status once Dead: 0 for success, CExit for a
// kill with the default code (success, as gevent's GreenletExit), anything
// else a failure code. It is 0 while the body runs.
func (c *CGreenlet) Status() int32 { return c.c.Status() }

// Value returns the body's value (what it stored in *value) once Dead with
// status 0, else 0.
func (c *CGreenlet) Value() uintptr { return c.c.Value() }

// Successful reports whether the body ended with status 0 or CExit.
func (c *CGreenlet) Successful() bool { return c.c.Successful() }

// Err returns nil while alive or after success (status 0 or CExit),
// ErrHubDestroyed if the hub shut down first, and a CError with the status
// otherwise.
func (c *CGreenlet) Err() error { return c.c.Err() }

// String formats the C greenlet like gevent formats a greenlet.
func (c *CGreenlet) String() string { return c.c.String() }

// Kill delivers code to the C greenlet at the blocking call where it is
// parked (or its next one), as the return value of that call; 0 means CExit
// (gevent's GreenletExit). A C greenlet that has not started yet dies
// without running. Killing a dead C greenlet does nothing. It does not
// wait: use Wait for that.
func (c *CGreenlet) Kill(code int32) { c.c.Kill(code) }

// Wait blocks the running greenlet of c's hub until c has ended, and
// returns nil; or returns the error delivered to that greenlet meanwhile (a
// kill, a timeout), with c still running. A dead c returns nil at once. In
// a hub callback it returns ErrBlockingSwitchOut; from a goroutine that is
// not the hub's it panics.
func (c *CGreenlet) Wait() error {
	if c.c.Dead() {
		return nil
	}
	g := c.c.Hub().CurrentFor("hub: CGreenlet.Wait")
	if g == nil { // a hub callback
		return ErrBlockingSwitchOut
	}
	return c.c.Wait(g)
}

// Link makes fn run in the hub (as a callback: it must not block) once c
// has ended. Links and waiting greenlets are notified in the order they
// were added (FIFO, as gevent's rawlinks). Linking a dead C greenlet
// schedules fn. It panics if fn is nil.
func (c *CGreenlet) Link(fn func(*CGreenlet)) {
	if fn == nil {
		panic("hub: CGreenlet.Link of a nil function")
	}
	c.c.Link(func(*sched.CGreenlet) { fn(c) })
}

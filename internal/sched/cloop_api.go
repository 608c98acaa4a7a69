package sched

import (
	"fmt"

	ccore "github.com/gevent-go/gevent/cgo"
)

// A CGreenlet is a C function running as a greenlet of a hub on the C core
// (gevent's Greenlet, with a C body): it has its own C coroutine stack, is
// scheduled by the C hub in the same loop as the hub's Go greenlets (its
// sleeps and the Go greenlets' sleeps share one timer heap, so they wake in
// deadline order), and ends with a status and a value.
//
// Hub.SpawnC creates one; Wait parks a G until it has ended (join), Kill
// delivers a kill code at its blocking point, Link runs a function after it
// ended. The greenlet package backs a *greenlet.Greenlet by a CGreenlet
// (greenlet.SpawnC, through SpawnCFor) so that Join, Kill, Link and JoinAll
// treat it like any other greenlet.
//
// Only the hub's goroutine (its Gs and callbacks) may use a CGreenlet. Its
// zero value is not usable. In builds without the C core, SpawnC always
// fails and no CGreenlet exists.
type CGreenlet struct {
	h      *Hub
	id     uint64
	fn     CFunc
	value  uintptr
	notify *cwaiters // waiting Gs and links, made by the first

	// Where c's SPAWN command waits while no turn has applied it (Withdraw):
	// the C hub's turn count at the spawn and the command's index.
	spawnTurn uint64
	spawnCmd  int32

	status int32
	dead   bool
	gone   bool // the hub was destroyed before the body ended
	owned  bool // spawned by SpawnCFor: CEnded runs at its end
}

// CEnded is the end function of the one layer that owns C greenlets of its
// own (package greenlet, which backs a *Greenlet by one and sets CEnded in
// its init): one function for all of them, so that their records need no
// pointer to it.
//
// CEnded(c) runs for each C greenlet spawned by SpawnCFor once the hub
// learns of its end, before c's waiters and links are notified: at the end
// of the loop's pass that ran the turn reporting it, or, when a push inside
// SpawnC or Kill ran that turn (the command array was full), before that
// call returns. So the layer's outcome is there as early as c's own, and
// CEnded may do what a hub callback may, except block. When the hub shuts
// down before c ends (or before its end was handed over), it runs with
// c.Err() ErrHubDestroyed and must queue nothing: the hub is gone. After
// Withdraw it does not run: its caller has the end in hand.
var CEnded func(c *CGreenlet)

// cwaiters are a C greenlet's waiting Gs and links, in the order they
// came: out of line, so that the record of a C greenlet nobody waits for
// on the hub's level (one greenlet.SpawnC backs) stays small.
type cwaiters struct {
	ws    []cwait
	first [1]cwait // ws's first storage: one allocation for the usual one waiter
}

func (c *CGreenlet) addWaiter(w cwait) {
	if c.notify == nil {
		c.notify = &cwaiters{}
		c.notify.ws = c.notify.first[:0]
	}
	c.notify.ws = append(c.notify.ws, w)
}

type cwait struct {
	tok Token
	fn  func(*CGreenlet)
}

// CFunc is the address of a C greenlet body: a C function of type
// gev_greenlet_fn, int fn(gev_hub *h, void *arg, void **value). It is
// package cgo's Body, the one Go type for a C body: take one from cgo's
// bodies, or convert a C function of your own cgo package with
// cgo.BodyOf(unsafe.Pointer(C.my_body)). It runs on its own C stack inside
// the C hub's turn and must never call into Go; it blocks only through the C
// hub's blocking calls (gev_hub_sleep, gev_greenlet_join, ...).
type CFunc = ccore.Body

// Func returns the C function the greenlet runs.
func (c *CGreenlet) Func() CFunc { return c.fn }

// ID returns the C greenlet's id in its hub (unique among the hub's live C
// greenlets).
func (c *CGreenlet) ID() uint64 { return c.id }

// Dead reports whether the body has ended (or was killed before it ran).
func (c *CGreenlet) Dead() bool { return c.dead }

// Status returns the body's status once Dead: 0 for success, CExit for a
// kill with the default code (success, as gevent's GreenletExit), anything
// else a failure code. It is 0 while the body runs.
func (c *CGreenlet) Status() int32 { return c.status }

// Value returns the body's value (what it stored in *value) once Dead with
// status 0, else 0.
func (c *CGreenlet) Value() uintptr { return c.value }

// Successful reports whether the body ended with status 0 or CExit.
func (c *CGreenlet) Successful() bool {
	return c.dead && !c.gone && (c.status == 0 || c.status == CExit)
}

// Err returns nil while alive or after success (status 0 or CExit),
// ErrHubDestroyed if the hub shut down first, and a CError with the status
// otherwise.
func (c *CGreenlet) Err() error {
	switch {
	case !c.dead:
		return nil
	case c.gone:
		return ErrHubDestroyed
	case c.status == 0 || c.status == CExit:
		return nil
	}
	return CError(c.status)
}

// String formats the C greenlet like gevent formats a greenlet.
func (c *CGreenlet) String() string {
	state := "alive"
	if c.dead {
		state = fmt.Sprintf("dead status=%d", c.status)
	}
	return fmt.Sprintf("<CGreenlet %d %s>", c.id, state)
}

// CExit is the kill code of gevent's default kill (GreenletExit): a C body
// that returns it ends successfully. It is the C hub's GEV_HUB_EXIT.
const CExit int32 = -1000

// CKillCode is the kill code greenlet.SpawnC sends to a C greenlet killed
// with a Go error other than a GreenletExit or a CError; the C body sees it
// as the return value of its blocking call.
const CKillCode int32 = 1

// A CError is the failure status of a C greenlet: the code its body
// returned, or the C hub's own code for what went wrong.
type CError int32

// Error names the C hub's own codes, as the C hub names them
// (gev_hub_strerror), and shows others as numbers.
func (e CError) Error() string {
	if cStrerror != nil {
		if s := cStrerror(int32(e)); s != "" {
			return fmt.Sprintf("hub: C greenlet failed: %s (%d)", s, int32(e))
		}
	}
	return fmt.Sprintf("hub: C greenlet failed with status %d", int32(e))
}

// cStrerror returns the C hub's name of one of its own codes, or "" for any
// other code; nil in builds without the C core.
var cStrerror func(code int32) string

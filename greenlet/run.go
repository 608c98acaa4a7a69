package greenlet

import (
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/hub"
)

// Run creates a hub with opts, runs body as its main greenlet and returns
// body's error. It is the usual entry point of a program:
//
//	err := greenlet.Run(func(main *greenlet.Greenlet) error {
//		g := greenlet.Spawn(main, work)
//		_, err := g.Get(main)
//		return err
//	})
//
// The calling goroutine becomes the hub's, locked to its OS thread until Run
// returns. When body returns, the greenlets still alive are stopped: their
// pending blocking call returns ErrHubDestroyed (a GreenletExit), so their
// deferred code runs and no goroutine is left behind; greenlets started but
// never run are dropped. Many Runs may proceed at once on different
// goroutines.
//
// A panic in body is recovered and returned as a *PanicError. A body that
// calls runtime.Goexit (t.FailNow and require do) makes Run return
// ErrGoexit once the hub has shut down; the calling goroutine goes on. (A
// hub callback, such as a Rawlink function, runs on that goroutine itself:
// its runtime.Goexit ends it, after the hub has shut down.)
//
// In a child started by Fork whose main did not call ForkMain, Run prints
// why and exits the process with status 2 (see Fork).
func Run(body func(main *Greenlet) error, opts ...hub.Option) error {
	h, err := hub.New(opts...)
	if err != nil {
		return err
	}
	return RunOn(h, body)
}

// ErrGoexit is the failure of a greenlet whose body called runtime.Goexit
// (t.FailNow, t.Fatal and testify's require do): its deferred code ran, its
// links fire, and the hub goes on; for the main greenlet, Run returns it. It
// is hub.ErrGoexit.
var ErrGoexit = hub.ErrGoexit

// RunOn is Run on a hub made by hub.New.
func RunOn(h *hub.Hub, body func(main *Greenlet) error) error {
	exitIfUnclaimedForkChild("Run")
	var berr error
	returned := false
	s := schedOf(h)
	m := newOn(s, func(g *Greenlet) (any, error) {
		berr = body(g)
		returned = true
		return nil, berr
	})
	m.isMain = true
	m.started = true
	m.SetName("main")
	s.RunMain(m.raw)
	if !returned {
		return m.err // a *PanicError or ErrGoexit
	}
	return berr
}

// Current returns the greenlet h is running now (gevent's getcurrent), or
// nil when h is running a callback or the running G is a raw one. Call it
// only on h's goroutine. Code that is handed its greenlet, as every body is,
// does not need it.
func Current(h *hub.Hub) *Greenlet {
	if c := schedOf(h).Current(); c != nil {
		g, _ := c.Owner.(*Greenlet)
		return g
	}
	return nil
}

// Shutdown runs the hub until nothing is left to do: no ready callback, no
// timer that keeps the loop alive, no Ref (gevent 0.13.6's shutdown). It must
// be called by the main greenlet; it returns nil then, or an error delivered
// to main meanwhile (a kill, a signal handler's failure). Greenlets parked
// forever stay parked; they are stopped when Run returns. The hub stays
// usable.
func Shutdown(main *Greenlet) error {
	return Wait(main)
}

// Wait is modern gevent's wait() without objects (hub.join): it runs the hub
// until nothing is left to do. Only the main greenlet may call it; an error
// delivered to it meanwhile is returned. Unreferenced timers and signal
// handlers do not count as work.
func Wait(main *Greenlet) error {
	_, err := waitHub(main, "Wait", forever)
	return err
}

// WaitTimeout is Wait giving up after d: it reports true if the hub ran out
// of work, false if d passed first. Its own timeout is not an error.
func WaitTimeout(main *Greenlet, d time.Duration) (bool, error) {
	return waitHub(main, "WaitTimeout", d)
}

func waitHub(main *Greenlet, op string, timeout time.Duration) (bool, error) {
	if err := main.check("greenlet: "+op, nil); err != nil {
		return false, err
	}
	if !main.isMain {
		panic(fmt.Sprintf("greenlet: %s called by %v, not by the main greenlet", op, main))
	}
	if timeout != forever {
		// The timer must not itself keep the loop alive.
		main.raw.Timer.SetRef(false)
		defer main.raw.Timer.SetRef(true)
	}
	pt := armTimer(main, timeout)
	defer pt.Stop()
	for {
		err := main.raw.ParkFor("greenlet: Wait")
		if errors.Is(err, hub.ErrLoopExit) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if pt.Expired() {
			return false, nil
		}
		pt.Rewake()
	}
}

// Reinit re-creates the kernel resources of the hub's loop (gevent's
// reinit). A Go process cannot continue after a fork, so Fork re-executes
// the program instead and Reinit is rarely needed; it is kept for loops that
// hold descriptors.
func Reinit(h *hub.Hub) error { return h.Reinit() }

package greenlet

import (
	"fmt"
	"time"
)

// Kill ends g by delivering err (nil means a new *GreenletExit) as the
// error of the blocking call where g is parked, as gevent's Greenlet.kill
// raises there. It returns nil, or an error delivered to cur while it
// waited; never g's outcome.
//
//   - g already finished: nothing happens, nothing yields.
//   - g not yet running (new, or started but not switched into): it never
//     runs; err becomes its outcome at once (GreenletExit: success; anything
//     else: failure, reported), its links fire at the next hub pass, and
//     Kill returns without yielding (modern gevent; 0.13.6 yielded once).
//   - g running: the kill is queued. With block, cur then waits like
//     g.Join(cur, timeout): Kill returns once g has finished or the timeout
//     passed, silently in both cases (a victim may survive a kill). Killing
//     cur itself with block makes the kill arrive at once.
//
// cur is needed only with block (it may be nil otherwise). A misuse (nil g,
// a cur of another hub, with block a nil cur or one that is not running)
// panics before anything is killed; inside a hub callback the kill is
// delivered and a blocking Kill returns ErrBlockingSwitchOut.
func (g *Greenlet) Kill(cur *Greenlet, err error, block bool, timeout time.Duration) error {
	mustGreenlet(g, "Kill")
	berr := checkBlocker(cur, block, "Kill", g)
	if !block && cur != nil && cur.h != g.h {
		panic(fmt.Sprintf("greenlet: Kill: %v belongs to another hub than %v", g, cur))
	}
	if err == nil {
		err = &GreenletExit{}
	}
	if g.ready || g.raw.Dead() || g.killUnstarted(err) {
		return nil
	}
	g.cancelContext(err)
	g.h.Throw(&g.raw, err)
	if !block {
		return nil
	}
	if berr != nil {
		return berr
	}
	return g.Join(cur, timeout)
}

// Kill is gevent's gevent.kill(g, exception): a Kill that does not block.
// It may be called from any greenlet or callback of g's hub.
func Kill(g *Greenlet, err error) { _ = g.Kill(nil, err, false, 0) }

// KillAll kills every greenlet of gs with err (nil: a new *GreenletExit for
// each). Greenlets that have not run are ended at once without running, as
// Kill does; if none remains, KillAll returns without yielding. The others
// receive the kill in order; with block, cur then waits for all of them up
// to timeout, and the timeout passing while some survive is an error: a
// *Timeout (gevent's killall raises its Timeout). All of gs must belong to
// cur's hub. cur may be nil without block. A misuse (a nil element, an
// element of another hub than cur, with block a nil cur or one that is not
// running) panics before anything is killed.
func KillAll(cur *Greenlet, gs []*Greenlet, err error, block bool, timeout time.Duration) error {
	berr := checkBlocker(cur, block, "KillAll", nil)
	mustGreenlets(gs, cur, "KillAll") // without block, cur, if given, names the hub
	var alive []*Greenlet
	seen := make(map[*Greenlet]bool, len(gs))
	for _, g := range gs {
		if seen[g] {
			continue
		}
		seen[g] = true
		e := err
		if e == nil {
			e = &GreenletExit{}
		}
		if g.ready || g.raw.Dead() || g.killUnstarted(e) {
			continue
		}
		g.cancelContext(e)
		g.h.Throw(&g.raw, e)
		alive = append(alive, g)
	}
	if len(alive) == 0 || !block {
		return nil
	}
	if berr != nil {
		return berr
	}
	done, jerr := JoinAll(cur, alive, timeout, false, -1)
	if jerr != nil {
		return jerr
	}
	if len(done) < len(alive) {
		return &Timeout{d: timeout}
	}
	return nil
}

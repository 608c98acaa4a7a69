package greenlet

import (
	"time"
)

// Kill ends g by delivering an error (WithError's, or a new *GreenletExit)
// as the error of the blocking call where g is parked, as gevent's
// Greenlet.kill raises there, and waits for g to finish. It takes WithError
// and Within. It returns nil, or an error delivered to cur while it waited;
// never g's outcome.
//
//   - g already finished: nothing happens, nothing yields.
//   - g not yet running (new, or started but not switched into): it never
//     runs; the error becomes its outcome at once (GreenletExit: success;
//     anything else: failure, reported), its links fire at the next hub
//     pass, and Kill returns without yielding (modern gevent; 0.13.6
//     yielded once).
//   - g running: the kill is queued, then cur waits like g.Join(cur), or
//     like g.JoinTimeout(cur, d) with Within(d): Kill returns once g has
//     finished or d passed, silently in both cases (a victim may survive a
//     kill). Killing cur itself makes the kill arrive at once.
//
// A misuse (nil g, a nil cur, a cur of another hub or one that is not
// running, an option Kill does not take) panics before anything is killed;
// inside a hub callback the kill is delivered and Kill returns
// ErrBlockingSwitchOut. KillNowait is the form that does not wait.
func (g *Greenlet) Kill(cur *Greenlet, opts ...WaitOption) error {
	o := parseOpts("Kill", optWithError|optWithin, opts)
	mustGreenlet(g, "Kill")
	berr := cur.check("Kill", g)
	if !g.deliverKill(o.killErr()) {
		return nil
	}
	if berr != nil {
		return berr
	}
	_, err := g.JoinTimeout(cur, o.timeout)
	return err
}

// KillNowait is Kill without the wait (gevent's kill(block=False) and
// gevent.kill): it delivers the kill and returns at once. It takes
// WithError only. It may be called from any greenlet or callback of g's
// hub, never from another goroutine.
func (g *Greenlet) KillNowait(opts ...WaitOption) {
	o := parseOpts("KillNowait", optWithError, opts)
	mustGreenlet(g, "KillNowait")
	g.deliverKill(o.killErr())
}

// deliverKill kills g with err and reports whether g is still running
// (the kill is queued); a finished or never-run g is done with at once.
func (g *Greenlet) deliverKill(err error) bool {
	if g.ready || g.killUnstarted(err) {
		return false
	}
	if g.raw == nil {
		return !g.ready // a C greenlet: killUnstarted forwarded the kill
	}
	if g.raw.Dead() {
		return false
	}
	g.cancelContext(err)
	g.h.Throw(g.raw, err)
	return true
}

// KillAll kills every greenlet of gs (each with WithError's error, or a new
// *GreenletExit each) and waits for them. It takes WithError and Within.
// Greenlets that have not run are ended at once without running, as Kill
// does; if none remains, KillAll returns without yielding. The others
// receive the kill in order; cur then waits for all of them, and Within's
// duration passing while some survive is an error: a *Timeout (gevent's
// killall raises its Timeout). All of gs must belong to cur's hub. A misuse
// (a nil element, an element of another hub than cur, a nil cur or one that
// is not running, an option KillAll does not take) panics before anything
// is killed. KillAllNowait is the form that does not wait.
func KillAll(cur *Greenlet, gs []*Greenlet, opts ...WaitOption) error {
	o := parseOpts("KillAll", optWithError|optWithin, opts)
	berr := cur.check("KillAll", nil)
	mustGreenlets(gs, cur, "KillAll")
	alive := killAll(gs, &o)
	if len(alive) == 0 {
		return nil
	}
	if berr != nil {
		return berr
	}
	return joinKilled(cur, alive, o.timeout)
}

// KillAllNowait is KillAll without the wait (gevent's killall with
// block=False). It takes WithError only. All of gs must belong to one hub;
// it may be called from any greenlet or callback of that hub.
func KillAllNowait(gs []*Greenlet, opts ...WaitOption) {
	o := parseOpts("KillAllNowait", optWithError, opts)
	var ref *Greenlet
	if len(gs) > 0 {
		ref = gs[0]
	}
	mustGreenlets(gs, ref, "KillAllNowait")
	killAll(gs, &o)
}

// killAll kills each distinct greenlet of gs once and returns those still
// running (the kill is queued for them).
func killAll(gs []*Greenlet, o *waitOpts) []*Greenlet {
	var alive []*Greenlet
	seen := make(map[*Greenlet]bool, len(gs))
	for _, g := range gs {
		if seen[g] {
			continue
		}
		seen[g] = true
		if g.deliverKill(o.killErr()) {
			alive = append(alive, g)
		}
	}
	return alive
}

// joinKilled waits for the killed greenlets alive up to timeout; the
// timeout passing while some survive is a *Timeout.
func joinKilled(cur *Greenlet, alive []*Greenlet, timeout time.Duration) error {
	done, err := JoinAll(cur, alive, Within(timeout))
	if err != nil {
		return err
	}
	if len(done) < len(alive) {
		return &Timeout{d: timeout}
	}
	return nil
}

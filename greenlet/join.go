package greenlet

import (
	"errors"
	"fmt"
	"time"
)

// errOwnTimeout is how wait reports that its own timer expired.
var errOwnTimeout = errors.New("greenlet: internal: own timeout")

// wait parks cur until g is ready, the timeout passes (errOwnTimeout), or an
// error is delivered to cur (returned). It allocates nothing beyond the link.
func (g *Greenlet) wait(cur *Greenlet, op string, timeout time.Duration) error {
	mustGreenlet(g, op[len("greenlet: "):])
	if err := cur.check(op, g); err != nil {
		return err
	}
	if g.ready {
		return nil
	}
	id := g.addLink(link{kind: lkWake, obj: cur.raw})
	pt := armTimer(cur, timeout)
	for {
		err := cur.raw.ParkFor(op)
		if err != nil || g.ready || pt.Expired() {
			pt.Stop()
			g.Unlink(id)
			if err == nil && !g.ready {
				return errOwnTimeout
			}
			return err
		}
		// A wake-up for an older park of cur: wait on (the link takes
		// cur's token when it fires; the timer needs a new one).
		pt.Rewake()
	}
}

// Join waits until g has finished. A non-nil error is one delivered to
// cur while it waited (a kill, an outer Timeout, LoopExit in the main
// greenlet), which cur should return; g's own outcome is Get's business.
//
// Joining a greenlet that never started, or cur itself, waits forever (in
// the main greenlet that ends in LoopExit).
func (g *Greenlet) Join(cur *Greenlet) error {
	return g.wait(cur, "greenlet: Join", forever)
}

// JoinTimeout is Join giving up after d; it reports whether g has
// finished (the bool is g.Ready() when it returns). Its own timeout is not
// an error: a non-nil error is one delivered to cur while it waited.
func (g *Greenlet) JoinTimeout(cur *Greenlet, d time.Duration) (bool, error) {
	err := g.wait(cur, "greenlet: JoinTimeout", d)
	if err == errOwnTimeout {
		err = nil
	}
	return g.ready, err
}

// Get waits until g has finished and returns its outcome: its value, or its
// failure as the error. A GreenletExit outcome is a value, not an error. A
// ready g returns at once, without checking cur; the form that never waits
// is Ready with Value and Err. An error delivered to cur while it waited is
// returned as the error.
func (g *Greenlet) Get(cur *Greenlet) (any, error) {
	mustGreenlet(g, "Get")
	if g.ready {
		return g.result()
	}
	if err := g.wait(cur, "greenlet: Get", forever); err != nil {
		return nil, err
	}
	return g.result()
}

// GetTimeout is Get giving up after d: then the error is a *Timeout (no
// longer pending; errors.Is(err, ErrTimeout) holds).
func (g *Greenlet) GetTimeout(cur *Greenlet, d time.Duration) (any, error) {
	mustGreenlet(g, "GetTimeout")
	if g.ready {
		return g.result()
	}
	err := g.wait(cur, "greenlet: GetTimeout", d)
	if err == errOwnTimeout {
		return nil, &Timeout{d: d}
	}
	if err != nil {
		return nil, err
	}
	return g.result()
}

// collector gathers the greenlets of one JoinAll in completion order.
type collector struct {
	done []*Greenlet
	cur  *Greenlet
	wake bool
}

// add records g; the first one while cur is parked wakes it, and the others
// until cur runs need no wake-up of their own (cur reads them all when it
// resumes): a JoinAll of N greenlets queues one wake-up, not N.
func (c *collector) add(g *Greenlet) {
	c.done = append(c.done, g)
	if c.wake {
		c.wake = false
		c.cur.h.Wake(c.cur.raw.Token())
	}
}

// unlinkCollector removes one live link of g to c, if any. JoinAll finds
// its links this way on an early return instead of keeping their ids: a
// greenlet has few links, and the common return (all joined) has none left.
func (g *Greenlet) unlinkCollector(c *collector) {
	for i := range g.links {
		if l := &g.links[i]; !l.dead && l.kind == lkCollect && l.obj == any(c) {
			g.Unlink(l.id)
			return
		}
	}
}

// JoinAll waits for the greenlets gs and returns those that finished, in
// completion order (gevent's joinall); those finished before the call come
// first, in the order of gs, and when they are enough JoinAll returns
// without yielding, as Join of a finished greenlet does. It takes Within, Count and
// StopOnError. It waits for all of gs, or for Count of them (a duplicate
// counts each time it appears), or until Within's duration passes, in which
// case it returns the partial list and a nil error: the timeout covers the
// whole call. With StopOnError, the first failure in completion order ends
// the wait: JoinAll returns the list up to it and its error, and the other
// greenlets keep running. An error delivered to cur is returned as is.
// Every element must be a greenlet of cur's hub: a misuse panics before
// JoinAll has linked to any of them.
func JoinAll(cur *Greenlet, gs []*Greenlet, opts ...WaitOption) ([]*Greenlet, error) {
	o := parseOpts("JoinAll", optWithin|optCount|optStopOnError, opts)
	timeout, raiseError := o.timeout, o.stopOnError
	want := len(gs)
	if o.count >= 0 && o.count < want {
		want = o.count
	}
	berr := cur.check("JoinAll", nil)
	if want == 0 || berr != nil {
		mustGreenlets(gs, cur, "JoinAll")
		if berr != nil {
			return nil, berr
		}
		return []*Greenlet{}, nil
	}
	// One pass checks gs and collects the finished greenlets, at once and
	// without a link, in the place their notifications would have had:
	// before any greenlet that finishes while cur waits. Only the others,
	// if any, are visited again, to link them, once the check has passed.
	c := &collector{cur: cur, done: make([]*Greenlet, 0, len(gs))}
	for i, g := range gs {
		if g == nil {
			panic(fmt.Sprintf("greenlet: JoinAll: nil greenlet at index %d", i))
		}
		if g.h != cur.h {
			panic(fmt.Sprintf("greenlet: JoinAll: %v belongs to another hub than %v", g, cur))
		}
		if g.ready {
			c.done = append(c.done, g)
		}
	}
	if len(c.done) < len(gs) {
		for _, g := range gs {
			if !g.ready {
				g.addLink(link{kind: lkCollect, obj: c})
			}
		}
	}
	defer func() {
		if len(c.done) == len(gs) {
			return // every link fired: none is left to remove
		}
		for _, g := range gs {
			g.unlinkCollector(c)
		}
	}()
	pt := armTimer(cur, timeout)
	defer pt.Stop()
	seen := 0
	for {
		for seen < len(c.done) {
			g := c.done[seen]
			seen++
			if raiseError && g.err != nil {
				return c.done[:seen:seen], g.err
			}
			if seen == want {
				return c.done[:seen:seen], nil
			}
		}
		if pt.Expired() {
			return c.done[:seen:seen], nil
		}
		c.wake = true
		pt.Rewake()
		err := cur.raw.ParkFor("greenlet: JoinAll")
		c.wake = false
		if err != nil {
			return c.done[:seen:seen], err
		}
	}
}

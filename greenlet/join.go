package greenlet

import (
	"errors"
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
	id := g.addLink(link{kind: lkWake, tok: cur.raw.Token()})
	t := &cur.raw.Timer
	timed := timeout != Forever
	if timed {
		t.SetWake(cur.raw.Token())
		t.Start(timeout)
	}
	for {
		err := cur.raw.ParkFor(op)
		if err != nil {
			g.Unlink(id)
			if timed {
				t.Stop()
			}
			return err
		}
		if g.ready {
			if timed {
				t.Stop()
			}
			g.Unlink(id)
			return nil
		}
		if timed && !t.Active() {
			g.Unlink(id)
			return errOwnTimeout
		}
		// A wake-up for an older park of cur: take new tokens, wait on.
		if l := g.findLink(id); l != nil {
			l.tok = cur.raw.Token()
		}
		if timed {
			t.SetWake(cur.raw.Token())
		}
	}
}

// Join waits until g has finished, or until timeout (Forever: no timeout)
// passes; it does not report which (check Ready). It returns nil in both
// cases, swallowing only its own timeout: a non-nil error is one delivered
// to cur while it waited (a kill, an outer Timeout, LoopExit in the main
// greenlet), which cur should return.
//
// Joining a greenlet that never started, or cur itself, waits until the
// timeout (forever without one; in the main greenlet that ends in
// LoopExit).
func (g *Greenlet) Join(cur *Greenlet, timeout time.Duration) error {
	err := g.wait(cur, "greenlet: Join", timeout)
	if err == errOwnTimeout {
		return nil
	}
	return err
}

// Get returns g's outcome: its value, or its failure as the error. If g is
// not ready, Get waits like Join; when its own timeout passes it returns a
// *Timeout (no longer pending) as the error. With block false and g not
// ready it returns a new, never-started *Timeout at once (cur may be nil
// then). A GreenletExit outcome is a value, not an error.
func (g *Greenlet) Get(cur *Greenlet, block bool, timeout time.Duration) (any, error) {
	mustGreenlet(g, "Get")
	if g.ready {
		return g.result()
	}
	if !block {
		return nil, &Timeout{d: Forever}
	}
	err := g.wait(cur, "greenlet: Get", timeout)
	if err == errOwnTimeout {
		return nil, &Timeout{d: timeout}
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

func (c *collector) add(g *Greenlet) {
	c.done = append(c.done, g)
	if c.wake {
		c.cur.h.Wake(c.cur.raw.Token())
	}
}

// JoinAll waits for the greenlets gs and returns those that finished, in
// completion order (gevent's joinall). It waits for count of them (count < 0:
// all; a duplicate counts each time it appears), or until timeout passes, in
// which case it returns the partial list and a nil error: the timeout covers
// the whole call. With raiseError, the first failure in completion order ends
// the wait: JoinAll returns the list up to it and its error, and the other
// greenlets keep running. An error delivered to cur is returned as is.
// Every element must be a greenlet of cur's hub: a misuse panics before
// JoinAll has linked to any of them.
func JoinAll(cur *Greenlet, gs []*Greenlet, timeout time.Duration, raiseError bool, count int) ([]*Greenlet, error) {
	want := len(gs)
	if count >= 0 && count < want {
		want = count
	}
	berr := cur.check("JoinAll", nil)
	mustGreenlets(gs, cur, "JoinAll")
	if berr != nil {
		return nil, berr
	}
	if want == 0 {
		return []*Greenlet{}, nil
	}
	c := &collector{cur: cur}
	ids := make([]LinkID, len(gs))
	for i, g := range gs {
		ids[i] = g.addLink(link{kind: lkCollect, coll: c})
	}
	defer func() {
		for i, g := range gs {
			g.Unlink(ids[i])
		}
	}()
	t := &cur.raw.Timer
	timed := timeout != Forever
	if timed {
		t.SetWake(cur.raw.Token())
		t.Start(timeout)
		defer t.Stop()
	}
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
		if timed && !t.Active() {
			return c.done[:seen:seen], nil
		}
		c.wake = true
		if timed {
			t.SetWake(cur.raw.Token())
		}
		err := cur.raw.ParkFor("greenlet: JoinAll")
		c.wake = false
		if err != nil {
			return c.done[:seen:seen], err
		}
	}
}

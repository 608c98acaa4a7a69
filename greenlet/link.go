package greenlet

import (
	"fmt"

	"github.com/gevent-go/gevent/internal/sched"
)

// A LinkID names one link of one greenlet, for Unlink. The zero LinkID names
// no link. IDs come from one counter per hub, so that each greenlet's links
// have increasing ids without a counter of their own.
type LinkID uint64

// A Filter chooses which outcomes a link fires on.
type Filter uint8

const (
	// OnAny fires on every outcome (link).
	OnAny Filter = iota
	// OnValue fires on success, including GreenletExit (link_value).
	OnValue
	// OnException fires on failure (link_exception).
	OnException
)

type linkKind uint8

const (
	lkRaw     linkKind = iota // call in the hub
	lkSpawn                   // call in a new greenlet
	lkTo                      // deliver LinkedExited to a greenlet
	lkWake                    // wake a greenlet blocked in Join/Get
	lkCollect                 // JoinAll's collector
)

// A link is kept small because every greenlet embeds one (link0) and a
// JoinAll stores one in each greenlet it waits for: obj holds the one
// pointer the kind needs, by kind: lkRaw func(src *Greenlet), lkSpawn
// func(cur, src *Greenlet) error, lkTo the target *Greenlet, lkWake the
// waiting *sched.G, lkCollect the *collector.
//
// lkWake needs no token: the waiter takes its wake-up from the G itself
// (G.Token) when the link fires. Whenever the link exists, its waiter is
// parked in that wait (or queued to resume from it: then both wake-ups
// name the same park and the second is stale), because wait removes the
// link on every way out.
type link struct {
	id     LinkID
	kind   linkKind
	filter Filter
	dead   bool // unlinked; dropped when it reaches an end of links
	obj    any
}

func (g *Greenlet) addLink(l link) LinkID {
	l.id = LinkID(g.h.NextLinkID())
	if g.links == nil {
		g.links = g.link0[:0]
	}
	g.links = append(g.links, l)
	g.nlinks++
	if g.ready {
		g.scheduleNotify()
	}
	return l.id
}

// Rawlink registers fn to be called with the greenlet when it finishes, in
// the hub (gevent's rawlink). fn must not block (a blocking call there returns
// ErrBlockingSwitchOut); a panic in it goes to the error handler and the
// other links still run. Like every link, fn runs exactly once, after the
// greenlet has finished, never synchronously (also when the greenlet is
// already dead), and in the order links were added.
func (g *Greenlet) Rawlink(fn func(src *Greenlet)) LinkID {
	if fn == nil {
		panic("greenlet: Rawlink of a nil function")
	}
	return g.addLink(link{kind: lkRaw, obj: fn})
}

// Link registers fn to run in a new greenlet when g finishes (modern
// gevent's link(callback), which may block). fn receives its own greenlet
// and the finished one; an error it returns is that new greenlet's failure.
func (g *Greenlet) Link(fn func(cur, src *Greenlet) error) LinkID {
	return g.linkSpawn(fn, OnAny)
}

// LinkValue is Link for a successful outcome only (GreenletExit included).
func (g *Greenlet) LinkValue(fn func(cur, src *Greenlet) error) LinkID {
	return g.linkSpawn(fn, OnValue)
}

// LinkException is Link for a failure only.
func (g *Greenlet) LinkException(fn func(cur, src *Greenlet) error) LinkID {
	return g.linkSpawn(fn, OnException)
}

func (g *Greenlet) linkSpawn(fn func(cur, src *Greenlet) error, f Filter) LinkID {
	if fn == nil {
		panic("greenlet: Link of a nil function")
	}
	return g.addLink(link{kind: lkSpawn, obj: fn, filter: f})
}

// LinkTo links g to the greenlet target, as gevent 0.13.6's link(greenlet)
// did: when g finishes with an outcome that passes filter, target receives a
// *LinkedCompleted, *LinkedKilled or *LinkedFailed error at its blocking
// call, as a kill. A target that has not started yet is killed before it
// runs, with that error as its failure. The delivery is asynchronous, also
// for a g that is already dead (0.13.6 raised synchronously inside link()
// when target was the current greenlet; a Go call cannot raise into its
// caller, so the error arrives at the caller's next blocking call).
func (g *Greenlet) LinkTo(target *Greenlet, filter Filter) LinkID {
	if target == nil {
		panic("greenlet: LinkTo a nil greenlet")
	}
	if target.h != g.h {
		panic(fmt.Sprintf("greenlet: LinkTo: %v belongs to another hub than %v", target, g))
	}
	return g.addLink(link{kind: lkTo, obj: target, filter: filter})
}

// Unlink removes the link id; it reports whether it was registered (and
// had not fired). A link removed by an earlier link's callback during
// notification is not called.
//
// It does not scan: links keep increasing ids, an unlinked one is marked
// dead and found by binary search, and dead ones are dropped at the ends of
// the list or compacted away once they outnumber the live ones (as a
// waitList does), so many joiners giving up cost O(n log n) in all.
func (g *Greenlet) Unlink(id LinkID) bool {
	l := g.findLink(id)
	if l == nil {
		return false
	}
	*l = link{id: id, dead: true}
	g.nlinks--
	for len(g.links) > 0 && g.links[0].dead {
		g.links = g.links[1:]
	}
	for n := len(g.links); n > 0 && g.links[n-1].dead; n-- {
		g.links[n-1] = link{}
		g.links = g.links[:n-1]
	}
	if len(g.links) == 0 {
		g.links = nil
		g.link0[0] = link{}
	} else if dead := len(g.links) - int(g.nlinks); dead > int(g.nlinks) && dead >= 32 {
		live := g.links[:0]
		for _, x := range g.links {
			if !x.dead {
				live = append(live, x)
			}
		}
		clear(g.links[len(live):])
		g.links = live
	}
	return true
}

// findLink returns the live link id, or nil.
func (g *Greenlet) findLink(id LinkID) *link {
	lo, hi := 0, len(g.links)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if g.links[m].id < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(g.links) && g.links[lo].id == id && !g.links[lo].dead {
		return &g.links[lo]
	}
	return nil
}

// UnlinkAll removes every link.
func (g *Greenlet) UnlinkAll() {
	clear(g.links)
	g.links, g.nlinks = nil, 0
}

// HasLinks returns the number of links registered and not yet fired.
func (g *Greenlet) HasLinks() int { return int(g.nlinks) }

func (g *Greenlet) scheduleNotify() {
	if g.nlinks > 0 && !g.notified {
		g.notified = true
		g.h.RunCallbackArg(notifyLinks, g)
	}
}

// collectNow delivers g to the JoinAlls waiting for it when they are its
// only links, at the moment it finishes instead of in a notification
// callback: a JoinAll's link is internal (it only records g and wakes the
// waiter through the hub), so nothing observable runs earlier, and the
// greenlet is not touched again a whole pass of the loop later, when with
// many greenlets it has left the cache. Any other link keeps every link of
// g on the asynchronous path, in order.
func (g *Greenlet) collectNow() {
	if g.nlinks == 0 || g.notified {
		return
	}
	for i := range g.links {
		if l := &g.links[i]; !l.dead && l.kind != lkCollect {
			return
		}
	}
	links := g.links
	g.links, g.nlinks = nil, 0
	for i := range links {
		if !links[i].dead {
			links[i].obj.(*collector).add(g)
		}
	}
	clear(links)
}

// notifyLinks runs in the hub: it pops links from the front, so each runs
// exactly once, links added meanwhile run in the same pass, and a link
// removed by an earlier one is skipped.
func notifyLinks(a any) {
	g := a.(*Greenlet)
	g.notified = false
	for len(g.links) > 0 {
		l := g.links[0]
		g.links[0] = link{}
		g.links = g.links[1:]
		if l.dead {
			continue
		}
		g.nlinks--
		g.fire(&l)
	}
	g.links = nil
	g.link0[0] = link{}
}

func (g *Greenlet) fire(l *link) {
	switch l.filter {
	case OnValue:
		if !g.Successful() {
			return
		}
	case OnException:
		if g.Successful() {
			return
		}
	}
	switch l.kind {
	case lkWake:
		g.h.Wake(l.obj.(*sched.G).Token())
	case lkCollect:
		l.obj.(*collector).add(g)
	case lkRaw:
		func() {
			defer func() {
				if r := recover(); r != nil {
					g.h.HandleError(fmt.Sprintf("link of %v", g), sched.NewPanicError(r))
				}
			}()
			l.obj.(func(src *Greenlet))(g)
		}()
	case lkSpawn:
		fn := l.obj.(func(cur, src *Greenlet) error)
		Spawn(g, func(cur *Greenlet) (any, error) { return nil, fn(cur, g) })
	case lkTo:
		t := l.obj.(*Greenlet)
		err := linkedError(g)
		if !t.killUnstarted(err) && !t.ready && t.raw != nil {
			g.h.Throw(t.raw, err)
		}
	}
}

package greenlet

import (
	"fmt"
	"time"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// A Group is a set of greenlets that can be joined and killed together
// (gevent's Group). A member leaves the group by itself when it finishes:
// Add registers a raw link that discards it.
//
// Join waits until the group is empty; Kill kills every member once (a
// member already being killed is not killed again) and waits for them.
// The order of Greenlets is unspecified, as gevent's set.
//
// A Group belongs to one hub: only greenlets and callbacks of that hub may
// use it, and a call naming a greenlet of another hub panics before it has
// any effect. The zero Group is not usable (its methods panic); create one
// with NewGroup.
type Group struct {
	h       *sched.Hub
	members map[*Greenlet]member
	list    []*Greenlet
	dying   map[*Greenlet]bool
	empty   *Event // set while the group has no member
	discard func(*Greenlet)
	sem     *Semaphore // a Pool's slots: released as a member leaves
}

type member struct {
	id  LinkID
	idx int
}

// NewGroup returns an empty group on h.
func NewGroup(h *hub.Hub) *Group {
	grp := &Group{}
	grp.init(schedOf(h))
	return grp
}

func (grp *Group) init(h *sched.Hub) {
	if h == nil {
		panic("greenlet: NewGroup: nil hub")
	}
	grp.h = h
	grp.members = make(map[*Greenlet]member)
	grp.dying = make(map[*Greenlet]bool)
	grp.empty = newEvent(h)
	grp.empty.Set()
	grp.discard = grp.Discard
}

// Len returns the number of members.
func (grp *Group) Len() int { return len(grp.list) }

// Contains reports whether g is a member.
func (grp *Group) Contains(g *Greenlet) bool { _, ok := grp.members[g]; return ok }

// Greenlets returns a snapshot of the members.
func (grp *Group) Greenlets() []*Greenlet { return append([]*Greenlet(nil), grp.list...) }

// Spawn starts fn in a new greenlet that is a member of the group.
func (grp *Group) Spawn(fn Func) *Greenlet {
	mustOwn(grp.h, nil, "Group.Spawn", "NewGroup")
	if grp.sem != nil {
		panic("greenlet: Group.Spawn on a Pool's group bypasses its slots; use Pool.Spawn")
	}
	g := newOn(grp.h, fn)
	grp.add(g)
	g.Start()
	return g
}

// Add makes g a member (doing nothing if it is one); it leaves when it
// finishes. g must belong to the group's hub.
func (grp *Group) Add(g *Greenlet) {
	mustOwn(grp.h, nil, "Group.Add", "NewGroup")
	mustGreenlet(g, "Group.Add")
	if grp.sem != nil {
		panic("greenlet: Group.Add on a Pool's group bypasses its slots; use Pool.Add")
	}
	if !grp.Contains(g) {
		grp.add(g)
	}
}

func (grp *Group) add(g *Greenlet) {
	if g.h != grp.h {
		panic(fmt.Sprintf("greenlet: Group.Add: %v belongs to another hub", g))
	}
	id := g.Rawlink(grp.discard)
	grp.members[g] = member{id: id, idx: len(grp.list)}
	grp.list = append(grp.list, g)
	grp.empty.Clear()
}

// Discard removes g from the group (and its membership link from g); it
// does nothing if g is not a member.
func (grp *Group) Discard(g *Greenlet) {
	m, ok := grp.members[g]
	if !ok {
		return
	}
	g.Unlink(m.id)
	delete(grp.members, g)
	delete(grp.dying, g)
	last := len(grp.list) - 1
	if m.idx != last {
		moved := grp.list[last]
		grp.list[m.idx] = moved
		mm := grp.members[moved]
		mm.idx = m.idx
		grp.members[moved] = mm
	}
	grp.list[last] = nil
	grp.list = grp.list[:last]
	if grp.sem != nil {
		grp.sem.Release()
	}
	if len(grp.list) == 0 {
		grp.empty.Set()
	}
}

// Join waits until the group is empty, or timeout passes, and reports
// whether it is empty. With raiseError, it then returns the first failure
// (in no set order) among the greenlets that were members when Join was
// called. A greenlet that finished before the call is no longer a member,
// so its failure is not seen (gevent #521). An error delivered to cur is
// returned as is. An empty group returns true at once, without switching.
func (grp *Group) Join(cur *Greenlet, timeout time.Duration, raiseError bool) (bool, error) {
	mustOwn(grp.h, cur, "Group.Join", "NewGroup")
	var snap []*Greenlet
	if raiseError {
		snap = grp.Greenlets()
	}
	ok, err := grp.empty.Wait(cur, timeout)
	if err != nil {
		return false, err
	}
	for _, g := range snap {
		if g.err != nil {
			return ok, g.err
		}
	}
	return ok, nil
}

// Kill kills every member with err (nil: a new *GreenletExit for each)
// and, with block, waits until the group is empty or timeout passes; its
// own timeout passing is not an error (gevent swallows it), while an outer
// Timeout or a kill of cur is returned. A member already being killed by
// this group is not killed again. cur may be nil without block.
func (grp *Group) Kill(cur *Greenlet, err error, block bool, timeout time.Duration) error {
	mustOwn(grp.h, cur, "Group.Kill", "NewGroup")
	var t *Timeout
	if block {
		if e := cur.check("Group.Kill", nil); e != nil {
			return e
		}
		t = StartNew(cur, timeout, nil)
		defer t.Close()
	}
	for len(grp.list) > 0 {
		for _, g := range grp.Greenlets() {
			if grp.dying[g] {
				continue
			}
			grp.dying[g] = true
			Kill(g, err)
		}
		if !block {
			return nil
		}
		_, e := JoinAll(cur, grp.Greenlets(), Forever, false, -1)
		if e != nil {
			if isSame(e, t) {
				return nil
			}
			return e
		}
		// Membership links run after the greenlets' ends: wait for them.
		if len(grp.list) > 0 {
			if _, e := grp.empty.Wait(cur, Forever); e != nil {
				if isSame(e, t) {
					return nil
				}
				return e
			}
		}
	}
	return nil
}

// Killone kills the member g with err, unless this group is already
// killing it, and with block waits like g.Kill. A g that is not a member
// is killed all the same.
func (grp *Group) Killone(cur *Greenlet, g *Greenlet, err error, block bool, timeout time.Duration) error {
	mustOwn(grp.h, cur, "Group.Killone", "NewGroup")
	mustGreenlet(g, "Group.Killone")
	berr := checkBlocker(cur, block, "Group.Killone", g)
	if !grp.dying[g] {
		if grp.Contains(g) {
			grp.dying[g] = true
		}
		Kill(g, err)
	}
	if !block {
		return nil
	}
	if berr != nil {
		return berr
	}
	return g.Join(cur, timeout)
}

package greenlet

import (
	"fmt"

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

// A Spawner starts greenlets as members of a set: a *Group (never waits)
// or a *Pool (waits for a free slot). Spawn starts fn in a new member; a
// non-nil error is one delivered to cur while it waited, and then nothing
// was spawned. SpawnTypedIn spawns a typed body through any Spawner.
type Spawner interface {
	Spawn(cur *Greenlet, fn Func) (*Greenlet, error)
}

// Spawn starts fn in a new greenlet that is a member of the group. A Group
// never waits, so the error is always nil; the shape is Pool.Spawn's, so
// both are Spawners. cur names the calling greenlet, which must belong to
// the group's hub; as nothing blocks, it may be nil in a hub callback.
func (grp *Group) Spawn(cur *Greenlet, fn Func) (*Greenlet, error) {
	mustOwn(grp.h, cur, "Group.Spawn", "NewGroup")
	if grp.sem != nil {
		panic("greenlet: Group.Spawn on a Pool's group bypasses its slots; use Pool.Spawn")
	}
	g := newOn(grp.h, fn)
	grp.add(g)
	g.Start()
	return g, nil
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

// Join waits until the group is empty and reports whether it is. It takes
// Within (then false means the duration passed first) and StopOnError: with
// it, Join then returns the first failure (in no set order) among the
// greenlets that were members when Join was called. A greenlet that
// finished before the call is no longer a member, so its failure is not
// seen (gevent #521). An error delivered to cur is returned as is. An empty
// group returns true at once, without switching.
func (grp *Group) Join(cur *Greenlet, opts ...WaitOption) (bool, error) {
	o := parseOpts("Group.Join", optWithin|optStopOnError, opts)
	mustOwn(grp.h, cur, "Group.Join", "NewGroup")
	timeout := o.timeout
	var snap []*Greenlet
	if o.stopOnError {
		snap = grp.Greenlets()
	}
	ok, err := grp.empty.WaitTimeout(cur, timeout)
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

// Kill kills every member (each with WithError's error, or a new
// *GreenletExit each) and waits until the group is empty. It takes
// WithError and Within; Within's duration passing is not an error (gevent
// swallows it), while an outer Timeout or a kill of cur is returned. A
// member already being killed by this group is not killed again. A misuse
// panics before anything is killed. KillNowait is the form that does not
// wait.
func (grp *Group) Kill(cur *Greenlet, opts ...WaitOption) error {
	o := parseOpts("Group.Kill", optWithError|optWithin, opts)
	mustOwn(grp.h, cur, "Group.Kill", "NewGroup")
	if e := cur.check("Group.Kill", nil); e != nil {
		return e
	}
	t := StartNew(cur, o.timeout, nil)
	defer t.Close()
	for len(grp.list) > 0 {
		grp.killMembers(&o)
		_, e := JoinAll(cur, grp.Greenlets())
		if e != nil {
			if isSame(e, t) {
				return nil
			}
			return e
		}
		// Membership links run after the greenlets' ends: wait for them.
		if len(grp.list) > 0 {
			if e := grp.empty.Wait(cur); e != nil {
				if isSame(e, t) {
					return nil
				}
				return e
			}
		}
	}
	return nil
}

// KillNowait kills every member as Kill does and returns at once. It takes
// WithError only. It may be called from any greenlet or callback of the
// group's hub.
func (grp *Group) KillNowait(opts ...WaitOption) {
	o := parseOpts("Group.KillNowait", optWithError, opts)
	mustOwn(grp.h, nil, "Group.KillNowait", "NewGroup")
	grp.killMembers(&o)
}

// killMembers kills the members this group is not killing yet.
func (grp *Group) killMembers(o *waitOpts) {
	for _, g := range grp.Greenlets() {
		if grp.dying[g] {
			continue
		}
		grp.dying[g] = true
		g.deliverKill(o.killErr())
	}
}

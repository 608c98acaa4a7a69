package greenlet

import (
	"fmt"
	"strings"

	"github.com/gevent-go/gevent/internal/sched"
)

// mustOwn panics, before the operation op (such as "Queue.Put") has any
// effect, if the object was never made by its constructor ctor (its hub h
// is nil: a zero value) or if cur is given and belongs to another hub than
// the object. A sync object is used by the greenlets of its own hub only.
func mustOwn(h *sched.Hub, cur *Greenlet, op, ctor string) {
	if h == nil || (cur != nil && cur.h != h) {
		ownerPanic(h, cur, op, ctor)
	}
}

func ownerPanic(h *sched.Hub, cur *Greenlet, op, ctor string) {
	if h == nil {
		typ, _, _ := strings.Cut(op, ".")
		panic(fmt.Sprintf("greenlet: %s on a zero %s, which is not usable; create it with %s", op, typ, ctor))
	}
	panic(fmt.Sprintf("greenlet: %s: the object belongs to another hub than %v", op, cur))
}

// mustGreenlet panics if g, an argument of op, is nil.
func mustGreenlet(g *Greenlet, op string) {
	if g == nil {
		panic("greenlet: " + op + ": nil greenlet")
	}
	if g.h == nil {
		panic("greenlet: " + op + ": a zero Greenlet (create one with New, NewOn, Spawn or SpawnC)")
	}
}

// mustGreenlets panics if an element of gs is nil or, with cur given,
// belongs to another hub than cur; it checks them all before op has any
// effect.
func mustGreenlets(gs []*Greenlet, cur *Greenlet, op string) {
	for i, g := range gs {
		if g == nil {
			panic(fmt.Sprintf("greenlet: %s: nil greenlet at index %d", op, i))
		}
		if g.h == nil {
			panic(fmt.Sprintf("greenlet: %s: a zero Greenlet at index %d (create one with New, NewOn, Spawn or SpawnC)", op, i))
		}
		if cur != nil && g.h != cur.h {
			panic(fmt.Sprintf("greenlet: %s: %v belongs to another hub than %v", op, g, cur))
		}
	}
}

// mustWaitable panics unless o, the i-th object of op (WaitObjects, IWait),
// can be waited on by cur: a *Greenlet or Linkable that is not nil, and,
// for the types of this package, made by its constructor and of cur's hub.
func mustWaitable(cur *Greenlet, op string, i int, o Waitable) {
	var h *sched.Hub
	isNil := false
	switch x := o.(type) {
	case nil:
		isNil = true
	case *Greenlet:
		isNil = x == nil
		if !isNil {
			h = x.h
		}
	case *Event:
		isNil = x == nil
		if !isNil {
			h = x.h
		}
	case *AsyncResult:
		isNil = x == nil
		if !isNil {
			h = x.h
		}
	case *Semaphore:
		isNil = x == nil
		if !isNil {
			h = x.h
		}
	case Linkable:
		return // another package's type: its own business
	default:
		panic(fmt.Sprintf("greenlet: %s: %T is neither a *Greenlet nor a Linkable", op, o))
	}
	switch {
	case isNil:
		panic(fmt.Sprintf("greenlet: %s: nil object at index %d", op, i))
	case h == nil:
		panic(fmt.Sprintf("greenlet: %s: zero %T at index %d, which is not usable (use its constructor)", op, o, i))
	case h != cur.h:
		panic(fmt.Sprintf("greenlet: %s: %T at index %d belongs to another hub than %v", op, o, i, cur))
	}
}

package greenlet

import (
	"fmt"
	"iter"
	"time"

	"github.com/gevent-go/gevent/internal/sched"
)

// A Waitable is something WaitObjects and IWait can wait on: a *Greenlet
// (ready when finished), or a Linkable such as *Event, *AsyncResult or
// *Semaphore.
type Waitable interface {
	Ready() bool
}

// A Linkable is a Waitable that calls raw links when it becomes ready, as
// Event, AsyncResult and Semaphore do. Rawlink's fn runs once, in the hub,
// asynchronously (also when the object is ready already).
type Linkable interface {
	Waitable
	Rawlink(fn func()) LinkID
	Unlink(id LinkID) bool
}

// link registers fn on o and returns its remover.
func linkWaitable(o Waitable, op string, fn func()) func() {
	switch x := o.(type) {
	case *Greenlet:
		id := x.Rawlink(func(*Greenlet) { fn() })
		return func() { x.Unlink(id) }
	case Linkable:
		id := x.Rawlink(fn)
		return func() { x.Unlink(id) }
	}
	panic(fmt.Sprintf("greenlet: %s: %T is neither a *Greenlet nor a Linkable", op, o))
}

// An Iter yields the objects of IWait as they become ready (gevent's
// iwait). Use it as
//
//	it := greenlet.IWait(cur, objs)
//	defer it.Close()
//	for it.Next(cur) {
//		o := it.Value()
//	}
//	if err := it.Err(); err != nil { ... }
//
// Close removes the links still registered; after the last item or a
// timeout they are removed by Next too. Only the greenlet that made it may
// use an Iter; it may block elsewhere between Next calls without losing
// an item.
type Iter struct {
	cur     *Greenlet
	unlinks []func()
	done    []Waitable
	seen    int
	want    int
	timer   sched.Timer // its own: cur's timer is free for cur's other waits
	timed   bool
	waiting bool
	tok     sched.Token
	value   Waitable
	err     error
	closed  bool
}

// IWait links to every object and returns an iterator over them in the
// order they become ready; an object that is ready already comes out too,
// in the order its link fires. It takes Within, whose duration covers the
// whole iteration: once it passes Next returns false. An object appearing
// twice is yielded twice.
func IWait(cur *Greenlet, objects []Waitable, opts ...WaitOption) *Iter {
	o := parseOpts("IWait", optWithin, opts)
	return iwait(cur, "IWait", objects, o.timeout, -1)
}

func iwait(cur *Greenlet, op string, objects []Waitable, timeout time.Duration, count int) *Iter {
	if cur == nil {
		panic("greenlet: " + op + ": nil calling greenlet (pass the greenlet making the call)")
	}
	for i, o := range objects {
		mustWaitable(cur, op, i, o)
	}
	it := &Iter{cur: cur, want: len(objects)}
	if count >= 0 && count < it.want {
		it.want = count
	}
	it.unlinks = make([]func(), len(objects))
	for i, o := range objects {
		o := o
		it.unlinks[i] = linkWaitable(o, op, func() {
			it.unlinks[i] = nil
			it.done = append(it.done, o)
			if it.waiting {
				it.waiting = false
				cur.h.Wake(it.tok)
			}
		})
	}
	if timeout != forever {
		it.timed = true
		it.timer.Init(cur.h)
		it.timer.SetFunc(func() {
			if it.waiting {
				it.waiting = false
				cur.h.Wake(it.tok)
			}
		})
		it.timer.Start(timeout)
	}
	return it
}

// Next waits for the next ready object and reports whether there is one
// (then Value returns it). It returns false once every object was yielded,
// the timeout passed, or an error was delivered to the greenlet (then Err
// returns it); the links are removed then. cur must be the greenlet that
// made the iterator (anything else panics).
func (it *Iter) Next(cur *Greenlet) bool {
	it.mustOwn(cur, "IWait.Next")
	it.value = nil
	if it.closed {
		return false
	}
	if it.seen == it.want {
		it.Close()
		return false
	}
	for it.seen >= len(it.done) {
		if it.timed && !it.timer.Active() {
			it.Close()
			return false
		}
		if err := it.cur.check("IWait.Next", nil); err != nil {
			it.err = err
			it.Close()
			return false
		}
		it.tok = it.cur.raw.Token()
		it.waiting = true
		err := it.cur.raw.ParkFor("greenlet: IWait.Next")
		it.waiting = false
		if err != nil {
			it.err = err
			it.Close()
			return false
		}
	}
	it.value = it.done[it.seen]
	it.seen++
	return true
}

// All returns the iteration as a range function (Go 1.23 iter.Seq);
// leaving the loop, by break or at the end, closes the iterator. Check Err
// afterwards for an error delivered to the greenlet. cur must be the
// greenlet that made the iterator (anything else panics, at once).
func (it *Iter) All(cur *Greenlet) iter.Seq[Waitable] {
	it.mustOwn(cur, "IWait.All")
	return func(yield func(Waitable) bool) {
		defer it.Close()
		for it.Next(cur) {
			if !yield(it.Value()) {
				return
			}
		}
	}
}

// mustOwn panics unless cur is the greenlet that made it.
func (it *Iter) mustOwn(cur *Greenlet, op string) {
	if cur != it.cur {
		panic(fmt.Sprintf("greenlet: %s: called with %v; the iterator belongs to %v", op, cur, it.cur))
	}
}

// Value returns the object Next found ready.
func (it *Iter) Value() Waitable { return it.value }

// Err returns the error delivered to the greenlet that ended the
// iteration, or nil.
func (it *Iter) Err() error { return it.err }

// Close removes the remaining links and stops the timer. Closing twice is
// harmless.
func (it *Iter) Close() {
	if it.closed {
		return
	}
	it.closed = true
	for i, u := range it.unlinks {
		if u != nil {
			u()
			it.unlinks[i] = nil
		}
	}
	it.timer.Stop()
}

// WaitObjects waits until the objects are ready, or Count of them, or
// until Within's duration passes, and returns the ready ones in the order
// they became ready (gevent's wait(objects, timeout, count)). It takes
// Within and Count. A non-nil error is one delivered to cur while it
// waited, returned with the objects found so far.
func WaitObjects(cur *Greenlet, objects []Waitable, opts ...WaitOption) ([]Waitable, error) {
	o := parseOpts("WaitObjects", optWithin|optCount, opts)
	if err := cur.check("WaitObjects", nil); err != nil {
		return nil, err
	}
	it := iwait(cur, "WaitObjects", objects, o.timeout, o.count)
	defer it.Close()
	out := make([]Waitable, 0, it.want)
	for it.Next(cur) {
		out = append(out, it.Value())
	}
	return out, it.Err()
}

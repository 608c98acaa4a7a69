package greenlet

import (
	"fmt"

	"github.com/gevent-go/gevent/internal/sched"
)

// A MapResult is one item's outcome in Imap, ImapUnordered and Map: the
// input's index, fn's value and fn's error (a panic in fn becomes a
// *PanicError here).
type MapResult[Out any] struct {
	Index int
	Value Out
	Err   error
}

// A MapIter yields the outcomes of fn over the inputs of Imap or
// ImapUnordered as the pool's greenlets produce them. An item's error is
// part of its MapResult and does not stop the iteration (gevent's imap
// raises it and then continues). Only the greenlet that made it may use it:
//
//	it := greenlet.Imap(cur, pool, inputs, fn)
//	defer it.Close(cur)
//	for it.Next(cur) {
//		r := it.Result()
//	}
//	if err := it.Err(); err != nil { ... } // delivered to cur
type MapIter[Out any] struct {
	cur     *Greenlet
	ordered bool
	res     []MapResult[Out]
	got     []bool
	done    *Queue[int] // indexes in completion order
	next    int         // ordered: next index to yield; else: yielded so far
	yielded int
	feeder  *Greenlet
	workers []*Greenlet
	result  MapResult[Out]
	err     error
}

// Imap runs fn over in, each item in a greenlet of p (so at most p.Size()
// at once), and returns an iterator that yields the outcomes in input
// order. A feeder greenlet spawns the workers, so Imap does not block.
func Imap[In, Out any](cur *Greenlet, p *Pool, in []In, fn func(g *Greenlet, x In) (Out, error)) *MapIter[Out] {
	return imap(cur, p, in, fn, true)
}

// ImapUnordered is Imap yielding the outcomes in completion order.
func ImapUnordered[In, Out any](cur *Greenlet, p *Pool, in []In, fn func(g *Greenlet, x In) (Out, error)) *MapIter[Out] {
	return imap(cur, p, in, fn, false)
}

func imap[In, Out any](cur *Greenlet, p *Pool, in []In, fn func(g *Greenlet, x In) (Out, error), ordered bool) *MapIter[Out] {
	if cur == nil || fn == nil || p == nil {
		panic("greenlet: Imap with a nil greenlet, pool or function")
	}
	mustOwn(p.h, cur, "Imap", "NewPool")
	it := &MapIter[Out]{
		cur:     cur,
		ordered: ordered,
		res:     make([]MapResult[Out], len(in)),
		got:     make([]bool, len(in)),
		done:    newQueue[int](p.h, "NewQueue", nil, fifoQueue, nil),
	}
	if len(in) == 0 {
		return it
	}
	it.feeder = Spawn(cur, func(f *Greenlet) (any, error) {
		for i, x := range in {
			g, err := p.Spawn(f, func(g *Greenlet) (any, error) {
				defer func() {
					if r := recover(); r != nil {
						it.res[i] = MapResult[Out]{Index: i, Err: sched.NewPanicError(r)}
					}
					_ = it.done.PutNowait(i)
				}()
				v, err := fn(g, x)
				it.res[i] = MapResult[Out]{Index: i, Value: v, Err: err}
				return nil, nil
			})
			if err != nil {
				return nil, err // killed by Close
			}
			it.workers = append(it.workers, g)
		}
		return nil, nil
	})
	return it
}

// Next waits for the next outcome and reports whether there is one (then
// Result returns it). It returns false after the last one, or when an
// error is delivered to the greenlet (Err returns it). cur must be the
// greenlet that made the iterator (anything else panics).
func (it *MapIter[Out]) Next(cur *Greenlet) bool {
	if cur != it.cur {
		panic(fmt.Sprintf("greenlet: MapIter.Next: called with %v; the iterator belongs to %v", cur, it.cur))
	}
	if it.yielded == len(it.res) || it.err != nil {
		return false
	}
	for {
		if it.ordered && it.got[it.next] {
			it.result = it.res[it.next]
			it.next++
			it.yielded++
			return true
		}
		i, err := it.done.Get(it.cur)
		if err != nil {
			it.err = err
			return false
		}
		it.got[i] = true
		if !it.ordered {
			it.result = it.res[i]
			it.yielded++
			return true
		}
	}
}

// Result returns the outcome Next found.
func (it *MapIter[Out]) Result() MapResult[Out] { return it.result }

// Err returns the error delivered to the iterating greenlet, or nil.
func (it *MapIter[Out]) Err() error { return it.err }

// Close stops the iteration early: it kills the feeder and the workers
// still running and waits for them (cur is the iterating greenlet). It
// returns an error delivered to cur while it waited.
func (it *MapIter[Out]) Close(cur *Greenlet) error {
	if it.feeder == nil {
		return nil
	}
	if err := it.feeder.Kill(cur); err != nil {
		return err
	}
	return KillAll(cur, it.workers)
}

// Map runs fn over in on the pool and returns the values in input order,
// or the first error in input order once every item has finished (gevent's
// Pool.map).
func Map[In, Out any](cur *Greenlet, p *Pool, in []In, fn func(g *Greenlet, x In) (Out, error)) ([]Out, error) {
	it := Imap(cur, p, in, fn)
	out := make([]Out, 0, len(in))
	var first error
	for it.Next(cur) {
		r := it.Result()
		if r.Err != nil && first == nil {
			first = r.Err
		}
		out = append(out, r.Value)
	}
	if err := it.Err(); err != nil {
		_ = it.Close(cur)
		return nil, err
	}
	if first != nil {
		return nil, first
	}
	return out, nil
}

package greenlet

import (
	"math"
	"time"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// A Semaphore is a counter of free slots that greenlets acquire and release
// (gevent's Semaphore). Acquirers queue FIFO: a released slot is handed to
// the first waiter by a hub callback, so a greenlet calling Acquire while
// others wait queues behind them instead of barging in.
//
// A bounded semaphore (NewBoundedSemaphore) panics when released more often
// than acquired. NewLock gives a bounded semaphore of 1, gevent's
// lock.Semaphore(1)-based Lock; it is not reentrant.
//
// A Semaphore belongs to one hub: a call naming a greenlet of another hub
// panics before it has any effect. The zero Semaphore is not usable (its
// methods panic); create one with NewSemaphore, NewBoundedSemaphore or
// NewLock.
type Semaphore struct {
	h       *sched.Hub
	counter int
	bound   int      // the initial value for a bounded semaphore, else -1
	waiters waitList // greenlets in Acquire, granted a slot when popped
	links   waitList // raw links and WaitAvailable waiters: told, not granted
	queued  bool
}

// NewSemaphore returns a semaphore with n free slots. n < 0 panics.
func NewSemaphore(h *hub.Hub, n int) *Semaphore {
	if n < 0 {
		panic("greenlet: NewSemaphore: negative initial value")
	}
	if h == nil {
		panic("greenlet: NewSemaphore: nil hub")
	}
	return &Semaphore{h: schedOf(h), counter: n, bound: -1}
}

// NewBoundedSemaphore is NewSemaphore whose Release panics beyond n.
func NewBoundedSemaphore(h *hub.Hub, n int) *Semaphore {
	s := NewSemaphore(h, n)
	s.bound = n
	return s
}

// NewLock returns a bounded semaphore of 1: a non-reentrant lock.
func NewLock(h *hub.Hub) *Semaphore { return NewBoundedSemaphore(h, 1) }

// Counter returns the number of free slots.
func (s *Semaphore) Counter() int { return s.counter }

// Locked reports whether no slot is free.
func (s *Semaphore) Locked() bool { return s.counter <= 0 }

// Ready reports whether a slot is free; it makes a Semaphore a Waitable.
func (s *Semaphore) Ready() bool { return s.counter > 0 }

// Acquire takes a slot, waiting FIFO behind earlier acquirers while none is
// free. A non-nil error is one delivered to cur while it waited (a kill, a
// Timeout); cur then holds no slot.
func (s *Semaphore) Acquire(cur *Greenlet) error {
	mustCaller(cur, "Semaphore.Acquire")
	_, err := s.acquire(cur, true, forever)
	return err
}

// AcquireTimeout is Acquire that waits at most d; it reports whether cur
// got the slot (d <= 0: it gives up at the next loop iteration).
func (s *Semaphore) AcquireTimeout(cur *Greenlet, d time.Duration) (bool, error) {
	mustCaller(cur, "Semaphore.AcquireTimeout")
	mustOwn(s.h, cur, "Semaphore.AcquireTimeout", "NewSemaphore")
	return s.acquire(cur, true, d)
}

// TryAcquire takes a slot if one is free and nobody is queued for one, and
// reports whether it did. It never switches, so hub callbacks may call it.
func (s *Semaphore) TryAcquire() bool {
	mustOwn(s.h, nil, "Semaphore.TryAcquire", "NewSemaphore")
	ok, _ := s.acquire(nil, false, 0)
	return ok
}

// acquire is Acquire with gevent's knobs, for the callers in the package
// that pass them through.
func (s *Semaphore) acquire(cur *Greenlet, block bool, timeout time.Duration) (bool, error) {
	mustOwn(s.h, cur, "Semaphore.Acquire", "NewSemaphore")
	if s.counter > 0 && s.waiters.len() == 0 {
		s.counter--
		return true, nil
	}
	if !block {
		return false, nil
	}
	if err := cur.check("Semaphore.Acquire", nil); err != nil {
		return false, err
	}
	id := s.waiters.add(wakerOf(cur))
	s.schedule()
	got, err := parkIn(cur, &s.waiters, id, "greenlet: Semaphore.Acquire", timeout)
	if err != nil {
		if got {
			s.Release() // granted, but cur will not use it
		}
		return false, err
	}
	return got, nil
}

// Release frees a slot, handing it to the first waiter through a hub
// callback, and returns the number of free slots. It panics on a bounded
// semaphore released more times than acquired, and on an unbounded one
// whose count of free slots would pass math.MaxInt.
func (s *Semaphore) Release() int {
	mustOwn(s.h, nil, "Semaphore.Release", "NewSemaphore")
	if s.bound >= 0 && s.counter >= s.bound {
		panic("greenlet: BoundedSemaphore released too many times")
	}
	if s.counter == math.MaxInt {
		panic("greenlet: Semaphore released past math.MaxInt free slots")
	}
	s.counter++
	s.schedule()
	return s.counter
}

func (s *Semaphore) schedule() {
	if !s.queued && s.counter > 0 && (s.waiters.len() > 0 || s.links.len() > 0) {
		s.queued = true
		s.h.RunCallbackArg(notifySemaphore, s)
	}
}

// notifySemaphore grants free slots to the acquirers in FIFO order, then
// tells the raw links and WaitAvailable waiters while a slot is still free.
func notifySemaphore(a any) {
	s := a.(*Semaphore)
	s.queued = false
	for s.counter > 0 && s.waiters.len() > 0 {
		s.counter--
		e := s.waiters.pop()
		s.h.Wake(e.tok)
	}
	last := s.links.seq
	for s.counter > 0 && s.links.len() > 0 && s.links.front().id <= last {
		e := s.links.pop()
		fire(s.h, &e, s)
	}
	s.schedule()
}

// Wait waits until a slot is free without taking it, and returns the
// number of free slots then (gevent's Semaphore.wait). Its error is one
// delivered to cur while it waited.
func (s *Semaphore) Wait(cur *Greenlet) (int, error) {
	return s.wait(cur, "Semaphore.Wait", forever)
}

// WaitTimeout is Wait that waits at most d, and then returns the number of
// free slots as Wait does, 0 if none is free (d <= 0: it gives up at the
// next loop iteration).
func (s *Semaphore) WaitTimeout(cur *Greenlet, d time.Duration) (int, error) {
	return s.wait(cur, "Semaphore.WaitTimeout", d)
}

func (s *Semaphore) wait(cur *Greenlet, op string, timeout time.Duration) (int, error) {
	mustOwn(s.h, cur, op, "NewSemaphore")
	if err := cur.check(op, nil); err != nil {
		return 0, err
	}
	if s.counter > 0 {
		return s.counter, nil
	}
	id := s.links.add(wakerOf(cur))
	if _, err := parkIn(cur, &s.links, id, "greenlet: Semaphore.Wait", timeout); err != nil {
		return 0, err
	}
	return s.counter, nil
}

// Rawlink registers fn to be called in the hub once a slot is free (it is
// not granted one). It runs once; fn must not block.
func (s *Semaphore) Rawlink(fn func()) LinkID {
	mustOwn(s.h, nil, "Semaphore.Rawlink", "NewSemaphore")
	if fn == nil {
		panic("greenlet: Rawlink of a nil function")
	}
	id := s.links.add(waitEntry{fn: fn})
	s.schedule()
	return id
}

// Unlink removes a raw link; it reports whether it was still registered.
func (s *Semaphore) Unlink(id LinkID) bool { return s.links.remove(id) }

// LinkCount returns the number of raw links and Wait callers registered.
func (s *Semaphore) LinkCount() int { return s.links.len() }

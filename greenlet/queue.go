package greenlet

import (
	"errors"
	"math"
	"time"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

var (
	// ErrEmpty is returned by a Get or Peek that finds no item: without
	// block, or when its own timeout passes (gevent's queue.Empty).
	ErrEmpty = errors.New("greenlet: queue empty")
	// ErrFull is returned by a Put that finds no room (gevent's queue.Full).
	ErrFull = errors.New("greenlet: queue full")
	// ErrShutDown is returned by Put after Shutdown, and by Get once a
	// shut-down queue is empty (immediately after Shutdown(true)).
	ErrShutDown = errors.New("greenlet: queue shut down")
	// ErrTaskDone is returned by TaskDone called more times than items were
	// put.
	ErrTaskDone = errors.New("greenlet: TaskDone called too many times")
)

// Unbounded, as a queue's maxsize, means no bound.
const Unbounded = 0

type queueKind uint8

const (
	fifoQueue queueKind = iota
	lifoQueue
	priorityQueue
)

// A Queue is a queue of items of type T between the greenlets of one hub
// (gevent's Queue, which since 25.4.1 is joinable; also LifoQueue and
// PriorityQueue through NewLifoQueue and NewPriorityQueue).
//
// Getters and putters wait FIFO. A Put with a getter waiting, or a Get with
// a putter waiting, does not switch: it schedules one unlock callback per
// queue, which hands out the items and free slots to the waiters in order
// (batched: one callback however many puts came first). An item or slot so
// handed to a waiter is reserved for it, so a later caller cannot take it.
//
// The zero Queue is not usable (its methods panic); create one with
// NewQueue, NewLifoQueue or NewPriorityQueue. Only greenlets and callbacks
// of the queue's hub may use it: a call naming a greenlet of another hub
// panics before it has any effect.
type Queue[T any] struct {
	h       *sched.Hub
	kind    queueKind
	maxsize int // Unbounded (0) or the bound
	less    func(a, b T) bool
	items   deque[T] // fifo and lifo
	heap    []T      // priority

	getters   waitList  // Get and Peek callers; a popped Get holds a reserved item
	putters   waitList  // blocked Put callers; a popped one holds a reserved slot
	resvGet   int       // items reserved for woken getters
	resvPut   int       // slots reserved for woken putters
	unlocking bool      // the unlock callback is queued
	unlockFn  func(any) // unlockQueue[T], made once: a generic func value allocates

	unfinished int
	allDone    *Event // set while unfinished == 0

	shut      bool
	getShutAt LinkID // getters with ids above it were woken by Shutdown
	putShutAt LinkID
}

// NewQueue returns a FIFO queue holding at most maxsize items (Unbounded:
// no bound). maxsize < 0 panics.
func NewQueue[T any](h *hub.Hub, maxsize int) *Queue[T] {
	return newQueue[T](schedOf(h), maxsize, fifoQueue, nil)
}

// NewLifoQueue returns a last-in first-out queue (gevent's LifoQueue).
func NewLifoQueue[T any](h *hub.Hub, maxsize int) *Queue[T] {
	return newQueue[T](schedOf(h), maxsize, lifoQueue, nil)
}

// NewPriorityQueue returns a queue that gives out the least item first by
// less (gevent's PriorityQueue; equal items come out in no set order).
func NewPriorityQueue[T any](h *hub.Hub, maxsize int, less func(a, b T) bool) *Queue[T] {
	if less == nil {
		panic("greenlet: NewPriorityQueue with a nil less function")
	}
	return newQueue(schedOf(h), maxsize, priorityQueue, less)
}

func newQueue[T any](h *sched.Hub, maxsize int, kind queueKind, less func(a, b T) bool) *Queue[T] {
	if h == nil {
		panic("greenlet: NewQueue: nil hub")
	}
	if maxsize < 0 {
		panic("greenlet: NewQueue: negative maxsize (use Unbounded)")
	}
	q := &Queue[T]{h: h, kind: kind, maxsize: maxsize, less: less, getShutAt: math.MaxUint64, putShutAt: math.MaxUint64}
	q.unlockFn = unlockQueue[T]
	q.allDone = newEvent(h)
	q.allDone.Set()
	return q
}

// Len returns the number of items in the queue (gevent's qsize), including
// those already handed to a getter that has not run yet.
func (q *Queue[T]) Len() int {
	if q.kind == priorityQueue {
		return len(q.heap)
	}
	return q.items.len()
}

// MaxSize returns the bound, or Unbounded.
func (q *Queue[T]) MaxSize() int { return q.maxsize }

// Empty reports whether no item is available to a new Get.
func (q *Queue[T]) Empty() bool { return q.Len()-q.resvGet <= 0 }

// Full reports whether a new Put would wait.
func (q *Queue[T]) Full() bool { return !q.room() }

// Unfinished returns the number of items put and not yet marked TaskDone.
func (q *Queue[T]) Unfinished() int { return q.unfinished }

func (q *Queue[T]) room() bool {
	return q.maxsize == Unbounded || q.Len()+q.resvPut < q.maxsize
}

func (q *Queue[T]) push(v T) {
	q.unfinished++
	if q.unfinished == 1 {
		q.allDone.Clear()
	}
	switch q.kind {
	case priorityQueue:
		q.heap = append(q.heap, v)
		q.up(len(q.heap) - 1)
	default:
		q.items.pushBack(v)
	}
}

func (q *Queue[T]) pop() T {
	switch q.kind {
	case lifoQueue:
		return q.items.popBack()
	case priorityQueue:
		var zero T
		n := len(q.heap) - 1
		v := q.heap[0]
		q.heap[0] = q.heap[n]
		q.heap[n] = zero
		q.heap = q.heap[:n]
		q.down(0)
		return v
	}
	return q.items.popFront()
}

func (q *Queue[T]) peek() T {
	switch q.kind {
	case lifoQueue:
		return *q.items.at(q.items.len() - 1)
	case priorityQueue:
		return q.heap[0]
	}
	return *q.items.at(0)
}

func (q *Queue[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(q.heap[i], q.heap[p]) {
			return
		}
		q.heap[i], q.heap[p] = q.heap[p], q.heap[i]
		i = p
	}
}

func (q *Queue[T]) down(i int) {
	n := len(q.heap)
	for {
		m, l, r := i, 2*i+1, 2*i+2
		if l < n && q.less(q.heap[l], q.heap[m]) {
			m = l
		}
		if r < n && q.less(q.heap[r], q.heap[m]) {
			m = r
		}
		if m == i {
			return
		}
		q.heap[i], q.heap[m] = q.heap[m], q.heap[i]
		i = m
	}
}

func (q *Queue[T]) scheduleUnlock() {
	if !q.unlocking {
		q.unlocking = true
		q.h.RunCallbackArg(q.unlockFn, q)
	}
}

// unlockQueue runs in the hub: it hands available items to the waiting
// getters and free slots to the waiting putters, FIFO, reserving each for
// the greenlet it wakes. A Peek caller is woken without a reservation.
func unlockQueue[T any](a any) {
	q := a.(*Queue[T])
	q.unlocking = false
	for q.getters.len() > 0 && q.Len()-q.resvGet > 0 {
		e := q.getters.pop()
		if !e.peek {
			q.resvGet++
		}
		q.h.Wake(e.tok)
	}
	for q.putters.len() > 0 && q.room() {
		e := q.putters.pop()
		q.resvPut++
		q.h.Wake(e.tok)
	}
	if q.shut && q.Len()-q.resvGet <= 0 {
		q.shutGetters()
	}
}

// shutGetters wakes every waiting getter of a shut-down queue with no item
// left for them; they return ErrShutDown. Once it has run no getter waits
// again (no item can arrive), so one threshold id tells them apart from
// the getters granted an item earlier.
func (q *Queue[T]) shutGetters() {
	if q.getters.len() == 0 {
		return
	}
	q.getShutAt = min(q.getShutAt, q.getters.popped)
	for q.getters.len() > 0 {
		e := q.getters.pop()
		q.h.Wake(e.tok)
	}
}

// Put adds v. If the queue is full it fails with ErrFull without block, or
// waits (block) up to timeout for a slot and then fails with ErrFull. After
// Shutdown it fails with ErrShutDown. A waiting getter is woken through the
// queue's unlock callback: Put itself never switches when there is room.
// Another error is one delivered to cur while it waited; v was not put.
func (q *Queue[T]) Put(cur *Greenlet, v T, block bool, timeout time.Duration) error {
	mustOwn(q.h, cur, "Queue.Put", "NewQueue")
	if q.shut {
		return ErrShutDown
	}
	if q.putters.len() == 0 && q.room() {
		q.push(v)
		if q.getters.len() > 0 {
			q.scheduleUnlock()
		}
		return nil
	}
	if !block {
		return ErrFull
	}
	if err := cur.check("Queue.Put", nil); err != nil {
		return err
	}
	id := q.putters.add(wakerOf(cur))
	if q.room() {
		q.scheduleUnlock()
	}
	granted, err := parkIn(cur, &q.putters, id, "greenlet: Queue.Put", timeout)
	if granted && id > q.putShutAt {
		if err != nil {
			return err // a kill is never swallowed
		}
		return ErrShutDown
	}
	if granted {
		q.resvPut--
		if err != nil {
			q.scheduleUnlock() // the slot goes to the next putter
			return err
		}
		q.push(v)
		if q.getters.len() > 0 {
			q.scheduleUnlock()
		}
		return nil
	}
	if err != nil {
		return err
	}
	return ErrFull
}

// PutNowait is Put without blocking.
func (q *Queue[T]) PutNowait(v T) error { return q.Put(nil, v, false, 0) }

// Get removes and returns an item. If none is available it fails with
// ErrEmpty without block, or waits (block) up to timeout and then fails
// with ErrEmpty. On a shut-down queue it fails with ErrShutDown once no
// item is left (at once after Shutdown(true)). A waiting putter is woken
// through the unlock callback. Another error is one delivered to cur while
// it waited; no item was taken.
func (q *Queue[T]) Get(cur *Greenlet, block bool, timeout time.Duration) (T, error) {
	mustOwn(q.h, cur, "Queue.Get", "NewQueue")
	var zero T
	if q.getters.len() == 0 && q.Len()-q.resvGet > 0 {
		v := q.pop()
		if q.putters.len() > 0 {
			q.scheduleUnlock()
		}
		return v, nil
	}
	if q.shut {
		return zero, ErrShutDown
	}
	if !block {
		return zero, ErrEmpty
	}
	if err := cur.check("Queue.Get", nil); err != nil {
		return zero, err
	}
	id := q.getters.add(wakerOf(cur))
	if q.Len()-q.resvGet > 0 {
		q.scheduleUnlock()
	}
	granted, err := parkIn(cur, &q.getters, id, "greenlet: Queue.Get", timeout)
	if granted && id > q.getShutAt {
		if err != nil {
			return zero, err
		}
		return zero, ErrShutDown
	}
	if granted {
		q.resvGet--
		if err != nil {
			q.scheduleUnlock() // the item goes to the next getter
			return zero, err
		}
		v := q.pop()
		if q.putters.len() > 0 {
			q.scheduleUnlock()
		}
		return v, nil
	}
	if err != nil {
		return zero, err
	}
	return zero, ErrEmpty
}

// GetNowait is Get without blocking.
func (q *Queue[T]) GetNowait() (T, error) { return q.Get(nil, false, 0) }

// Peek returns the item Get would return, without removing it, waiting for
// one like Get does (in the main greenlet, waiting forever on a queue no one
// will fill ends in LoopExit).
func (q *Queue[T]) Peek(cur *Greenlet, block bool, timeout time.Duration) (T, error) {
	mustOwn(q.h, cur, "Queue.Peek", "NewQueue")
	var zero T
	for {
		if q.Len()-q.resvGet > 0 {
			return q.peek(), nil
		}
		if q.shut {
			return zero, ErrShutDown
		}
		if !block {
			return zero, ErrEmpty
		}
		if err := cur.check("Queue.Peek", nil); err != nil {
			return zero, err
		}
		e := wakerOf(cur)
		e.peek = true
		id := q.getters.add(e)
		woken, err := parkIn(cur, &q.getters, id, "greenlet: Queue.Peek", timeout)
		if err != nil {
			return zero, err
		}
		if !woken {
			return zero, ErrEmpty
		}
		if id > q.getShutAt {
			return zero, ErrShutDown
		}
		// Items may have gone to getters queued ahead: wait on, with the
		// whole timeout again (rare; gevent does the same).
	}
}

// PeekNowait is Peek without blocking.
func (q *Queue[T]) PeekNowait() (T, error) { return q.Peek(nil, false, 0) }

// TaskDone marks one item put earlier as processed (gevent's task_done);
// when every item is, Join returns. It returns ErrTaskDone if called more
// times than items were put.
func (q *Queue[T]) TaskDone() error {
	mustOwn(q.h, nil, "Queue.TaskDone", "NewQueue")
	if q.unfinished <= 0 {
		return ErrTaskDone
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.allDone.Set()
	}
	return nil
}

// Join waits until every item put has been marked with TaskDone, or timeout
// passes; it reports which. It returns at once, without switching, when
// nothing is unfinished.
func (q *Queue[T]) Join(cur *Greenlet, timeout time.Duration) (bool, error) {
	mustOwn(q.h, cur, "Queue.Join", "NewQueue")
	if q.unfinished == 0 {
		return true, nil
	}
	return q.allDone.Wait(cur, timeout)
}

// Shutdown stops the queue (gevent's shutdown, Python 3.13's): Put fails
// with ErrShutDown from now on, and every waiting putter is woken with it.
// With immediate, the items are dropped (counted as done, so Join returns)
// and every waiting getter gets ErrShutDown; otherwise getters keep taking
// the remaining items and get ErrShutDown once the queue is empty. Calling
// it again may make a plain shutdown immediate.
func (q *Queue[T]) Shutdown(immediate bool) {
	mustOwn(q.h, nil, "Queue.Shutdown", "NewQueue")
	q.shut = true
	if immediate {
		n := q.Len() - q.resvGet
		for range n {
			if q.kind == priorityQueue {
				q.pop()
			} else {
				q.items.popBack()
			}
		}
		q.unfinished = max(q.unfinished-n, 0)
		if q.unfinished == 0 {
			q.allDone.Set()
		}
	}
	if q.Len()-q.resvGet <= 0 {
		q.shutGetters()
	}
	q.putShutAt = q.putters.popped
	for q.putters.len() > 0 {
		e := q.putters.pop()
		q.h.Wake(e.tok)
	}
}

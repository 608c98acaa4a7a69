package greenlet

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

var (
	// ErrEmpty is returned by a Get or Peek that finds no item: GetNowait,
	// PeekNowait, or GetTimeout and PeekTimeout when d passes (gevent's
	// queue.Empty).
	ErrEmpty = errors.New("greenlet: queue empty")
	// ErrFull is returned by a Put that finds no room: PutNowait, or
	// PutTimeout when d passes (gevent's queue.Full).
	ErrFull = errors.New("greenlet: queue full")
	// ErrShutDown is returned by Put after Shutdown, and by Get once a
	// shut-down queue is empty (immediately after ShutdownNow).
	ErrShutDown = errors.New("greenlet: queue shut down")
	// ErrTaskDone is returned by TaskDone called more times than items were
	// put.
	ErrTaskDone = errors.New("greenlet: TaskDone called too many times")
)

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
	maxsize int // the bound, or 0 for none
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

// A QueueOption configures a queue at creation (NewQueue, NewLifoQueue,
// NewPriorityQueue). The zero QueueOption changes nothing.
type QueueOption struct {
	maxsize int // 0: not given
}

// MaxSize bounds a queue to n items: a Put on a full queue waits for room
// (gevent's maxsize). n must be at least 1, else MaxSize panics; a queue
// created without MaxSize is unbounded. A queue of size zero, where a put
// waits for a getter, is a Channel.
func MaxSize(n int) QueueOption {
	if n < 1 {
		panic(fmt.Sprintf("greenlet: MaxSize(%d): a queue bound must be at least 1 (leave MaxSize out for no bound; a Channel has none)", n))
	}
	return QueueOption{maxsize: n}
}

// NewQueue returns a FIFO queue, unbounded unless opts hold MaxSize.
func NewQueue[T any](h *hub.Hub, opts ...QueueOption) *Queue[T] {
	return newQueue[T](schedOf(h), "NewQueue", opts, fifoQueue, nil)
}

// NewLifoQueue returns a last-in first-out queue (gevent's LifoQueue),
// unbounded unless opts hold MaxSize.
func NewLifoQueue[T any](h *hub.Hub, opts ...QueueOption) *Queue[T] {
	return newQueue[T](schedOf(h), "NewLifoQueue", opts, lifoQueue, nil)
}

// NewPriorityQueue returns a queue that gives out the least item first by
// less (gevent's PriorityQueue; equal items come out in no set order),
// unbounded unless opts hold MaxSize. A nil less panics.
func NewPriorityQueue[T any](h *hub.Hub, less func(a, b T) bool, opts ...QueueOption) *Queue[T] {
	if less == nil {
		panic("greenlet: NewPriorityQueue with a nil less function")
	}
	return newQueue(schedOf(h), "NewPriorityQueue", opts, priorityQueue, less)
}

func newQueue[T any](h *sched.Hub, ctor string, opts []QueueOption, kind queueKind, less func(a, b T) bool) *Queue[T] {
	if h == nil {
		panic("greenlet: " + ctor + ": nil hub")
	}
	maxsize := 0
	for _, o := range opts {
		if o.maxsize != 0 {
			maxsize = o.maxsize
		}
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

// MaxSize returns the queue's bound n, with bounded true, or (0, false)
// for a queue created without MaxSize.
func (q *Queue[T]) MaxSize() (n int, bounded bool) { return q.maxsize, q.maxsize > 0 }

// Empty reports whether no item is available to a new Get.
func (q *Queue[T]) Empty() bool { return q.Len()-q.resvGet <= 0 }

// Full reports whether a new Put would wait.
func (q *Queue[T]) Full() bool { return !q.room() }

// Unfinished returns the number of items put and not yet marked TaskDone.
func (q *Queue[T]) Unfinished() int { return q.unfinished }

func (q *Queue[T]) room() bool {
	return q.maxsize == 0 || q.Len()+q.resvPut < q.maxsize
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

// Put adds v, waiting for room while the queue is full. After Shutdown it
// fails with ErrShutDown. A waiting getter is woken through the queue's
// unlock callback: Put itself never switches when there is room. Another
// error is one delivered to cur while it waited (a kill, a Timeout); v was
// not put then.
func (q *Queue[T]) Put(cur *Greenlet, v T) error {
	mustCaller(cur, "Queue.Put")
	return q.put(cur, v, true, forever, "Queue.Put")
}

// PutTimeout is Put that waits at most d for room, then fails with ErrFull
// (d <= 0: it gives up at the next loop iteration).
func (q *Queue[T]) PutTimeout(cur *Greenlet, v T, d time.Duration) error {
	mustCaller(cur, "Queue.PutTimeout")
	return q.put(cur, v, true, d, "Queue.PutTimeout")
}

// PutNowait is Put without waiting: a full queue fails with ErrFull. It
// never switches, so hub callbacks may call it.
func (q *Queue[T]) PutNowait(v T) error { return q.put(nil, v, false, 0, "Queue.PutNowait") }

func (q *Queue[T]) put(cur *Greenlet, v T, block bool, timeout time.Duration, op string) error {
	mustOwn(q.h, cur, op, "NewQueue")
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
	if err := cur.check(op, nil); err != nil {
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

// Get removes and returns an item, waiting for one while the queue is
// empty. On a shut-down queue it fails with ErrShutDown once no item is
// left (at once after ShutdownNow). A waiting putter is woken through the
// unlock callback. Another error is one delivered to cur while it waited (a
// kill, a Timeout); no item was taken then.
func (q *Queue[T]) Get(cur *Greenlet) (T, error) {
	mustCaller(cur, "Queue.Get")
	return q.get(cur, true, forever, "Queue.Get")
}

// GetTimeout is Get that waits at most d for an item, then fails with
// ErrEmpty (d <= 0: it gives up at the next loop iteration).
func (q *Queue[T]) GetTimeout(cur *Greenlet, d time.Duration) (T, error) {
	mustCaller(cur, "Queue.GetTimeout")
	return q.get(cur, true, d, "Queue.GetTimeout")
}

// GetNowait is Get without waiting: an empty queue fails with ErrEmpty. It
// never switches, so hub callbacks may call it.
func (q *Queue[T]) GetNowait() (T, error) { return q.get(nil, false, 0, "Queue.GetNowait") }

func (q *Queue[T]) get(cur *Greenlet, block bool, timeout time.Duration, op string) (T, error) {
	mustOwn(q.h, cur, op, "NewQueue")
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
	if err := cur.check(op, nil); err != nil {
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

// Peek returns the item Get would return, without removing it, waiting for
// one like Get does (in the main greenlet, waiting on a queue no one will
// fill ends in LoopExit).
func (q *Queue[T]) Peek(cur *Greenlet) (T, error) {
	mustCaller(cur, "Queue.Peek")
	return q.peekWait(cur, true, forever, "Queue.Peek")
}

// PeekTimeout is Peek that waits at most d for an item, then fails with
// ErrEmpty (d <= 0: it gives up at the next loop iteration).
func (q *Queue[T]) PeekTimeout(cur *Greenlet, d time.Duration) (T, error) {
	mustCaller(cur, "Queue.PeekTimeout")
	return q.peekWait(cur, true, d, "Queue.PeekTimeout")
}

// PeekNowait is Peek without waiting: an empty queue fails with ErrEmpty.
func (q *Queue[T]) PeekNowait() (T, error) { return q.peekWait(nil, false, 0, "Queue.PeekNowait") }

func (q *Queue[T]) peekWait(cur *Greenlet, block bool, timeout time.Duration, op string) (T, error) {
	mustOwn(q.h, cur, op, "NewQueue")
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
		if err := cur.check(op, nil); err != nil {
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

// Join waits until every item put has been marked with TaskDone (gevent's
// join). It returns at once, without switching, when nothing is
// unfinished. Its error is one delivered to cur while it waited.
func (q *Queue[T]) Join(cur *Greenlet) error {
	mustCaller(cur, "Queue.Join")
	mustOwn(q.h, cur, "Queue.Join", "NewQueue")
	if q.unfinished == 0 {
		return nil
	}
	return q.allDone.Wait(cur)
}

// JoinTimeout is Join that waits at most d; it reports whether every item
// was done (d <= 0: it gives up at the next loop iteration).
func (q *Queue[T]) JoinTimeout(cur *Greenlet, d time.Duration) (bool, error) {
	mustCaller(cur, "Queue.JoinTimeout")
	mustOwn(q.h, cur, "Queue.JoinTimeout", "NewQueue")
	if q.unfinished == 0 {
		return true, nil
	}
	return q.allDone.WaitTimeout(cur, d)
}

// Shutdown stops the queue (gevent's shutdown, Python 3.13's): Put fails
// with ErrShutDown from now on, and every waiting putter is woken with it.
// Getters keep taking the remaining items and get ErrShutDown once the
// queue is empty. It never switches; calling it again is harmless.
func (q *Queue[T]) Shutdown() {
	mustOwn(q.h, nil, "Queue.Shutdown", "NewQueue")
	q.shutdown(false)
}

// ShutdownNow is Shutdown that also drops the items left (counted as done,
// so Join returns) and fails every waiting getter with ErrShutDown at once
// (gevent's shutdown(immediate=True)). It may follow a Shutdown.
func (q *Queue[T]) ShutdownNow() {
	mustOwn(q.h, nil, "Queue.ShutdownNow", "NewQueue")
	q.shutdown(true)
}

func (q *Queue[T]) shutdown(immediate bool) {
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

package greenlet

import (
	"fmt"
	"sort"
	"time"

	"github.com/gevent-go/gevent/internal/sched"
)

// deque is a FIFO/LIFO ring buffer that grows by doubling and never
// shrinks, so a steady producer/consumer pair allocates nothing. The zero
// deque is empty and ready.
type deque[T any] struct {
	buf  []T
	head int
	n    int
}

func (d *deque[T]) len() int { return d.n }

func (d *deque[T]) grow() {
	size := 2 * len(d.buf)
	if size == 0 {
		size = 4
	}
	nb := make([]T, size)
	k := copy(nb, d.buf[d.head:])
	copy(nb[k:], d.buf[:d.head])
	d.buf, d.head = nb, 0
}

func (d *deque[T]) pushBack(v T) {
	if d.n == len(d.buf) {
		d.grow()
	}
	d.buf[(d.head+d.n)&(len(d.buf)-1)] = v
	d.n++
}

// at returns a pointer to the i-th element from the front.
func (d *deque[T]) at(i int) *T { return &d.buf[(d.head+i)&(len(d.buf)-1)] }

func (d *deque[T]) popFront() T {
	var zero T
	v := d.buf[d.head]
	d.buf[d.head] = zero
	d.head = (d.head + 1) & (len(d.buf) - 1)
	d.n--
	return v
}

func (d *deque[T]) popBack() T {
	var zero T
	p := d.at(d.n - 1)
	v := *p
	*p = zero
	d.n--
	return v
}

func (d *deque[T]) clear() {
	clear(d.buf)
	d.head, d.n = 0, 0
}

// A waitEntry is one registration on a waitList: a parked greenlet (fn nil),
// or a raw link called in the hub (fn set).
type waitEntry struct {
	id   LinkID
	tok  sched.Token
	fn   func()
	peek bool // a waiter that wants to be told, not granted (Peek, WaitAvailable)
	dead bool // removed by its owner; dropped when it reaches an end
}

// A waitList is the FIFO of greenlets and raw links waiting on one object
// (gevent's AbstractLinkable links deque). Entries get increasing ids and
// are only ever popped from the front by the object's notifier, so "was I
// notified" is id <= popped: no per-waiter allocation, no flag to clear.
//
// A waiter that gives up (timeout, kill) or Unlink marks its entry dead
// instead of shifting the ones behind it: the ids stay sorted, so the entry
// is found by binary search, dead entries are dropped when they reach
// either end, and the list is compacted once most of it is dead. Removing
// every one of n waiters, in any order, thus costs O(n log n), not O(n²).
// Invariant: the back entry is live; pop and front skip dead ones at the
// front.
type waitList struct {
	q      deque[waitEntry]
	live   int    // entries not dead
	seq    LinkID // last id given out
	popped LinkID // id of the last entry popped by the notifier
}

func (l *waitList) len() int { return l.live }

func (l *waitList) add(e waitEntry) LinkID {
	l.seq++
	e.id = l.seq
	l.q.pushBack(e)
	l.live++
	return e.id
}

// front returns the first live entry (there must be one), dropping the
// dead ones before it.
func (l *waitList) front() *waitEntry {
	d := &l.q
	for d.buf[d.head].dead {
		d.buf[d.head] = waitEntry{}
		d.head = (d.head + 1) & (len(d.buf) - 1)
		d.n--
	}
	return &d.buf[d.head]
}

// pop removes the first live entry (there must be one) for notification,
// and the dead ones before it. It is written out to stay small enough to
// be inlined into the notifiers.
func (l *waitList) pop() (e waitEntry) {
	d := &l.q
	for {
		e = d.buf[d.head]
		d.buf[d.head] = waitEntry{}
		d.head = (d.head + 1) & (len(d.buf) - 1)
		d.n--
		if !e.dead {
			break
		}
	}
	l.popped = e.id
	l.live--
	return e
}

func (l *waitList) dropDeadFront() {
	for l.q.n > 0 && l.q.at(0).dead {
		l.q.popFront()
	}
}

// notified reports whether the entry id left the list through pop (an
// entry's owner removes it only when it stops waiting).
func (l *waitList) notified(id LinkID) bool { return id <= l.popped }

// find returns the live entry id, or nil.
func (l *waitList) find(id LinkID) *waitEntry {
	lo := sort.Search(l.q.n, func(i int) bool { return l.q.at(i).id >= id })
	if lo < l.q.n {
		if e := l.q.at(lo); e.id == id && !e.dead {
			return e
		}
	}
	return nil
}

// remove takes the entry id out of the list; it reports whether it was
// there.
func (l *waitList) remove(id LinkID) bool {
	e := l.find(id)
	if e == nil {
		return false
	}
	*e = waitEntry{id: id, dead: true}
	l.live--
	l.dropDeadFront()
	for l.q.n > 0 && l.q.at(l.q.n-1).dead {
		l.q.popBack()
	}
	if dead := l.q.n - l.live; dead > l.live && dead >= 32 {
		l.compact()
	}
	return true
}

// compact drops the dead entries, keeping the order of the live ones. It
// runs only once the dead outnumber the live, so its cost is paid for by
// the removals that made them.
func (l *waitList) compact() {
	j := 0
	for i := 0; i < l.q.n; i++ {
		if e := l.q.at(i); !e.dead {
			*l.q.at(j) = *e
			j++
		}
	}
	for i := j; i < l.q.n; i++ {
		*l.q.at(i) = waitEntry{}
	}
	l.q.n = j
}

// retoken updates the wake token of a waiter that was resumed by a stale
// wake-up and parks again.
func (l *waitList) retoken(id LinkID, tok sched.Token) {
	if e := l.find(id); e != nil {
		e.tok = tok
	}
}

// fire runs a popped entry in the hub: a greenlet is woken through a FIFO
// hub callback, a raw link is called with its panic reported as a failure
// of "link of <type> at <address>" (what is the object linked to; its
// fields are not printed).
func fire(h *sched.Hub, e *waitEntry, what any) {
	if e.fn == nil {
		h.Wake(e.tok)
		return
	}
	defer func() {
		if r := recover(); r != nil {
			h.HandleError(fmt.Sprintf("link of %T at %p", what, what), sched.NewPanicError(r))
		}
	}()
	e.fn()
}

// parkIn parks cur, whose entry id is already in l, until the entry is
// popped by the notifier (true, nil), the timeout passes (false, nil; the
// entry is removed), or an error is delivered to cur (the entry is removed
// if still there; notified says whether it had been popped, so that a
// caller holding a grant can give it back). It uses cur's own timer, so a
// timed wait allocates nothing.
func parkIn(cur *Greenlet, l *waitList, id LinkID, op string, timeout time.Duration) (notified bool, err error) {
	pt := armTimer(cur, timeout)
	for {
		err := cur.raw.ParkFor(op)
		if l.notified(id) {
			pt.Stop()
			return true, err
		}
		if err != nil || pt.Expired() {
			l.remove(id)
			pt.Stop()
			return false, err
		}
		// A wake-up for an older park of cur: take new tokens, wait on.
		l.retoken(id, cur.raw.Token())
		pt.Rewake()
	}
}

// armTimer returns the timeout of a wait of cur (see sched.ParkTimer): cur's
// own timer armed for timeout, or none for forever.
func armTimer(cur *Greenlet, timeout time.Duration) sched.ParkTimer {
	if timeout == forever {
		return sched.ParkTimer{}
	}
	return cur.raw.ArmParkTimer(timeout)
}

// wakerOf returns the entry that parks cur.
func wakerOf(cur *Greenlet) waitEntry { return waitEntry{tok: cur.raw.Token()} }

package sched

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// timerHeap is the timer queue of the pure-Go loops (real and virtual
// clock): a 4-ary min-heap of (deadline, arm order) entries with lazy
// deletion.
//
// Lazy deletion: an entry does not know its place in the heap and nothing
// maps an id to it. Each id instead records the arm number (seq) of its one
// live entry; Cancel and a re-Arm only change that record, and an entry
// whose seq no longer matches is stale and dropped when it reaches the top.
// So a sift moves 16-byte entries and writes nothing else, where a heap
// with a position index writes a random cache line per level. Stale entries
// are swept out whenever they outnumber the live ones, so the heap never
// holds more than about twice the armed timers and the sweeps cost O(1) per
// cancellation, amortised. While the heap holds no stale entry, which is
// the rule in a simulation, nothing reads an id's record when it fires: at a
// hundred thousand timers that record is a cache miss.
//
// The seq also orders equal deadlines: first armed, first fired (the
// Loop.Arm contract).
//
// A fired entry is left at the top (topDead) instead of being popped at
// once: a process that fires and re-arms, which is what every sleep in a
// loop does, then costs one sift-down of the new entry from the root, not a
// pop and a push. Arm itself only queues the entry (in); the sifts happen
// when the loop next looks at the heap, on the hub's stack (see flush).
//
// A 4-ary heap is shallower than a binary one (log4 n levels), and its four
// children share a cache line when they are aligned to one: the root sits
// at index heapRoot, after padding entries, so that the children of i,
// 4i-8 to 4i-5, start on a 64-byte boundary of the array (Go's allocator
// puts arrays of a kilobyte and more on such boundaries). A sift then
// misses once per level, which keeps it flat up to a million timers.
type timerHeap struct {
	heap    []timerEntry // padding, then the heap from heapRoot
	in      []timerEntry // armed, not in heap yet (see flush)
	seqOf   []uint32     // id -> seq of its live entry; 0: not armed
	seq     uint32       // the last seq given; never 0
	live    int          // armed ids: the live entries
	stale   int          // the other entries
	topDead bool         // the root is stale: flush may overwrite it
}

// timerEntry is 16 bytes, four to a cache line.
type timerEntry struct {
	deadline int64
	seq      uint32
	id       uint32
}

// before is the heap order: deadline, then arm order.
func (a *timerEntry) before(b *timerEntry) bool {
	return a.deadline < b.deadline || a.deadline == b.deadline && a.seq < b.seq
}

// minOf returns whichever of i and j holds the earlier entry of h,
// without a branch for the compiler to mispredict: in a heap of random
// deadlines every such choice is a coin toss.
func minOf(h []timerEntry, i, j int) int {
	a, b := &h[i], &h[j]
	lt := b2i(b.deadline < a.deadline) | b2i(b.deadline == a.deadline)&b2i(b.seq < a.seq)
	return i + (j-i)*lt
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// heapRoot is the index of the root in timerHeap.heap.
const heapRoot = 3

// parent is the index of the parent of i > heapRoot.
func parent(i int) int { return i/4 + 2 }

// firstChild is the index of the first of the children of i.
func firstChild(i int) int { return 4*i - 8 }

// size is the number of entries, stale ones included.
func (q *timerHeap) size() int { return max(len(q.heap)-heapRoot, 0) }

// maxTimerID bounds the ids a timerHeap takes: they are stored in 32 bits.
// The hub hands out dense slot ids, one per armed timer, so reaching it
// would take four billion timers armed at once.
const maxTimerID = math.MaxUint32

// Arm is Loop.Arm. It runs on the arming greenlet's stack, so it keeps a
// small frame: the rare work is in armRare, the sift in flush.
func (q *timerHeap) Arm(id uint64, deadline int64) {
	if id >= uint64(len(q.seqOf)) || q.seq == math.MaxUint32 || len(q.in) == cap(q.in) {
		q.armRare(id)
	}
	q.seq++
	if q.seqOf[id] == 0 {
		q.live++
	} else {
		q.stale++ // its entry moves
	}
	q.seqOf[id] = q.seq
	q.in = q.in[:len(q.in)+1]
	q.in[len(q.in)-1] = timerEntry{deadline, q.seq, uint32(id)}
	if q.stale > q.live && q.stale > 64 {
		q.sweep()
	}
}

func panicTimerID(id uint64) {
	panic(fmt.Sprintf("hub: timer id %d does not fit the pure-Go loop's 32-bit ids", id))
}

// armRare makes room for Arm(id): it checks id, grows the arrays and
// renumbers an exhausted seq counter.
//
//go:noinline
func (q *timerHeap) armRare(id uint64) {
	if id > maxTimerID {
		panicTimerID(id)
	}
	if id >= uint64(len(q.seqOf)) {
		// to the full capacity: the next ids need no call here
		q.seqOf = slices.Grow(q.seqOf, int(id)+1-len(q.seqOf))
		q.seqOf = q.seqOf[:cap(q.seqOf)]
	}
	if q.seq == math.MaxUint32 {
		q.renumber()
	}
	if len(q.in) == cap(q.in) {
		q.in = slices.Grow(q.in, max(8, len(q.in)))
	}
}

// flush moves the entries armed since the last look into the heap. Arm
// only queues them, so that the sift runs on the hub's stack rather than on
// the stack of the greenlet that armed its timer: a deep call there grows
// every greenlet's stack.
func (q *timerHeap) flush() {
	for i := range q.in {
		e := q.in[i]
		if !q.isLive(&e) {
			q.stale--
			continue
		}
		if q.topDead {
			q.topDead = false
			q.stale--
			q.replaceTop(e)
			continue
		}
		if len(q.heap) < heapRoot {
			q.heap = append(q.heap[:0], make([]timerEntry, heapRoot)...)
		}
		q.heap = append(q.heap, e)
		q.up(len(q.heap)-1, e)
	}
	q.in = q.in[:0]
}

// Cancel is Loop.Cancel.
func (q *timerHeap) Cancel(id uint64) {
	if id >= uint64(len(q.seqOf)) || q.seqOf[id] == 0 {
		return
	}
	seq := q.seqOf[id]
	q.seqOf[id] = 0
	q.live--
	// The entry is often the last one queued or in the heap (a timeout
	// armed and cancelled before it could come near the top): then it
	// goes at once, which keeps the heap order, rather than going stale.
	if n := len(q.in); n > 0 && q.in[n-1].seq == seq {
		q.in = q.in[:n-1]
		return
	}
	if n := len(q.heap); n > heapRoot && q.heap[n-1].seq == seq {
		q.heap = q.heap[:n-1]
		return
	}
	q.stale++
	q.sweepIfStale()
}

// isLive reports whether e is the live entry of its id.
func (q *timerHeap) isLive(e *timerEntry) bool { return q.stale == 0 || q.seqOf[e.id] == e.seq }

// first returns the earliest live entry's deadline, dropping the stale
// entries above it; ok is false when no timer is armed.
func (q *timerHeap) first() (deadline int64, ok bool) {
	if len(q.in) > 0 {
		q.flush()
	}
	for q.size() > 0 {
		if e := &q.heap[heapRoot]; q.isLive(e) {
			return e.deadline, true
		}
		q.popTop()
	}
	return 0, false
}

// popDue appends the ids of the live entries due at now (deadline <= now)
// to fired, earliest first, and disarms them.
func (q *timerHeap) popDue(now int64, fired []uint64) []uint64 {
	if len(q.in) > 0 {
		q.flush()
	}
	for q.size() > 0 && q.heap[heapRoot].deadline <= now {
		e := &q.heap[heapRoot]
		if q.isLive(e) {
			fired = append(fired, uint64(e.id))
			q.seqOf[e.id] = 0
			q.live--
			q.stale++
		}
		if q.nextDue(now) {
			q.popTop()
			continue
		}
		// The last one due: leave it for the next Arm to overwrite.
		q.topDead = true
		break
	}
	return fired
}

// nextDue reports whether an entry other than the top is due: the second
// smallest entry of a heap is one of the root's children.
func (q *timerHeap) nextDue(now int64) bool {
	n := min(len(q.heap), heapRoot+5)
	for i := heapRoot + 1; i < n; i++ {
		if q.heap[i].deadline <= now {
			return true
		}
	}
	return false
}

// peekNext returns the id of the entry most likely due next while the root
// is a fired entry left in place (topDead): the earliest of the root's
// children, which only an entry armed before then can overtake. It is a
// guess for prefetching, not an order: the entry may be stale.
func (q *timerHeap) peekNext() (id uint32, ok bool) {
	c, n := firstChild(heapRoot), len(q.heap)
	if !q.topDead || c >= n {
		return 0, false
	}
	m := c
	for k := c + 1; k < min(c+4, n); k++ {
		if q.heap[k].before(&q.heap[m]) {
			m = k
		}
	}
	return q.heap[m].id, true
}

// popTop removes the root, which is stale.
func (q *timerHeap) popTop() {
	q.topDead = false
	q.stale--
	last := len(q.heap) - 1
	e := q.heap[last]
	q.heap = q.heap[:last]
	if last > heapRoot {
		q.replaceTop(e)
	}
}

// replaceTop puts e in place of the root and sifts it down.
func (q *timerHeap) replaceTop(e timerEntry) {
	h := q.heap
	n := len(h)
	i := heapRoot
	for {
		c := firstChild(i)
		if c >= n {
			break
		}
		m := c
		if end := min(c+4, n); end == c+4 {
			// all four children: a branch-free minimum
			m = minOf(h, minOf(h, c, c+1), minOf(h, c+2, c+3))
		} else {
			for k := c + 1; k < end; k++ {
				if h[k].before(&h[m]) {
					m = k
				}
			}
		}
		if !h[m].before(&e) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = e
}

// up places e at index i or above, moving larger parents down.
func (q *timerHeap) up(i int, e timerEntry) {
	h := q.heap
	for i > heapRoot {
		p := parent(i)
		if !e.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

// sweepIfStale drops the stale entries once they outnumber the live ones.
func (q *timerHeap) sweepIfStale() {
	if q.stale > q.live && q.stale > 64 {
		q.sweep()
	}
}

// sweep drops every stale entry and rebuilds the heap.
func (q *timerHeap) sweep() {
	q.flush()
	q.topDead = false
	if q.size() == 0 {
		return
	}
	h := q.heap[:heapRoot]
	for i := heapRoot; i < len(q.heap); i++ {
		if e := &q.heap[i]; q.isLive(e) {
			h = append(h, *e)
		}
	}
	clear(q.heap[len(h):])
	q.heap, q.stale = h, 0
	if len(h) > heapRoot+1 {
		for i := parent(len(h) - 1); i >= heapRoot; i-- {
			q.down(i)
		}
	}
}

// down sifts the entry at i down (heap construction).
func (q *timerHeap) down(i int) {
	h := q.heap
	n := len(h)
	e := h[i]
	for {
		c := firstChild(i)
		if c >= n {
			break
		}
		m := c
		for k := c + 1; k < c+4 && k < n; k++ {
			if h[k].before(&h[m]) {
				m = k
			}
		}
		if !h[m].before(&e) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = e
}

// renumber gives the live entries the seqs 1, 2, ... in their arm order
// when the 32-bit counter is exhausted (after four billion Arms), so that
// seqs keep comparing in arm order. Relative order is kept, so the heap
// stays a heap.
func (q *timerHeap) renumber() {
	q.sweep()
	idx := make([]int32, q.size())
	for i := range idx {
		idx[i] = int32(heapRoot + i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return cmp.Compare(q.heap[a].seq, q.heap[b].seq) })
	for k, i := range idx {
		e := &q.heap[i]
		e.seq = uint32(k + 1)
		q.seqOf[e.id] = e.seq
	}
	q.seq = uint32(len(idx))
}

// reset empties the heap.
func (q *timerHeap) reset() { *q = timerHeap{} }

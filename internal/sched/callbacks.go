package sched

// callback is one entry of the run-callback queue. It is a plain 40-byte
// struct, not a closure or an interface, so that queueing a wake-up or a
// throw allocates nothing and dispatch is a switch on a byte rather than an
// indirect call.
type callback struct {
	g    *G
	seq  uint32
	kind cbKind
	fn   func(any) // cbFunc: fn(arg)
	arg  any       // cbThrow: the error; cbPlain: the func(); cbFunc: the argument
}

type cbKind uint8

const (
	cbWake  cbKind = iota // resume g if still at epoch seq
	cbStart               // launch g
	cbThrow               // deliver arg (an error) to g
	cbPlain               // call arg.(func())
	cbFunc                // call fn(arg)
)

// ring is a FIFO of callbacks in a power-of-two circular buffer that grows
// by doubling and never shrinks.
type ring struct {
	buf  []callback
	head int
	n    int
}

func (r *ring) init() { r.buf = make([]callback, 64) }

func (r *ring) push(c callback) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = c
	r.n++
}

// pushWake is push of a wake-up, writing only the fields a wake-up uses:
// a free slot has no fn or arg (pop and runCallbacks clear every pointer of
// the slots they take), so the entry is not built and copied whole, which
// on the handoff path cost more than the rest of the push.
func (r *ring) pushWake(g *G, seq uint32) {
	if r.n == len(r.buf) {
		r.grow()
	}
	slot := &r.buf[(r.head+r.n)&(len(r.buf)-1)]
	slot.g, slot.seq, slot.kind = g, seq, cbWake
	r.n++
}

// grow doubles the ring; out of line, so that the pushes inline.
//
//go:noinline
func (r *ring) grow() {
	nb := make([]callback, 2*len(r.buf))
	k := copy(nb, r.buf[r.head:])
	copy(nb[k:], r.buf[:r.head])
	r.buf, r.head = nb, 0
}

// ringKeep is the capacity an empty ring shrinks towards.
const ringKeep = 1024

// shrink halves an empty ring larger than ringKeep. A burst (a million
// spawns) grows the ring to its size, and the garbage collector scans the
// whole buffer, used or not, in every cycle after: halving at each time the
// queue drains gives that memory back over a few turns, while a burst that
// comes back regrows by one doubling only.
func (r *ring) shrink() {
	r.buf, r.head = make([]callback, len(r.buf)/2), 0
}

func (r *ring) pop() callback {
	c := r.buf[r.head]
	r.buf[r.head] = callback{}
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	return c
}

func (r *ring) clear() {
	clear(r.buf)
	r.head, r.n = 0, 0
}

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
		nb := make([]callback, 2*len(r.buf))
		k := copy(nb, r.buf[r.head:])
		copy(nb[k:], r.buf[:r.head])
		r.buf, r.head = nb, 0
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = c
	r.n++
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

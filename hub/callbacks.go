package hub

// callback is one entry of the run-callback queue. It is a plain struct, not
// a closure or an interface, so that queueing a wake-up or a throw allocates
// nothing and dispatch is a switch on fields rather than an indirect call.
type callback struct {
	g      *G
	seq    uint32
	start  bool
	err    error     // throw err into g
	fn     func()    // or run fn
	fnArg  func(any) // or run fnArg(arg)
	arg    any
	handle any // context for the error handler
}

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

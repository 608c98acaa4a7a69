package sched

// Post queues fn to run in the hub, from any goroutine (gevent's
// run_callback_threadsafe). It wakes the loop if it is blocked. fn runs like
// a RunCallback: in the hub, FIFO after the callbacks queued before the hub
// took the post, and must not block. Post returns ErrClosed, and drops fn, if
// the hub has shut down.
//
// A pending post counts as work (it prevents LoopExit), but only once Post
// has been called: a goroutine that will post later must hold a Ref until
// then (gevent issue #2124 is this gap).
func (h *Hub) Post(fn func()) error {
	if fn == nil {
		panic("hub: Post of a nil function")
	}
	h.postMu.Lock()
	if h.closed.Load() {
		h.postMu.Unlock()
		return ErrClosed
	}
	h.posted = append(h.posted, callback{kind: cbPlain, arg: fn})
	h.postFlag.Store(true)
	h.postMu.Unlock()
	h.loop.Wake()
	return nil
}

// Ref records that some goroutine will Post to the hub later, so that a main
// greenlet waiting for that post does not get LoopExit. Every Ref needs one
// Unref (usually from the posted function). Safe from any goroutine.
func (h *Hub) Ref() { h.refs.Add(1) }

// Unref releases a Ref. It panics if there is none.
func (h *Hub) Unref() {
	if h.refs.Add(-1) < 0 {
		panic("hub: Unref without Ref")
	}
	h.loop.Wake()
}

// takePosts moves posted functions to the run-callback queue.
func (h *Hub) takePosts() {
	h.postMu.Lock()
	posted := h.posted
	h.posted = nil
	h.postFlag.Store(false)
	h.postMu.Unlock()
	for _, c := range posted {
		h.cbq.push(c)
	}
}

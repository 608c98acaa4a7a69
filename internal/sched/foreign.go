package sched

// Done returns a channel that is closed once the hub is destroyed (Run has
// returned; see Destroyed), as context.Context's Done: a goroutine waiting
// for something from the hub selects on it so that it does not wait forever
// for a post the hub dropped. Safe from any goroutine.
func (h *Hub) Done() <-chan struct{} { return h.done }

// CheckForeign panics, with a message starting with op, if the caller runs on
// h's goroutine or one of its greenlets. APIs that block a goroutine until
// the hub has done something for it call it first: from the hub itself such
// a wait could never end, since the hub would be the one waiting. It reads
// only the hub's goroutine identities, so it is safe from any goroutine.
func (h *Hub) CheckForeign(op string) {
	if h.ownGoroutine(getg()) {
		panic(op + ": called from the hub's own goroutine (a greenlet or a callback of that hub): " +
			"it would wait for the hub while blocking it; spawn a greenlet and join it instead")
	}
}

package sched

// Package hub is the public face of this package: a *hub.Hub wraps one
// *Hub. Package greenlet works on the *Hub directly (no extra indirection on
// its hot paths) and needs both directions: the *Hub behind a *hub.Hub a user
// passes in, and the *hub.Hub to hand back. Both are set by package hub,
// which every program that can reach a *Hub imports.

// Public is the *hub.Hub that wraps h, nil for a hub made by New directly
// (this package's tests).
func (h *Hub) Public() any { return h.public }

// SetPublic records the *hub.Hub that wraps h; package hub calls it once,
// right after New.
func (h *Hub) SetPublic(p any) { h.public = p }

// Of returns the *Hub behind a *hub.Hub, or nil for a nil one. Package hub
// sets it in its init.
var Of func(pub any) *Hub

// CurrentFor returns the G that a blocking call of package hub's API (such
// as CGreenlet.Wait) blocks: the running G, or ErrBlockingSwitchOut in a hub
// callback. It panics, with op, when the hub was destroyed or the caller is a
// goroutine that is not the hub's, before it reads anything of the hub.
func (h *Hub) CurrentFor(op string) (*G, error) {
	op = "hub: " + op
	if h.dead.Load() {
		panic(op + ": the hub was destroyed (its Run returned); nothing can block on it")
	}
	if !h.ownGoroutine(getg()) {
		panic(op + ": called from a goroutine that is not its hub's: " +
			"greenlets run on their hub's goroutine only; use Hub.Post to reach a hub from another goroutine")
	}
	if h.current == nil {
		if h.inCallback {
			return nil, ErrBlockingSwitchOut
		}
		panic(op + ": no greenlet is running")
	}
	return h.current, nil
}

// Hub returns the hub c runs in.
func (c *CGreenlet) Hub() *Hub { return c.h }

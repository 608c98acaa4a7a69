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

// Hub returns the hub c runs in.
func (c *CGreenlet) Hub() *Hub { return c.h }

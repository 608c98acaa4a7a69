//go:build !cgo || purego

package sched

import "fmt"

// cGreenlets is the C core's registry of C greenlets; builds without the C
// core have none (Hub.cgs stays nil).
type cGreenlets struct{}

// SpawnC fails in builds without the C core (CGO_ENABLED=0 or the purego
// tag): C greenlets need cgo.
func (h *Hub) SpawnC(fn CFunc, arg uintptr) (*CGreenlet, error) {
	return nil, fmt.Errorf("hub: SpawnC: C greenlets need the C core; this build has none (core %q)", h.core)
}

// SpawnCFor fails in builds without the C core, as SpawnC does.
func (h *Hub) SpawnCFor(c *CGreenlet, fn CFunc, arg uintptr) error {
	_, err := h.SpawnC(fn, arg)
	return err
}

// Kill does nothing: no CGreenlet exists in builds without the C core.
func (c *CGreenlet) Kill(code int32) {}

// Withdraw reports false: no CGreenlet exists in builds without the C core.
func (c *CGreenlet) Withdraw() bool { return false }

// Wait returns nil: no CGreenlet exists in builds without the C core.
func (c *CGreenlet) Wait(g *G) error { return nil }

// Link does nothing: no CGreenlet exists in builds without the C core.
func (c *CGreenlet) Link(fn func(*CGreenlet)) {}

// CGreenlets returns 0: builds without the C core have no C greenlets.
func (h *Hub) CGreenlets() int { return 0 }

// CgoCalls returns 0: builds without the C core make no cgo calls.
func (h *Hub) CgoCalls() uint64 { return 0 }

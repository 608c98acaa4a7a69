package cgo

import "unsafe"

// A Body is the address of a C greenlet body, a C function of type
// gev_greenlet_fn: int fn(gev_hub *h, void *arg, void **value). It runs on its
// own C coroutine stack inside Turn, on the hub's thread, and must never call
// into Go. Go code obtains Bodies from C (a cgo preamble of its own, or the
// ones in bodies.go) and passes them to a Spawn command; it never calls one.
// It is the one Go type for a C body: package hub's CFunc is this type. It
// exists in builds without cgo too, where nothing can run it.
type Body unsafe.Pointer

// BodyOf converts a C function pointer of type gev_greenlet_fn, obtained by
// another cgo package as an unsafe.Pointer, into a Body. The pointer must be
// such a function; nothing can check it.
func BodyOf(fn unsafe.Pointer) Body { return Body(fn) }

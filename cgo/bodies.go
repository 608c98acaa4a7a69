//go:build cgo && !purego

package cgo

/*
#include "gev_hub.h"
#include "bodies.h"
*/
import "C"

import "unsafe"

func body(f C.gev_greenlet_fn) Body { return Body(unsafe.Pointer(f)) }

// The bodies shipped with the binding (cgo/bodies.c), for tests, examples and
// benchmarks. Their argument is an integer, never a pointer.
var (
	// BodySleep sleeps arg milliseconds on the C hub, then succeeds with
	// value arg; a kill ends it with the kill code.
	BodySleep = body(C.gev_greenlet_fn(C.gevgo_body_sleep))
	// BodyFail fails at once with status int32(arg), without yielding.
	BodyFail = body(C.gev_greenlet_fn(C.gevgo_body_fail))
	// BodySleepFail sleeps 1 ms, then fails with status int32(arg).
	BodySleepFail = body(C.gev_greenlet_fn(C.gevgo_body_sleep_fail))
	// BodyYield yields (gev_hub_sleep(h, 0)) arg times, then succeeds with
	// value arg: two of them measure the C greenlet switch.
	BodyYield = body(C.gev_greenlet_fn(C.gevgo_body_yield))
	// BodyPark parks until killed and returns the kill code.
	BodyPark = body(C.gev_greenlet_fn(C.gevgo_body_park))
	// BodyThrowOrder starts two C timeouts that expire together while it is
	// queued, then yields until arg throws have reached it, and succeeds
	// with their order as decimal digits: 1 and 2 for its timeouts in start
	// order, 9 for a kill (gevgo_body_throw_order in bodies.h).
	BodyThrowOrder = body(C.gev_greenlet_fn(C.gevgo_body_throw_order))
)

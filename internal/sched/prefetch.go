package sched

import "unsafe"

// gTimerOffset is where a G's own timer sits in the G.
const gTimerOffset = unsafe.Offsetof(G{}.Timer)

// gSize is the size of a G.
const gSize = unsafe.Sizeof(G{})

// prefetchTimer prefetches the lines of t and, when t is a G's own timer
// (a Sleep, the event of a simulation), of that G, whose wake-up t's action
// is: the addresses are computed, not loaded, so that nothing waits for t's
// line to arrive. For another timer the lines around it are prefetched for
// nothing, which costs a little bandwidth and no correctness.
func prefetchTimer(t *Timer) {
	base := uintptr(unsafe.Pointer(t)) - gTimerOffset
	for off := uintptr(0); off < gSize; off += 64 {
		prefetch(base + off)
	}
}

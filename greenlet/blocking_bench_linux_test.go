package greenlet_test

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
)

// BenchmarkBaselineYieldingThreadRoundTrip is a round trip between two
// goroutines, each locked to its own OS thread, that wait for each other by
// polling a flag and giving the CPU away (sched_yield) between polls: the
// offload's scheme without anything else. It is the floor of
// BenchmarkBlockingRoundTrip: on an idle machine a cache line crossing
// twice, on a machine with more runnable threads than CPUs two thread
// switches, since the two threads then share a CPU.
func BenchmarkBaselineYieldingThreadRoundTrip(b *testing.B) {
	var turn atomic.Int64 // odd: the other thread's turn
	var stop atomic.Bool
	done := make(chan struct{})
	yield := func() { _, _, _ = syscall.Syscall(syscall.SYS_SCHED_YIELD, 0, 0, 0) }
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer close(done)
		for !stop.Load() {
			if v := turn.Load(); v&1 == 1 {
				turn.Store(v + 1)
			} else {
				yield()
			}
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for b.Loop() {
		v := turn.Add(1)
		for turn.Load() == v {
			yield()
		}
	}
	stop.Store(true)
	<-done
}

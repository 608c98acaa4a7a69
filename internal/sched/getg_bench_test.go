package sched

import "testing"

// BenchmarkGoroutineCheck is the cost that the foreign-goroutine check adds
// to every park: one getg and one atomic load.
func BenchmarkGoroutineCheck(b *testing.B) {
	var g G
	g.gid.Store(getg())
	n := 0
	for i := 0; i < b.N; i++ {
		if g.gid.Load() != getg() {
			n++
		}
	}
	if n != 0 {
		b.Fatal("mismatch")
	}
}

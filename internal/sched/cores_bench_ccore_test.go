package sched

import (
	"iter"
	"testing"
	"time"
)

// Benchmarks of the hub on every core of this build, as sub-benchmarks
// core=go and core=c, with a bare iter.Pull round trip as the baseline.
// Compare ratios within one run (benchstat, or bench/'s report); the C
// core's budgets are stated in the comparison report (bench/results/).

// benchCores runs f as the main G of a fresh hub on each core.
func benchCores(b *testing.B, f func(b *testing.B, h *Hub, main *G)) {
	for _, core := range Cores() {
		b.Run("core="+core, func(b *testing.B) {
			h, err := New(WithCore(core))
			if err != nil {
				b.Fatal(err)
			}
			err = h.Run(func(main *G) error {
				f(b, h, main)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkIterPullRoundTrip is the baseline: one next+yield of a bare
// runtime coroutine, what a handoff through the hub costs at least.
func BenchmarkIterPullRoundTrip(b *testing.B) {
	next, stop := iter.Pull(func(yield func(struct{}) bool) {
		for yield(struct{}{}) {
		}
	})
	defer stop()
	b.ResetTimer()
	for range b.N {
		next()
	}
}

// BenchmarkHandoff: G A wakes parked G B and parks; B wakes A and parks. One
// op is one handoff A -> hub -> B. cgo-calls/1000handoffs is counted by the
// cgo binding (0 on the Go core): the hub crosses into C once per turn, and
// a ping-pong stays in one turn until the switch interval ends it.
func BenchmarkHandoff(b *testing.B) {
	benchCores(b, func(b *testing.B, h *Hub, main *G) {
		n := b.N
		done := false
		gb := spawnG(h, func(g *G) {
			for g.Park() == nil && !done {
				h.Wake(main.Token())
			}
		})
		h.Wake(main.Token()) // let B run and park first
		main.Park()
		calls0 := h.CgoCalls()
		b.ResetTimer()
		for i := 0; i < n; i += 2 {
			h.Wake(gb.Token())
			main.Park()
		}
		b.StopTimer()
		b.ReportMetric(float64(h.CgoCalls()-calls0)*1000/float64(n), "cgo-calls/1000handoffs")
		done = true
		h.Wake(gb.Token())
		h.Wake(main.Token())
		main.Park()
	})
}

// BenchmarkTimerArmCancel: a G arms its timer and cancels it at once (a
// timed wait that ended early). Pure Go on both cores: on the C core, the
// TIMER_START written into the command array is forgotten by the cancel.
func BenchmarkTimerArmCancel(b *testing.B) {
	benchCores(b, func(b *testing.B, h *Hub, main *G) {
		t := &main.Timer
		t.SetWake(main.Token())
		for range b.N {
			t.Start(time.Second)
			t.Stop()
		}
	})
}

// BenchmarkTimerArmCancelAcrossPoll: as BenchmarkTimerArmCancel, but the G
// waits on a zero-length timer between the arm and the cancel, which makes
// the hub poll its loop: on the C core both commands reach libev and every op
// is one C turn, whose cost is mostly libev's non-blocking poll (an
// epoll_wait system call) rather than the timer. It is the price of one loop
// iteration, not of a timer.
func BenchmarkTimerArmCancelAcrossPoll(b *testing.B) {
	benchCores(b, func(b *testing.B, h *Hub, main *G) {
		var t Timer
		t.Init(h)
		t.SetFunc(func() {})
		calls0 := h.CgoCalls()
		for range b.N {
			t.Start(time.Second)
			if err := sleepG(main, 0); err != nil {
				b.Fatal(err)
			}
			t.Stop()
		}
		b.ReportMetric(float64(h.CgoCalls()-calls0)/float64(b.N), "cgo-calls/op")
	})
}

// BenchmarkSleepMany: one op starts 100 Gs that each sleep 1 ms on their
// timer and waits for all of them: a sleep workload, dominated by the
// timer's wait, whose per-op overhead differs between the cores.
func BenchmarkSleepMany(b *testing.B) {
	benchCores(b, func(b *testing.B, h *Hub, main *G) {
		const n = 100
		for range b.N {
			left := n
			for range n {
				spawnG(h, func(g *G) {
					sleepG(g, time.Millisecond)
					if left--; left == 0 {
						h.Wake(main.Token())
					}
				})
			}
			main.Park()
		}
	})
}

// sleepG parks g for d on its timer.
func sleepG(g *G, d time.Duration) error {
	g.Timer.SetWake(g.Token())
	g.Timer.Start(d)
	return g.Park()
}

// spawnG starts a G running fn.
func spawnG(h *Hub, fn func(g *G)) *G {
	g := &G{}
	g.Init(h, fn)
	h.Start(g)
	return g
}

package greenlet_test

import (
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// Benchmarks of the greenlet API on every core of this build, as
// sub-benchmarks core=go and core=c, so that one run gives the C core's
// ratios to the pure-Go core (budgets: sleep and timeout workloads at most
// 1.2x, timer arm+cancel at most 2x). internal/sched/cores_bench_ccore_test.go has the
// raw handoff, the timer and the cgo-call counts.

// benchOnCores runs body as the main greenlet of a fresh hub on each core.
func benchOnCores(b *testing.B, body func(b *testing.B, h *hub.Hub, main *greenlet.Greenlet) error) {
	for _, core := range hub.Cores() {
		b.Run("core="+core, func(b *testing.B) {
			h, err := hub.New(hub.WithCore(core))
			if err != nil {
				b.Fatal(err)
			}
			if err := greenlet.RunOn(h, func(main *greenlet.Greenlet) error { return body(b, h, main) }); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkCoresSleep0PingPong: two greenlets Sleep(0) in turn; one op is
// one Sleep(0), a handoff through the hub's callback queue.
func BenchmarkCoresSleep0PingPong(b *testing.B) {
	benchOnCores(b, func(b *testing.B, h *hub.Hub, main *greenlet.Greenlet) error {
		n := b.N
		body := func(g *greenlet.Greenlet) (any, error) {
			for range (n + 1) / 2 {
				if err := greenlet.Sleep(g, 0); err != nil {
					return nil, err
				}
			}
			return nil, nil
		}
		x, y := greenlet.Spawn(main, body), greenlet.Spawn(main, body)
		calls0 := h.CgoCalls()
		b.ResetTimer()
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{x, y}, greenlet.StopOnError())
		b.StopTimer()
		b.ReportMetric(float64(h.CgoCalls()-calls0)*1000/float64(n), "cgo-calls/1000sleeps")
		return err
	})
}

// BenchmarkCoresTimeoutStartCancel: a greenlet starts a Timeout and cancels
// it (a guarded operation that finished in time). One op is a start+cancel.
func BenchmarkCoresTimeoutStartCancel(b *testing.B) {
	benchOnCores(b, func(b *testing.B, h *hub.Hub, main *greenlet.Greenlet) error {
		t := greenlet.NewTimeout(time.Second, nil)
		defer t.Close()
		for range b.N {
			t.Start(main)
			t.Cancel()
		}
		return nil
	})
}

// BenchmarkCoresSleepWorkload: one op spawns 100 greenlets that each sleep
// 1 ms and joins them all: a sleep workload, mostly waiting, where the cores
// differ by their per-sleep overhead and timer granularity.
func BenchmarkCoresSleepWorkload(b *testing.B) {
	benchOnCores(b, func(b *testing.B, h *hub.Hub, main *greenlet.Greenlet) error {
		gs := make([]*greenlet.Greenlet, 100)
		for range b.N {
			for i := range gs {
				gs[i] = greenlet.Spawn(main, sleeper(time.Millisecond, nil))
			}
			if _, err := greenlet.JoinAll(main, gs, greenlet.StopOnError()); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkCoresTimeoutWorkload: one op spawns 100 greenlets that each wait
// under a 1 ms Timeout for a sleep of 1 s, which the timeout interrupts, and
// joins them: a timeout workload.
func BenchmarkCoresTimeoutWorkload(b *testing.B) {
	benchOnCores(b, func(b *testing.B, h *hub.Hub, main *greenlet.Greenlet) error {
		gs := make([]*greenlet.Greenlet, 100)
		body := func(g *greenlet.Greenlet) (any, error) {
			t := greenlet.StartNew(g, time.Millisecond, nil)
			defer t.Close()
			if err := greenlet.Sleep(g, time.Second); !t.IsTimeout(err) {
				return nil, err
			}
			return nil, nil
		}
		for range b.N {
			for i := range gs {
				gs[i] = greenlet.Spawn(main, body)
			}
			if _, err := greenlet.JoinAll(main, gs, greenlet.StopOnError()); err != nil {
				return err
			}
		}
		return nil
	})
}

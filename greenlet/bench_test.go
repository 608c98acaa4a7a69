package greenlet_test

import (
	"fmt"
	"iter"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// Budgets (the project's, see bench/results/), read as ratios of ns/op in one run:
//   BenchmarkHandoff / BenchmarkBaselinePullRoundTrip      <= 1.2
//   BenchmarkSpawnJoin / BenchmarkBaselinePullCreate       <= 1.5
//   BenchmarkParkedMemory: B/greenlet                      <= 4096
//   BenchmarkParked/N=...: flat from 1e3 to 1e6

// BenchmarkBaselinePullRoundTrip is one iter.Pull round trip: next resumes
// the coroutine, which yields back (two coroutine switches).
func BenchmarkBaselinePullRoundTrip(b *testing.B) {
	next, stop := iter.Pull(func(yield func(int) bool) {
		for yield(0) {
		}
	})
	defer stop()
	b.ReportAllocs()
	for b.Loop() {
		next()
	}
}

// BenchmarkBaselinePullAlternate drives two iter.Pull coroutines in turn:
// the same three-party pattern as a handoff (driver, A, driver, B), with no
// scheduler logic at all. One op is one round trip.
func BenchmarkBaselinePullAlternate(b *testing.B) {
	seq := func(yield func(int) bool) {
		for yield(0) {
		}
	}
	na, sa := iter.Pull(seq)
	nb, sb := iter.Pull(seq)
	defer sa()
	defer sb()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i&1 == 0 {
			na()
		} else {
			nb()
		}
	}
}

// BenchmarkHandoff is greenlet A -> hub -> greenlet B: two greenlets
// alternate with Sleep(0); one op is one handoff (two switches).
func BenchmarkHandoff(b *testing.B) {
	b.ReportAllocs()
	run(b, handoffBody(b))
}

// handoffBody is the main body of the handoff benchmarks: two greenlets
// alternate b.N/2 times with Sleep(0), timed from when both have parked.
func handoffBody(b *testing.B) func(main *greenlet.Greenlet) error {
	return func(main *greenlet.Greenlet) error {
		n := b.N
		body := func(g *greenlet.Greenlet) (any, error) {
			for range n / 2 {
				if err := greenlet.Sleep(g, 0); err != nil {
					return nil, err
				}
			}
			return nil, nil
		}
		x, y := greenlet.Spawn(main, body), greenlet.Spawn(main, body)
		if err := greenlet.Sleep(main, 0); err != nil { // both started and parked
			return err
		}
		b.ResetTimer()
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{x, y}, greenlet.StopOnError())
		b.StopTimer()
		return err
	}
}

// BenchmarkHandoffRaw is the same handoff on the hub API (sched.G.Yield),
// without the greenlet layer's checks.
func BenchmarkHandoffRaw(b *testing.B) {
	b.ReportAllocs()
	h, err := hub.New(benchCore())
	if err != nil {
		b.Fatal(err)
	}
	err = sched.Of(h).Run(func(main *sched.G) error {
		n := b.N
		var done sched.Waiter
		left := 2
		body := func(g *sched.G) {
			for range n / 2 {
				if g.Yield() != nil {
					return
				}
			}
			if left--; left == 0 {
				done.Switch(nil)
			}
		}
		for range 2 {
			g := &sched.G{}
			g.Init(sched.Of(h), body)
			sched.Of(h).Start(g)
		}
		b.ResetTimer()
		_, err := done.Get(main)
		b.StopTimer()
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBaselinePullCreate is iter.Pull create + next + stop of a
// coroutine that yields one value.
func BenchmarkBaselinePullCreate(b *testing.B) {
	b.ReportAllocs()
	seq := func(yield func(int) bool) { yield(1) }
	for b.Loop() {
		next, stop := iter.Pull(seq)
		next()
		stop()
	}
}

// BenchmarkBaselinePullCreateReturn is create + next + stop of a coroutine
// that returns at once (the cheapest possible coroutine life).
func BenchmarkBaselinePullCreateReturn(b *testing.B) {
	b.ReportAllocs()
	seq := func(yield func(int) bool) {}
	for b.Loop() {
		next, stop := iter.Pull(seq)
		next()
		stop()
	}
}

// BenchmarkSpawnJoin is Spawn of a greenlet returning a value and Join of it
// from main.
func BenchmarkSpawnJoin(b *testing.B) {
	spawnJoin(b, (*greenlet.Greenlet).Join)
}

// BenchmarkSpawnJoinTimeout is BenchmarkSpawnJoin with JoinTimeout: the
// join is a timed park.
func BenchmarkSpawnJoinTimeout(b *testing.B) {
	spawnJoin(b, func(g, cur *greenlet.Greenlet) error {
		_, err := g.JoinTimeout(cur, time.Hour)
		return err
	})
}

// spawnJoin spawns greenlets one at a time and joins each with join.
func spawnJoin(b *testing.B, join func(g, cur *greenlet.Greenlet) error) {
	b.ReportAllocs()
	run(b, func(main *greenlet.Greenlet) error {
		body := greenlet.Func(func(*greenlet.Greenlet) (any, error) { return nil, nil })
		b.ResetTimer()
		for range b.N {
			g := greenlet.Spawn(main, body)
			if err := join(g, main); err != nil {
				return err
			}
		}
		b.StopTimer()
		return nil
	})
}

// BenchmarkSpawnJoinLabels is BenchmarkSpawnJoin with profile labels on
// (hub.WithProfileLabels), to show what the labels cost.
func BenchmarkSpawnJoinLabels(b *testing.B) {
	b.ReportAllocs()
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		body := greenlet.Func(func(*greenlet.Greenlet) (any, error) { return nil, nil })
		b.ResetTimer()
		for range b.N {
			g := greenlet.Spawn(main, body)
			if err := g.Join(main); err != nil {
				return err
			}
		}
		b.StopTimer()
		return nil
	}, hub.WithProfileLabels(true), benchCore())
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkParkedMemory reports the memory held per parked greenlet (heap
// plus goroutine stacks), each parked in Sleep on its own timer.
func BenchmarkParkedMemory(b *testing.B) {
	const n = 10000
	run(b, func(main *greenlet.Greenlet) error {
		for b.Loop() {
			before := memInUse()
			gs := make([]*greenlet.Greenlet, n)
			for i := range gs {
				gs[i] = greenlet.Spawn(main, sleeper(time.Hour, nil))
			}
			if err := greenlet.Sleep(main, 0); err != nil {
				return err
			}
			after := memInUse()
			b.ReportMetric(float64(after-before)/n, "B/greenlet")
			if err := greenlet.KillAll(main, gs); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkParked measures the cost of operations on a hub holding N parked
// greenlets (each with an armed timer), reported per operation as custom
// metrics: a handoff (ns/handoff), a Timeout start+cancel, which is a timer
// insert and removal in a heap of N (ns/timeout), and a 1 ns Sleep, which
// goes through the loop (ns/sleep). Each b.N round builds the hub anew; the
// framework's ns/op includes that setup and is not the number to read.
//
// (Everything runs inside the hub's main greenlet: b.Run must not be
// called there, since it runs the sub-benchmark on another goroutine,
// which must never touch a hub.)
func BenchmarkParked(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5, 1e6} {
		if testing.Short() && n > 1e4 {
			continue
		}
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			run(b, func(main *greenlet.Greenlet) error {
				for i := range n {
					greenlet.Spawn(main, sleeper(time.Hour+time.Duration(i), nil))
				}
				if err := greenlet.Sleep(main, 0); err != nil {
					return err
				}
				ops := max(b.N, 1000)
				body := func(g *greenlet.Greenlet) (any, error) {
					for range ops / 2 {
						if err := greenlet.Sleep(g, 0); err != nil {
							return nil, err
						}
					}
					return nil, nil
				}
				x, y := greenlet.Spawn(main, body), greenlet.Spawn(main, body)
				t0 := time.Now()
				if _, err := greenlet.JoinAll(main, []*greenlet.Greenlet{x, y}, greenlet.StopOnError()); err != nil {
					return err
				}
				b.ReportMetric(float64(time.Since(t0).Nanoseconds())/float64(ops), "ns/handoff")

				t := greenlet.NewTimeout(30*time.Minute, nil)
				t0 = time.Now()
				for range ops {
					t.Start(main)
					t.Cancel()
				}
				b.ReportMetric(float64(time.Since(t0).Nanoseconds())/float64(ops), "ns/timeout")

				t0 = time.Now()
				for range ops / 10 {
					if err := greenlet.Sleep(main, time.Nanosecond); err != nil {
						return err
					}
				}
				b.ReportMetric(float64(time.Since(t0).Nanoseconds())/float64(ops/10), "ns/sleep")
				return nil // Run stops the parked greenlets
			})
		})
	}
}

// benchCore is the core the benchmarks run on: GEVENT_CORE if set, else
// "go" (the budgets of this package are the pure-Go core's; cgo builds would
// otherwise default to the C core).
func benchCore() hub.Option {
	if c := os.Getenv(hub.CoreEnv); c != "" {
		return hub.WithCore(c)
	}
	return hub.WithCore("go")
}

func run(b *testing.B, body func(main *greenlet.Greenlet) error, opts ...hub.Option) {
	b.Helper()
	if err := greenlet.Run(body, append([]hub.Option{benchCore()}, opts...)...); err != nil {
		b.Fatal(err)
	}
}

func memInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

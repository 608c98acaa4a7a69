package workloads

import (
	"fmt"
	"iter"
	"runtime"
	"sync/atomic"
	"time"
)

// parked: N greenlets started and parked on one Event; the memory each
// costs while parked; then Event.Set and the time until the last one has
// finished (wake-all). Valid in a fresh process only.
var parkedW = register(&Workload{
	Name:           "parked",
	Title:          "N greenlets parked on one Event: memory, then Set wakes all",
	Primary:        "wake-ns/greenlet",
	Secondary:      []string{"rss-B/greenlet", "inuse-B/greenlet", "spawnpark-ns/greenlet"},
	Baseline:       Goroutines,
	FasterIsBetter: true,
	Fresh:          true,
	Sizes:          []int{100_000},
	QuickSizes:     []int{10_000},
})

func init() {
	parkedW.add(IterPull, iterPullParked, "")
	parkedW.add(Goroutines, goParked, "")
}

// parkedMetrics computes the workload's metrics from its readings: memory
// before (rss0, mem0) and while parked (rss1, mem1), and the instants of
// spawn start, all parked, Set, and all finished.
func parkedMetrics(n int, rss0, rss1, mem0, mem1 float64, t0, t1, t2, t3 time.Time) Metrics {
	return Metrics{
		"rss-B/greenlet":        (rss1 - rss0) / float64(n),
		"inuse-B/greenlet":      (mem1 - mem0) / float64(n),
		"spawnpark-ns/greenlet": perOp(t1.Sub(t0), n),
		"wake-ns/greenlet":      perOp(t3.Sub(t2), n),
	}
}

// iterPullParked starts N coroutines that each yield once (parked); the
// "Set" resumes every one of them to its end. There is no Event: the
// resumption loop is the cheapest possible wake-all.
func iterPullParked(n int) (Metrics, error) {
	var woken int
	body := func(yield func(struct{}) bool) {
		yield(struct{}{})
		woken++
	}
	nexts := make([]func() (struct{}, bool), n)
	stops := make([]func(), n)
	mem0, rss0 := inUse(), rss()
	t0 := time.Now()
	for i := range n {
		nexts[i], stops[i] = iter.Pull(body)
		nexts[i]()
	}
	t1 := time.Now()
	mem1, rss1 := inUse(), rss()
	t2 := time.Now()
	for i := range n {
		nexts[i]()
		stops[i]()
	}
	t3 := time.Now()
	if woken != n {
		return nil, fmt.Errorf("iter.Pull parked: %d of %d woke", woken, n)
	}
	return parkedMetrics(n, rss0, rss1, mem0, mem1, t0, t1, t2, t3), nil
}

// goParked parks N goroutines on a goEvent.
func goParked(n int) (Metrics, error) {
	ev := newGoEvent()
	var started, woken atomic.Int64
	done := make(chan struct{})
	mem0, rss0 := inUse(), rss()
	t0 := time.Now()
	for range n {
		go func() {
			started.Add(1)
			ev.Wait()
			if woken.Add(1) == int64(n) {
				close(done)
			}
		}()
	}
	for started.Load() < int64(n) {
		runtime.Gosched()
	}
	t1 := time.Now()
	time.Sleep(10 * time.Millisecond) // the last few reach their receive
	mem1, rss1 := inUse(), rss()
	t2 := time.Now()
	ev.Set()
	<-done
	t3 := time.Now()
	return parkedMetrics(n, rss0, rss1, mem0, mem1, t0, t1, t2, t3), nil
}

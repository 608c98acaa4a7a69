package workloads

import (
	"fmt"
	"iter"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// parked: the memory a parked greenlet costs. N greenlets are spawned and
// each parks in a sleep of a day; once all are parked, the resident set and
// (for Go) the runtime's heap+stack in use are compared with before. Valid
// in a fresh process only.
var parkedW = register(&Workload{
	Name:      "parked",
	Title:     "memory per parked greenlet (N parked in sleep(1 day))",
	Primary:   "rss-B/greenlet",
	Secondary: []string{"inuse-B/greenlet", "spawnpark-ns/greenlet"},
	Baseline:  Goroutines,
	// Bytes, not time: "N times faster than gevent" would mean nothing.
	FasterIsBetter: false,
	Fresh:          true,
	Sizes:          []int{100_000},
	QuickSizes:     []int{10_000},
})

func init() {
	parkedW.add(IterPull, iterPullParked, "")
	parkedW.add(Goroutines, goParked, "")
	parkedW.addOurs(oursParked)
}

// parkedMetrics computes the workload's metrics from memory before (rss0,
// mem0) and while parked (rss1, mem1), and the instants of the first spawn
// and of all being parked.
func parkedMetrics(n int, rss0, rss1, mem0, mem1 float64, t0, t1 time.Time) Metrics {
	return Metrics{
		"rss-B/greenlet":        (rss1 - rss0) / float64(n),
		"inuse-B/greenlet":      (mem1 - mem0) / float64(n),
		"spawnpark-ns/greenlet": perOp(t1.Sub(t0), n),
	}
}

// iterPullParked starts N coroutines that each yield once: the floor, a
// coroutine with no timer, no greenlet record and no scheduler.
func iterPullParked(n int) (Metrics, error) {
	body := func(yield func(struct{}) bool) { yield(struct{}{}) }
	stops := make([]func(), n)
	mem0, rss0 := inUse(), rss()
	t0 := time.Now()
	for i := range n {
		var next func() (struct{}, bool)
		next, stops[i] = iter.Pull(body)
		if _, ok := next(); !ok {
			return nil, fmt.Errorf("iter.Pull parked: coroutine %d did not park", i)
		}
	}
	t1 := time.Now()
	mem1, rss1 := inUse(), rss()
	for _, stop := range stops {
		stop()
	}
	return parkedMetrics(n, rss0, rss1, mem0, mem1, t0, t1), nil
}

// goParked parks N goroutines in time.Sleep(24 h).
func goParked(n int) (Metrics, error) {
	var started atomic.Int64
	mem0, rss0 := inUse(), rss()
	t0 := time.Now()
	for range n {
		go func() {
			started.Add(1)
			time.Sleep(24 * time.Hour)
		}()
	}
	for started.Load() < int64(n) {
		runtime.Gosched()
	}
	t1 := time.Now()
	time.Sleep(10 * time.Millisecond) // the last few reach their sleep
	mem1, rss1 := inUse(), rss()
	// The goroutines stay asleep: the process ends with this sample.
	return parkedMetrics(n, rss0, rss1, mem0, mem1, t0, t1), nil
}

// oursParked spawns N greenlets sleeping a day; Sleep(0) returns once every
// one has started and parked. Returning from main stops them.
func oursParked(main *greenlet.Greenlet, n int) (Metrics, error) {
	gs := make([]*greenlet.Greenlet, n)
	mem0, rss0 := inUse(), rss()
	t0 := time.Now()
	for i := range gs {
		gs[i] = greenlet.Spawn(main, sleepADay)
	}
	if err := greenlet.Sleep(main, 0); err != nil {
		return nil, err
	}
	t1 := time.Now()
	mem1, rss1 := inUse(), rss()
	for i, g := range gs {
		if g.Dead() {
			return nil, fmt.Errorf("greenlet %d of %d is not parked", i, n)
		}
	}
	info, err := main.Hub().RunInfo()
	if err != nil {
		return nil, err
	}
	parked := 0
	for _, g := range info.Greenlets {
		if g.State == "parked" && !g.Ready {
			parked++
		}
	}
	if parked != n {
		return nil, fmt.Errorf("%d of %d greenlets are parked", parked, n)
	}
	return parkedMetrics(n, rss0, rss1, mem0, mem1, t0, t1), nil
}

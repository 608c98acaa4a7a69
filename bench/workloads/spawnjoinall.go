package workloads

import (
	"fmt"
	"iter"
	"runtime"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// spawn_joinall: spawn N greenlets, then JoinAll them. n is N; the cost per
// greenlet should stay flat from 1e3 to 1e6 (one of the project's budgets:
// no per-greenlet cost may grow with N). Also records the peak RSS the N greenlets needed (valid in a fresh process).
var spawnJoinAllW = register(&Workload{
	Name:           "spawn_joinall",
	Title:          "spawn N, then JoinAll (per greenlet)",
	Primary:        "ns/greenlet",
	Secondary:      []string{"spawn-ns/greenlet", "peak-rss-MiB", "rss-B/greenlet"},
	Baseline:       IterPull,
	FasterIsBetter: true,
	Fresh:          true,
	Sizes:          []int{1_000, 10_000, 100_000, 1_000_000},
	QuickSizes:     []int{1_000, 10_000},
})

func init() {
	spawnJoinAllW.add(IterPull, iterPullSpawnJoinAll, "")
	spawnJoinAllW.add(Goroutines, goSpawnJoinAll, "")
	spawnJoinAllW.addOurs(oursSpawnJoinAll)
}

// oursSpawnJoinAll: N Spawns, then one JoinAll.
func oursSpawnJoinAll(main *greenlet.Greenlet, n int) (Metrics, error) {
	run := func(n int) (t0, t1, t2 time.Time, err error) {
		gs := make([]*greenlet.Greenlet, n)
		t0 = time.Now()
		for i := range gs {
			gs[i] = greenlet.Spawn(main, trivialBody)
		}
		t1 = time.Now()
		_, err = greenlet.JoinAll(main, gs)
		t2 = time.Now()
		if err == nil {
			err = failed(gs)
		}
		return
	}
	if _, _, _, err := run(joinAllWarmup); err != nil {
		return nil, err
	}
	runtime.GC()
	rss0 := rss()
	t0, t1, t2, err := run(n)
	if err != nil {
		return nil, err
	}
	return spawnJoinAllMetrics(n, t0, t1, t2, rss0), nil
}

// joinAllWarmup is how many greenlets each implementation spawns and joins
// before measuring, as the gevent script does.
const joinAllWarmup = 1000

// spawnJoinAllMetrics turns the three instants of a sample and the RSS
// before it into the workload's metrics.
func spawnJoinAllMetrics(n int, t0, t1, t2 time.Time, rss0 float64) Metrics {
	peak := peakRSS()
	return Metrics{
		"ns/greenlet":       perOp(t2.Sub(t0), n),
		"spawn-ns/greenlet": perOp(t1.Sub(t0), n),
		"peak-rss-MiB":      peak / (1 << 20),
		"rss-B/greenlet":    (peak - rss0) / float64(n),
	}
}

// iterPullSpawnJoinAll is the floor for our greenlets: the spawn queues
// the body (a greenlet's coroutine does not exist before it first runs, in
// gevent as in ours), and the join runs each one as iter.Pull + next + stop.
func iterPullSpawnJoinAll(n int) (Metrics, error) {
	run := func(n int) (t0, t1, t2 time.Time, err error) {
		queue := make([]iter.Seq[struct{}], 0, n)
		t0 = time.Now()
		for range n {
			queue = append(queue, trivialSeq)
		}
		t1 = time.Now()
		for i, seq := range queue {
			next, stop := iter.Pull(seq)
			if _, ok := next(); ok {
				err = fmt.Errorf("iter.Pull: coroutine %d yielded", i)
			}
			stop()
		}
		t2 = time.Now()
		return
	}
	if _, _, _, err := run(joinAllWarmup); err != nil {
		return nil, err
	}
	runtime.GC()
	rss0 := rss()
	t0, t1, t2, err := run(n)
	if err != nil {
		return nil, err
	}
	return spawnJoinAllMetrics(n, t0, t1, t2, rss0), nil
}

// goSpawnJoinAll starts N goroutines, each with its own done channel (the
// Greenlet object a joinall waits on), then waits on every channel.
func goSpawnJoinAll(n int) (Metrics, error) {
	run := func(n int) (t0, t1, t2 time.Time) {
		done := make([]chan struct{}, n)
		t0 = time.Now()
		for i := range done {
			c := make(chan struct{})
			done[i] = c
			go func() {
				trivial()
				close(c)
			}()
		}
		t1 = time.Now()
		for _, c := range done {
			<-c
		}
		t2 = time.Now()
		return
	}
	run(joinAllWarmup)
	runtime.GC()
	rss0 := rss()
	t0, t1, t2 := run(n)
	return spawnJoinAllMetrics(n, t0, t1, t2, rss0), nil
}

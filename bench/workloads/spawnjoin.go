package workloads

import (
	"iter"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// spawn_join: spawn a greenlet running a trivial function and join it, one
// at a time. One op is one greenlet's whole life.
var spawnJoinW = register(&Workload{
	Name:           "spawn_join",
	Title:          "spawn + join, one at a time (per greenlet)",
	Ops:            true,
	Primary:        "ns/greenlet",
	Baseline:       IterPull,
	FasterIsBetter: true,
	Sizes:          []int{100_000},
	QuickSizes:     []int{5_000},
})

func init() {
	spawnJoinW.add(IterPull, iterPullSpawnJoin, "")
	spawnJoinW.add(Goroutines, goSpawnJoin, "")
	spawnJoinW.addOurs(oursSpawnJoin)
}

// oursSpawnJoin: Spawn then Join, one at a time.
func oursSpawnJoin(main *greenlet.Greenlet, n int) (Metrics, error) {
	t0 := time.Now()
	for range n {
		g := greenlet.Spawn(main, trivialBody)
		if err := g.Join(main); err != nil {
			return nil, err
		}
	}
	el := time.Since(t0)
	return Metrics{"ns/greenlet": perOp(el, n)}, nil
}

// trivialSeq is a coroutine body that runs trivial and ends.
func trivialSeq(yield func(struct{}) bool) { trivial() }

// iterPullSpawnJoin is the floor a Go greenlet's life is measured against:
// create a coroutine, run it to its end, release it.
func iterPullSpawnJoin(n int) (Metrics, error) {
	t0 := time.Now()
	for range n {
		next, stop := iter.Pull(trivialSeq)
		next()
		stop()
	}
	el := time.Since(t0)
	return Metrics{"ns/greenlet": perOp(el, n)}, nil
}

// goSpawnJoin starts a goroutine and waits on its done channel.
func goSpawnJoin(n int) (Metrics, error) {
	t0 := time.Now()
	for range n {
		done := make(chan struct{})
		go func() {
			trivial()
			close(done)
		}()
		<-done
	}
	el := time.Since(t0)
	return Metrics{"ns/greenlet": perOp(el, n)}, nil
}

package workloads

import (
	"iter"
	"runtime"
	"sync"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// sleep0: two greenlets each calling sleep(0) in a loop, so that every call
// hands control through the hub to the other one. One op is one sleep(0):
// one greenlet→hub→greenlet handoff.
var sleep0W = register(&Workload{
	Name:           "sleep0",
	Title:          "sleep(0) ping-pong, two greenlets (per handoff)",
	Ops:            true,
	Primary:        "ns/switch",
	Baseline:       IterPull,
	FasterIsBetter: true,
	Sizes:          []int{300_000},
	QuickSizes:     []int{20_000},
})

func init() {
	sleep0W.add(IterPull, iterPullSleep0, "")
	sleep0W.add(Goroutines, goschedSleep0, "")
	sleep0W.addOurs(oursSleep0)
}

// oursSleep0 is the workload itself: two greenlets calling Sleep(g, 0).
func oursSleep0(main *greenlet.Greenlet, n int) (Metrics, error) {
	loop := func(g *greenlet.Greenlet) (any, error) {
		for range n {
			if err := greenlet.Sleep(g, 0); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	el, err := timeSpawnedPair(main, loop, loop)
	if err != nil {
		return nil, err
	}
	return Metrics{"ns/switch": perOp(el, 2*n)}, nil
}

// iterPullSleep0 is the bare handoff the hub's budget is measured against: a
// loop (the "hub") resuming two coroutines in turn, each of which yields at
// once. Each next is one round trip hub→greenlet→hub.
func iterPullSleep0(n int) (Metrics, error) {
	body := func(yield func(struct{}) bool) {
		for range n {
			if !yield(struct{}{}) {
				return
			}
		}
	}
	nextA, stopA := iter.Pull(body)
	defer stopA()
	nextB, stopB := iter.Pull(body)
	defer stopB()
	t0 := time.Now()
	for {
		_, a := nextA()
		_, b := nextB()
		if !a && !b {
			break
		}
	}
	el := time.Since(t0)
	return Metrics{"ns/switch": perOp(el, 2*n)}, nil
}

// goschedSleep0 is the goroutine analogue: runtime.Gosched in two goroutines.
func goschedSleep0(n int) (Metrics, error) {
	var wg sync.WaitGroup
	t0 := time.Now()
	for range 2 {
		wg.Go(func() {
			for range n {
				runtime.Gosched()
			}
		})
	}
	wg.Wait()
	el := time.Since(t0)
	return Metrics{"ns/switch": perOp(el, 2*n)}, nil
}

package workloads

import (
	"context"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// offload: a greenlet hands an empty function to a goroutine (greenlet.
// Blocking; gevent's threadpool.apply) and waits for its result. One op is
// one round trip greenlet -> goroutine -> greenlet. The goroutines row is a
// channel round trip to a plain goroutine, the floor of any offload.
var offloadW = register(&Workload{
	Name:           "offload",
	Title:          "blocking offload round trip, empty function (per call)",
	Ops:            true,
	Primary:        "ns/call",
	Baseline:       Goroutines,
	FasterIsBetter: true,
	Sizes:          []int{20_000},
	QuickSizes:     []int{2_000},
})

func init() {
	offloadW.add(IterPull, nil, "a coroutine cannot run blocking code beside its driver")
	offloadW.add(Goroutines, goOffload, "")
	offloadW.addOurs(oursOffload)
}

func oursOffload(main *greenlet.Greenlet, n int) (Metrics, error) {
	empty := func(context.Context) (struct{}, error) { trivial(); return struct{}{}, nil }
	for range n / 10 { // warm up: the workers and the hub's spin
		if _, err := greenlet.Blocking(main, empty); err != nil {
			return nil, err
		}
	}
	t0 := time.Now()
	for range n {
		if _, err := greenlet.Blocking(main, empty); err != nil {
			return nil, err
		}
	}
	return Metrics{"ns/call": perOp(time.Since(t0), n)}, nil
}

func goOffload(n int) (Metrics, error) {
	req, resp := make(chan struct{}), make(chan struct{})
	go func() {
		for range req {
			trivial()
			resp <- struct{}{}
		}
	}()
	defer close(req)
	t0 := time.Now()
	for range n {
		req <- struct{}{}
		<-resp
	}
	return Metrics{"ns/call": perOp(time.Since(t0), n)}, nil
}

package workloads

import (
	"iter"
	"time"
)

// switch: two coroutines handing control to each other directly, with no
// scheduler between them (greenlet.switch in gevent). One op is one one-way
// switch: a round trip counts two.
var switchW = register(&Workload{
	Name:           "switch",
	Title:          "raw switch (one-way, round trip / 2)",
	Ops:            true,
	Primary:        "ns/switch",
	Baseline:       IterPull,
	FasterIsBetter: true,
	Sizes:          []int{1_000_000},
	QuickSizes:     []int{50_000},
})

func init() {
	switchW.add(IterPull, iterPullSwitch, "")
	switchW.add(Goroutines, chanSwitch, "")
	const why = "a Go greenlet is an iter.Pull coroutine, so its raw switch is the iter.Pull row; " +
		"the hub's greenlet-to-greenlet handoff is the sleep(0) workload"
	switchW.add(CoreGo, nil, why)
	switchW.add(CoreC, nil, why)
	const cwhy = "the C coroutine switch is measured from C: the csrc rows"
	switchW.add(CGreenlet, nil, cwhy)
	switchW.add(CGreenletHub, nil, cwhy)
	switchW.add(CGreenletAPI, nil, cwhy)
}

// iterPullSwitch resumes a coroutine that yields straight back: each next is
// a round trip, two switches.
func iterPullSwitch(n int) (Metrics, error) {
	next, stop := iter.Pull(func(yield func(struct{}) bool) {
		for yield(struct{}{}) {
		}
	})
	defer stop()
	t0 := time.Now()
	for range n {
		next()
	}
	el := time.Since(t0)
	return Metrics{"ns/switch": perOp(el, 2*n)}, nil
}

// chanSwitch is the same ping-pong between two goroutines over unbuffered
// channels (and gevent.queue.Channel's Go analogue).
func chanSwitch(n int) (Metrics, error) {
	ping, pong := make(chan struct{}), make(chan struct{})
	go func() {
		for range ping {
			pong <- struct{}{}
		}
	}()
	defer close(ping)
	t0 := time.Now()
	for range n {
		ping <- struct{}{}
		<-pong
	}
	el := time.Since(t0)
	return Metrics{"ns/switch": perOp(el, 2*n)}, nil
}

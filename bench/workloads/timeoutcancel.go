package workloads

import (
	"context"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// timeout_cancel: arm a 10 s timeout and cancel it before it fires
// (`with gevent.Timeout(10): pass`). One op is one start+cancel.
var timeoutCancelW = register(&Workload{
	Name:           "timeout_cancel",
	Title:          "Timeout(10 s) start + cancel",
	Ops:            true,
	Primary:        "ns/timeout",
	Baseline:       Goroutines,
	FasterIsBetter: true,
	Sizes:          []int{300_000},
	QuickSizes:     []int{20_000},
})

func init() {
	timeoutCancelW.add(IterPull, nil, noTimers)
	timeoutCancelW.add(Goroutines, contextTimeoutCancel, "")
	timeoutCancelW.addOurs(oursTimeoutCancel)
}

// oursTimeoutCancel: a new Timeout started and closed, as gevent's
// `with Timeout(10): pass` does.
func oursTimeoutCancel(main *greenlet.Greenlet, n int) (Metrics, error) {
	t0 := time.Now()
	for range n {
		t := greenlet.StartNew(main, 10*time.Second, nil)
		t.Close()
	}
	el := time.Since(t0)
	return Metrics{"ns/timeout": perOp(el, n)}, nil
}

// noTimers is why the bare coroutine has no timer workloads.
const noTimers = "a bare coroutine has no timers or scheduler"

// contextTimeoutCancel is the idiomatic Go analogue: context.WithTimeout and
// its cancel.
func contextTimeoutCancel(n int) (Metrics, error) {
	bg := context.Background()
	t0 := time.Now()
	for range n {
		_, cancel := context.WithTimeout(bg, 10*time.Second)
		cancel()
	}
	el := time.Since(t0)
	return Metrics{"ns/timeout": perOp(el, n)}, nil
}

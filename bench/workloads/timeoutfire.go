package workloads

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"

	"github.com/gevent-go/gevent/bench/stats"
)

// timeout_fire: a 1 ms Timeout around a 1 s sleep; the lateness of the
// timeout (elapsed - 1 ms), median and p99 over n tries. One op is one try.
var timeoutFireW = register(&Workload{
	Name:      "timeout_fire",
	Title:     "Timeout(1 ms) firing around sleep(1 s): lateness",
	Ops:       true,
	Primary:   "late-us-p50",
	Secondary: []string{"late-us-p99"},
	Baseline:  Goroutines,
	// A lower lateness is better, but "N times faster" is not what it means.
	FasterIsBetter: false,
	Sizes:          []int{200},
	QuickSizes:     []int{50},
})

func init() {
	timeoutFireW.add(IterPull, nil, noTimers)
	timeoutFireW.add(Goroutines, contextTimeoutFire, "")
	timeoutFireW.addOurs(oursTimeoutFire)
}

// oursTimeoutFire: a 1 ms Timeout interrupts Sleep(1 s).
func oursTimeoutFire(main *greenlet.Greenlet, n int) (Metrics, error) {
	late := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		t := greenlet.StartNew(main, time.Millisecond, nil)
		err := greenlet.Sleep(main, time.Second)
		el := time.Since(t0)
		t.Close()
		if !t.IsTimeout(err) {
			return nil, fmt.Errorf("Sleep(1 s) under a 1 ms Timeout returned %v, not the timeout", err)
		}
		late = append(late, el-time.Millisecond)
	}
	return latenessMetrics(late), nil
}

// latenessMetrics summarises per-try latenesses.
func latenessMetrics(late []time.Duration) Metrics {
	us := stats.Micros(late)
	return Metrics{"late-us-p50": stats.Median(us), "late-us-p99": stats.Percentile(us, 99)}
}

// contextTimeoutFire: a context deadline of 1 ms interrupts a goroutine
// blocked on a 1 s timer.
func contextTimeoutFire(n int) (Metrics, error) {
	late := make([]time.Duration, 0, n)
	bg := context.Background()
	for range n {
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(bg, time.Millisecond)
		t := time.NewTimer(time.Second)
		select {
		case <-ctx.Done():
		case <-t.C:
			cancel()
			return nil, errors.New("goroutines: the 1 s sleep ended before the 1 ms timeout")
		}
		el := time.Since(t0)
		t.Stop()
		cancel()
		late = append(late, el-time.Millisecond)
	}
	return latenessMetrics(late), nil
}

package workloads

import (
	"time"

	"github.com/gevent-go/gevent/greenlet"

	"github.com/gevent-go/gevent/bench/stats"
)

// sleep_1ms: how long sleep(1 ms) really takes, median and p99 over n
// calls. One op is one call.
var sleep1msW = register(&Workload{
	Name:           "sleep_1ms",
	Title:          "sleep(1 ms) accuracy: actual duration",
	Ops:            true,
	Primary:        "dur-us-p50",
	Secondary:      []string{"dur-us-p99"},
	Baseline:       Goroutines,
	FasterIsBetter: false,
	Sizes:          []int{500},
	QuickSizes:     []int{100},
})

func init() {
	sleep1msW.add(IterPull, nil, noTimers)
	sleep1msW.add(Goroutines, goSleep1ms, "")
	sleep1msW.addOurs(oursSleep1ms)
}

func oursSleep1ms(main *greenlet.Greenlet, n int) (Metrics, error) {
	d := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		if err := greenlet.Sleep(main, time.Millisecond); err != nil {
			return nil, err
		}
		d = append(d, time.Since(t0))
	}
	return durationMetrics(d), nil
}

// durationMetrics summarises per-call durations.
func durationMetrics(d []time.Duration) Metrics {
	us := stats.Micros(d)
	return Metrics{"dur-us-p50": stats.Median(us), "dur-us-p99": stats.Percentile(us, 99)}
}

func goSleep1ms(n int) (Metrics, error) {
	d := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		time.Sleep(time.Millisecond)
		d = append(d, time.Since(t0))
	}
	return durationMetrics(d), nil
}

package workloads

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gevent-go/gevent/bench/stats"
	"github.com/gevent-go/gevent/greenlet"
)

// spawn_later: n greenlets (or timers) scheduled at once with delays drawn
// uniformly from [0, 100 ms); how long until the last one ran, how late each
// ran, and what scheduling them cost. Delays are random per process.
var spawnLaterW = register(&Workload{
	Name:      "spawn_later",
	Title:     "N SpawnLater timers, delays uniform in [0, 100 ms)",
	Primary:   "cpu-ns/timer",
	Secondary: []string{"setup-ns/timer", "total-ms", "overshoot-ms", "late-ms-p50", "late-ms-p99"},
	Baseline:  Goroutines,
	// The primary metric is CPU per timer, a cost: lower is faster.
	FasterIsBetter: true,
	Sizes:          []int{100_000},
	QuickSizes:     []int{10_000},
})

func init() {
	spawnLaterW.add(IterPull, nil, noTimers)
	spawnLaterW.add(Goroutines, goSpawnLater, "")
	spawnLaterW.addOurs(oursSpawnLater)
}

// spawnLaterWarmup is how many short timers each implementation runs first,
// as the gevent script does (delays up to 5 ms).
const spawnLaterWarmup = 1000

// oursSpawnLater: n SpawnLater greenlets; the last one to run sets an
// Event that main waits on, as in the gevent script.
func oursSpawnLater(main *greenlet.Greenlet, n int) (Metrics, error) {
	var done *greenlet.Event
	fire := func(count int, onEach func(now time.Time, i int)) func(i int) greenlet.Func {
		done = greenlet.NewEvent(main.Hub())
		fired := 0
		return func(i int) greenlet.Func {
			return func(*greenlet.Greenlet) (any, error) {
				onEach(time.Now(), i)
				if fired++; fired == count {
					done.Set()
				}
				return nil, nil
			}
		}
	}
	warm := fire(spawnLaterWarmup, func(time.Time, int) {})
	for i := range spawnLaterWarmup {
		greenlet.SpawnLater(main, time.Duration(rand.Float64()*float64(5*time.Millisecond)), warm(i))
	}
	if err := done.Wait(main); err != nil {
		return nil, err
	}

	delays, maxd := randomDelays(n)
	late := make([]time.Duration, n)
	var t0, tLast time.Time
	body := fire(n, func(now time.Time, i int) {
		late[i] = now.Sub(t0.Add(delays[i]))
		tLast = now
	})
	runtime.GC()
	c0 := cpuTime()
	t0 = time.Now()
	for i, d := range delays {
		greenlet.SpawnLater(main, d, body(i))
	}
	tSetup := time.Now()
	if err := done.Wait(main); err != nil {
		return nil, err
	}
	cpu := cpuTime() - c0
	return spawnLaterMetrics(n, maxd, t0, tSetup, tLast, cpu, late), nil
}

// spawnLaterMaxDelay bounds the random delays.
const spawnLaterMaxDelay = 100 * time.Millisecond

// randomDelays returns n delays uniform in [0, spawnLaterMaxDelay) and the
// largest of them.
func randomDelays(n int) ([]time.Duration, time.Duration) {
	d := make([]time.Duration, n)
	var maxd time.Duration
	for i := range d {
		d[i] = time.Duration(rand.Float64() * float64(spawnLaterMaxDelay))
		maxd = max(maxd, d[i])
	}
	return d, maxd
}

// spawnLaterMetrics computes the metrics from the start instant, the end of
// the scheduling loop, the last firing, CPU time used, and the latenesses.
func spawnLaterMetrics(n int, maxd time.Duration, t0, tSetup, tLast time.Time, cpu time.Duration, late []time.Duration) Metrics {
	ms := make([]float64, n)
	for i, l := range late {
		ms[i] = float64(l) / 1e6
	}
	total := tLast.Sub(t0)
	return Metrics{
		"total-ms":       float64(total) / 1e6,
		"overshoot-ms":   float64(total-maxd) / 1e6,
		"setup-ns/timer": perOp(tSetup.Sub(t0), n),
		"cpu-ns/timer":   perOp(cpu, n),
		"late-ms-p50":    stats.Median(ms),
		"late-ms-p99":    stats.Percentile(ms, 99),
	}
}

// goSpawnLater uses time.AfterFunc: each timer runs its function on a
// goroutine of its own when it fires.
func goSpawnLater(n int) (Metrics, error) {
	var warm sync.WaitGroup
	warm.Add(spawnLaterWarmup)
	for range spawnLaterWarmup {
		time.AfterFunc(time.Duration(rand.Float64()*float64(5*time.Millisecond)), warm.Done)
	}
	warm.Wait()
	delays, maxd := randomDelays(n)
	late := make([]time.Duration, n)
	var fired atomic.Int64
	var tLast time.Time
	done := make(chan struct{})
	runtime.GC()
	c0 := cpuTime()
	t0 := time.Now()
	for i, d := range delays {
		due := t0.Add(d)
		time.AfterFunc(d, func() {
			now := time.Now()
			late[i] = now.Sub(due)
			if fired.Add(1) == int64(n) {
				tLast = now
				close(done)
			}
		})
	}
	tSetup := time.Now()
	<-done
	cpu := cpuTime() - c0
	return spawnLaterMetrics(n, maxd, t0, tSetup, tLast, cpu, late), nil
}

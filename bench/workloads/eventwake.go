package workloads

import (
	"fmt"
	"iter"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// event_wakeall: N greenlets parked on one Event; Set, and the time until
// the last one has finished, per greenlet.
var eventWakeAllW = register(&Workload{
	Name:           "event_wakeall",
	Title:          "Event wake-all: N parked on one Event, Set (per greenlet)",
	Primary:        "wake-ns/greenlet",
	Secondary:      []string{"spawnpark-ns/greenlet"},
	Baseline:       Goroutines,
	FasterIsBetter: true,
	Sizes:          []int{100_000},
	QuickSizes:     []int{10_000},
})

func init() {
	eventWakeAllW.add(IterPull, iterPullWakeAll, "")
	eventWakeAllW.add(Goroutines, goWakeAll, "")
	eventWakeAllW.addOurs(oursWakeAll)
}

// oursWakeAll parks N greenlets in Event.Wait; the last one woken sets a
// second Event that main waits on.
func oursWakeAll(main *greenlet.Greenlet, n int) (Metrics, error) {
	h := main.Hub()
	ev, done := greenlet.NewEvent(h), greenlet.NewEvent(h)
	started, woken := 0, 0
	waiter := func(g *greenlet.Greenlet) (any, error) {
		started++
		if err := ev.Wait(g); err != nil {
			return nil, err
		}
		if woken++; woken == n {
			done.Set()
		}
		return nil, nil
	}
	t0 := time.Now()
	for range n {
		greenlet.Spawn(main, waiter)
	}
	if err := greenlet.Sleep(main, 0); err != nil {
		return nil, err
	}
	t1 := time.Now()
	if started != n || woken != 0 {
		return nil, fmt.Errorf("Event wake-all: %d started, %d woken before Set, of %d", started, woken, n)
	}
	t2 := time.Now()
	ev.Set()
	if err := done.Wait(main); err != nil {
		return nil, err
	}
	t3 := time.Now()
	return wakeAllMetrics(n, t0, t1, t2, t3), nil
}

// wakeAllMetrics computes the metrics from the instants of the first spawn,
// all parked, Set, and the last one finished.
func wakeAllMetrics(n int, t0, t1, t2, t3 time.Time) Metrics {
	return Metrics{
		"spawnpark-ns/greenlet": perOp(t1.Sub(t0), n),
		"wake-ns/greenlet":      perOp(t3.Sub(t2), n),
	}
}

// iterPullWakeAll: N coroutines each yield once; the "Set" resumes each to
// its end. There is no Event: the loop is the cheapest possible wake-all.
func iterPullWakeAll(n int) (Metrics, error) {
	woken := 0
	body := func(yield func(struct{}) bool) {
		yield(struct{}{})
		woken++
	}
	nexts := make([]func() (struct{}, bool), n)
	stops := make([]func(), n)
	t0 := time.Now()
	for i := range n {
		nexts[i], stops[i] = iter.Pull(body)
		nexts[i]()
	}
	t1 := time.Now()
	t2 := time.Now()
	for i := range n {
		nexts[i]()
		stops[i]()
	}
	t3 := time.Now()
	if woken != n {
		return nil, fmt.Errorf("iter.Pull wake-all: %d of %d woke", woken, n)
	}
	return wakeAllMetrics(n, t0, t1, t2, t3), nil
}

// goWakeAll parks N goroutines on a goEvent.
func goWakeAll(n int) (Metrics, error) {
	ev := newGoEvent()
	var started, woken atomic.Int64
	done := make(chan struct{})
	t0 := time.Now()
	for range n {
		go func() {
			started.Add(1)
			ev.Wait()
			if woken.Add(1) == int64(n) {
				close(done)
			}
		}()
	}
	for started.Load() < int64(n) {
		runtime.Gosched()
	}
	t1 := time.Now()
	time.Sleep(10 * time.Millisecond) // the last few reach their receive
	t2 := time.Now()
	ev.Set()
	<-done
	t3 := time.Now()
	return wakeAllMetrics(n, t0, t1, t2, t3), nil
}

package workloads

import (
	"iter"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// sim_timeouts_1e5 and sim_timeouts_1e6: N processes, each waiting M
// exponential delays one after the other, N x M = 1e5 or 1e6 events; n is
// N. One event is one delay ending and its process resuming; the time
// includes creating the processes, as it does in SimPy.
var (
	simTimeouts1e5W = register(&Workload{
		Name:           "sim_timeouts_1e5",
		Title:          "simulation: N processes × M exponential delays, N × M = 1e5 events (per event)",
		Primary:        "ns/event",
		Baseline:       IterPull,
		FasterIsBetter: true,
		Python:         "simpy",
		Sizes:          []int{1_000, 10_000, 100_000},
		QuickSizes:     []int{1_000},
	})
	simTimeouts1e6W = register(&Workload{
		Name:           "sim_timeouts_1e6",
		Title:          "simulation: N processes × M exponential delays, N × M = 1e6 events (per event)",
		Primary:        "ns/event",
		Baseline:       IterPull,
		FasterIsBetter: true,
		Python:         "simpy",
		Sizes:          []int{1_000, 10_000, 100_000},
		NotQuick:       "the same code as sim_timeouts_1e5 with 10x the events",
	})
)

func init() {
	for _, x := range []struct {
		w      *Workload
		events int
	}{{simTimeouts1e5W, 100_000}, {simTimeouts1e6W, 1_000_000}} {
		events := x.events
		x.w.add(IterPull, func(n int) (Metrics, error) {
			m := max(1, events/n)
			r, err := floorTimeouts(n, m)
			if err != nil {
				return nil, err
			}
			return Metrics{"ns/event": perEvent(r.el, r.events)}, nil
		}, "")
		x.w.addSim(func(main *greenlet.Greenlet, n int, unit time.Duration) (Metrics, error) {
			m := max(1, events/n)
			r, err := oursTimeouts(main, n, m, unit)
			if err != nil {
				return nil, err
			}
			return Metrics{"ns/event": perEvent(r.el, r.events)}, nil
		})
	}
}

// simRun is what one run of a simulation did: its wall time, the events it
// ran, and the simulated time at its end (in ns of the clock it ran on).
type simRun struct {
	el     time.Duration
	events int
	end    int64
	// The bank's counts.
	served, reneged int
	waited          int64
}

// floorTimeouts is the floor: n iter.Pull coroutines, each yielding its
// next delay m times; a typed binary heap of deadlines resumes the
// earliest each time. Nothing is allocated per event.
func floorTimeouts(n, m int) (simRun, error) {
	rng := simRand()
	unit := virtualUnit
	seq := func(yield func(int64) bool) {
		for range m {
			if !yield(int64(simDelay(rng, unit))) {
				return
			}
		}
	}
	nexts := make([]func() (int64, bool), n)
	stops := make([]func(), n)
	var d deadlineHeap
	d.h = make([]deadline, 0, n)
	var r simRun
	t0 := time.Now()
	for i := range n {
		nexts[i], stops[i] = iter.Pull(seq)
		if dl, ok := nexts[i](); ok {
			d.push(dl, int32(i), 0)
		}
	}
	var now int64
	for len(d.h) > 0 {
		top := &d.h[0]
		now = top.at
		r.events++
		if dl, ok := nexts[top.i](); ok {
			d.replaceTop(now + dl)
		} else {
			d.pop()
		}
	}
	r.el = time.Since(t0)
	r.end = now
	for _, stop := range stops {
		stop()
	}
	if r.events != n*m {
		return r, errCount("floor", r.events, n*m)
	}
	return r, nil
}

// oursTimeouts: n greenlets, each sleeping m exponential delays of mean
// unit; the main greenlet joins them all.
func oursTimeouts(main *greenlet.Greenlet, n, m int, unit time.Duration) (simRun, error) {
	rng := simRand()
	h := main.Hub()
	var r simRun
	body := func(g *greenlet.Greenlet) (any, error) {
		for range m {
			if err := greenlet.Sleep(g, simDelay(rng, unit)); err != nil {
				return nil, err
			}
			r.events++
		}
		return nil, nil
	}
	gs := make([]*greenlet.Greenlet, n)
	start := h.Now()
	t0 := time.Now()
	for i := range gs {
		gs[i] = greenlet.Spawn(main, body)
	}
	if _, err := greenlet.JoinAll(main, gs, greenlet.StopOnError()); err != nil {
		return r, err
	}
	r.el = time.Since(t0)
	r.end = h.Now() - start
	if err := failed(gs); err != nil {
		return r, err
	}
	if r.events != n*m {
		return r, errCount("hub", r.events, n*m)
	}
	return r, nil
}

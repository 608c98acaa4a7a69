package workloads

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// kill_parked: kill, blocking until it has died, a greenlet that is parked
// in a sleep of a day. Greenlets are spawned and parked in batches of
// killBatch (untimed); only the kills are timed. One op is one kill.
var killParkedW = register(&Workload{
	Name:           "kill_parked",
	Title:          "kill(block) of a greenlet parked in sleep(1 day)",
	Ops:            true,
	Primary:        "ns/kill",
	Baseline:       IterPull,
	FasterIsBetter: true,
	Sizes:          []int{50_000},
	QuickSizes:     []int{5_000},
})

// killBatch is how many greenlets are parked before a round of kills.
const killBatch = 1000

func init() {
	killParkedW.add(IterPull, iterPullKill, "")
	killParkedW.add(Goroutines, goKill, "")
	killParkedW.addOurs(oursKill)
}

// sleepADay is the body of the greenlets kill_parked kills.
func sleepADay(g *greenlet.Greenlet) (any, error) {
	return nil, greenlet.Sleep(g, 24*time.Hour)
}

// oursKill: Sleep(0) lets a batch start and park, then each is killed with
// block and no timeout.
func oursKill(main *greenlet.Greenlet, n int) (Metrics, error) {
	var total time.Duration
	err := batches(n, func(m int) error {
		gs := make([]*greenlet.Greenlet, m)
		for i := range gs {
			gs[i] = greenlet.Spawn(main, sleepADay)
		}
		if err := greenlet.Sleep(main, 0); err != nil {
			return err
		}
		t0 := time.Now()
		for _, g := range gs {
			if err := g.Kill(main); err != nil {
				return err
			}
		}
		total += time.Since(t0)
		return failed(gs)
	})
	if err != nil {
		return nil, err
	}
	return Metrics{"ns/kill": perOp(total, n)}, nil
}

// batches calls f with the sizes of successive batches covering n.
func batches(n int, f func(m int) error) error {
	for left := n; left > 0; left -= killBatch {
		if err := f(min(killBatch, left)); err != nil {
			return err
		}
	}
	return nil
}

// iterPullKill: the coroutine is parked in a yield; stop makes that yield
// return false, the body returns, and stop returns once it has: the floor
// for a blocking kill.
func iterPullKill(n int) (Metrics, error) {
	var total time.Duration
	exited := 0
	body := func(yield func(struct{}) bool) {
		for yield(struct{}{}) {
		}
		exited++
	}
	err := batches(n, func(m int) error {
		stops := make([]func(), m)
		for i := range stops {
			var next func() (struct{}, bool)
			next, stops[i] = iter.Pull(body)
			next()
		}
		t0 := time.Now()
		for _, stop := range stops {
			stop()
		}
		total += time.Since(t0)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if exited != n {
		return nil, fmt.Errorf("iter.Pull kill: %d of %d exited", exited, n)
	}
	return Metrics{"ns/kill": perOp(total, n)}, nil
}

// goSleeper is a goroutine "sleeping" a day until cancelled; kill is
// cancel plus waiting for it to exit.
type goSleeper struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func spawnGoSleeper(started *sync.WaitGroup) *goSleeper {
	ctx, cancel := context.WithCancel(context.Background())
	g := &goSleeper{cancel: cancel, done: make(chan struct{})}
	go func() {
		t := time.NewTimer(24 * time.Hour)
		started.Done()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
		close(g.done)
	}()
	return g
}

func goKill(n int) (Metrics, error) {
	var total time.Duration
	err := batches(n, func(m int) error {
		var started sync.WaitGroup
		started.Add(m)
		gs := make([]*goSleeper, m)
		for i := range gs {
			gs[i] = spawnGoSleeper(&started)
		}
		started.Wait()
		t0 := time.Now()
		for _, g := range gs {
			g.cancel()
			<-g.done
		}
		total += time.Since(t0)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return Metrics{"ns/kill": perOp(total, n)}, nil
}

package workloads

import (
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// event_handoff and queue_handoff: two greenlets passing control back and
// forth through a pair of Events (set/wait/clear) or a pair of unbounded
// Queues (put/get). One op is one handoff (a round trip counts two).
var (
	eventHandoffW = register(&Workload{
		Name:           "event_handoff",
		Title:          "Event set/wait ping-pong (per handoff)",
		Ops:            true,
		Primary:        "ns/handoff",
		Baseline:       Goroutines,
		FasterIsBetter: true,
		Sizes:          []int{200_000},
		QuickSizes:     []int{10_000},
	})
	queueHandoffW = register(&Workload{
		Name:           "queue_handoff",
		Title:          "Queue put/get ping-pong (per handoff)",
		Ops:            true,
		Primary:        "ns/handoff",
		Baseline:       Goroutines,
		FasterIsBetter: true,
		Sizes:          []int{200_000},
		QuickSizes:     []int{10_000},
	})
)

func init() {
	const why = "a bare coroutine has no Event or Queue"
	eventHandoffW.add(IterPull, nil, why)
	eventHandoffW.add(Goroutines, goEventHandoff, "")
	queueHandoffW.add(IterPull, nil, why)
	queueHandoffW.add(Goroutines, goQueueHandoff, "")
	eventHandoffW.addOurs(oursEventHandoff)
	queueHandoffW.addOurs(oursQueueHandoff)
}

// oursQueueHandoff: A puts into q1 and gets from q2; B gets from q1 and
// puts into q2. Both queues are unbounded, as gevent's Queue().
func oursQueueHandoff(main *greenlet.Greenlet, n int) (Metrics, error) {
	h := main.Hub()
	q1, q2 := greenlet.NewQueue[int](h), greenlet.NewQueue[int](h)
	a := func(g *greenlet.Greenlet) (any, error) {
		for i := range n {
			if err := q1.Put(g, i); err != nil {
				return nil, err
			}
			if _, err := q2.Get(g); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	b := func(g *greenlet.Greenlet) (any, error) {
		for range n {
			v, err := q1.Get(g)
			if err != nil {
				return nil, err
			}
			if err := q2.Put(g, v); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	el, err := timeSpawnedPair(main, a, b)
	if err != nil {
		return nil, err
	}
	return Metrics{"ns/handoff": perOp(el, 2*n)}, nil
}

// oursEventHandoff: greenlet A sets e1 and waits e2; B waits e1 and sets e2.
func oursEventHandoff(main *greenlet.Greenlet, n int) (Metrics, error) {
	h := main.Hub()
	e1, e2 := greenlet.NewEvent(h), greenlet.NewEvent(h)
	a := func(g *greenlet.Greenlet) (any, error) {
		for range n {
			e1.Set()
			if err := e2.Wait(g); err != nil {
				return nil, err
			}
			e2.Clear()
		}
		return nil, nil
	}
	b := func(g *greenlet.Greenlet) (any, error) {
		for range n {
			if err := e1.Wait(g); err != nil {
				return nil, err
			}
			e1.Clear()
			e2.Set()
		}
		return nil, nil
	}
	el, err := timeSpawnedPair(main, a, b)
	if err != nil {
		return nil, err
	}
	return Metrics{"ns/handoff": perOp(el, 2*n)}, nil
}

// goEventHandoff: A sets e1 and waits e2; B waits e1 and sets e2.
func goEventHandoff(n int) (Metrics, error) {
	e1, e2 := newGoEvent(), newGoEvent()
	fin := make(chan struct{})
	go func() {
		for range n {
			e1.Wait()
			e1.Clear()
			e2.Set()
		}
		close(fin)
	}()
	t0 := time.Now()
	for range n {
		e1.Set()
		e2.Wait()
		e2.Clear()
	}
	el := time.Since(t0)
	<-fin
	return Metrics{"ns/handoff": perOp(el, 2*n)}, nil
}

// goQueueHandoff uses channels with room for 1024 items: gevent's Queue() is
// unbounded, and a large buffer is its closest Go analogue.
func goQueueHandoff(n int) (Metrics, error) {
	q1, q2 := make(chan int, 1024), make(chan int, 1024)
	go func() {
		for i := range n {
			<-q1
			q2 <- i
		}
	}()
	t0 := time.Now()
	for i := range n {
		q1 <- i
		<-q2
	}
	el := time.Since(t0)
	return Metrics{"ns/handoff": perOp(el, 2*n)}, nil
}

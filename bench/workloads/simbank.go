package workloads

import (
	"iter"
	"math/rand/v2"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// sim_bank: SimPy's bank example with reneging customers, n customers and
// bankCounters counters; one op is one customer (its arrival, its wait on
// the counters, which ends with a counter or with its patience, and its
// service). The model is the one of examples/bank.
var simBankW = register(&Workload{
	Name:           "sim_bank",
	Title:          "simulation: bank with 10 counters and reneging customers (per customer)",
	Primary:        "ns/customer",
	Secondary:      []string{"reneged-%", "wait-units"},
	Baseline:       IterPull,
	FasterIsBetter: true,
	Python:         "simpy",
	Sizes:          []int{100_000},
	QuickSizes:     []int{10_000},
})

// The bank model: bankCounters counters; the means of the inter-arrival
// time, the service time and the patience, in units of the clock.
const (
	bankCounters = 10
	bankInterval = 1.0
	bankService  = 10.0
	bankPatience = 5.0
)

func init() {
	simBankW.add(IterPull, func(n int) (Metrics, error) {
		r, err := floorBank(n)
		return bankMetrics(r, n, virtualUnit), err
	}, "")
	simBankW.addSim(func(main *greenlet.Greenlet, n int, unit time.Duration) (Metrics, error) {
		r, err := oursBank(main, n, unit)
		return bankMetrics(r, n, unit), err
	})
}

// bankMetrics: the time per customer, and as a check that every
// implementation runs the same model, the share of customers who reneged
// and the mean wait of the served ones in units of the clock (both differ
// on the real clock, where every delay is near zero).
func bankMetrics(r simRun, n int, unit time.Duration) Metrics {
	m := Metrics{"ns/customer": perEvent(r.el, n), "reneged-%": 100 * float64(r.reneged) / float64(n)}
	if r.served > 0 {
		m["wait-units"] = float64(r.waited) / float64(unit) / float64(r.served)
	}
	return m
}

// bankDraws draws a customer's patience, service time and the gap to the
// next arrival, in that order: all the model's randomness, drawn by the
// source at each arrival, so the stream is consumed in the same order by
// every implementation whatever its schedule.
func bankDraws(rng *rand.Rand, unit time.Duration) (patience, service, gap time.Duration) {
	patience = simDelay(rng, time.Duration(bankPatience*float64(unit)))
	service = simDelay(rng, time.Duration(bankService*float64(unit)))
	gap = simDelay(rng, time.Duration(bankInterval*float64(unit)))
	return
}

// oursBank: the source (the main greenlet) spawns a greenlet per customer;
// a customer queues on a Semaphore of bankCounters slots with a timed
// Acquire (its patience), and a served one sleeps its service time and
// releases its counter.
func oursBank(main *greenlet.Greenlet, n int, unit time.Duration) (simRun, error) {
	rng := simRand()
	h := main.Hub()
	counters := greenlet.NewSemaphore(h, bankCounters)
	var r simRun
	customer := func(patience, service time.Duration) greenlet.Func {
		return func(g *greenlet.Greenlet) (any, error) {
			arrive := h.Now()
			got, err := counters.AcquireTimeout(g, patience)
			if err != nil {
				return nil, err
			}
			if !got {
				r.reneged++
				return nil, nil
			}
			r.served++
			r.waited += h.Now() - arrive
			err = greenlet.Sleep(g, service)
			counters.Release()
			return nil, err
		}
	}
	gs := make([]*greenlet.Greenlet, 0, n)
	start := h.Now()
	t0 := time.Now()
	for i := range n {
		patience, service, gap := bankDraws(rng, unit)
		gs = append(gs, greenlet.Spawn(main, customer(patience, service)))
		if i == n-1 {
			break
		}
		if err := greenlet.Sleep(main, gap); err != nil {
			return r, err
		}
	}
	if _, err := greenlet.JoinAll(main, gs, greenlet.StopOnError()); err != nil {
		return r, err
	}
	r.el = time.Since(t0)
	r.end = h.Now() - start
	r.events = r.served + r.reneged
	if err := failed(gs); err != nil {
		return r, err
	}
	if r.events != n {
		return r, errCount("hub bank", r.events, n)
	}
	return r, nil
}

// bankProc is a process of the floor's bank: the source or a customer.
type bankProc struct {
	next    func() (int64, bool) // nil once the process has ended
	stop    func()
	gen     uint32 // bumped when a queued customer gets a counter: its patience entry goes stale
	queued  bool   // waiting for a counter
	granted bool   // got a counter while queued
}

// bankEngine is the floor's engine: iter.Pull coroutines that yield the
// delay after which they want to resume, a deadline heap, the counters
// and their FIFO queue of waiting customers (a queued customer is also in
// the heap at its patience; whichever comes first wins).
type bankEngine struct {
	procs []*bankProc
	heap  deadlineHeap
	ready []int32 // resume now, in order
	queue []int32 // customers waiting for a counter, FIFO; reneged ones are skipped
	head  int
	free  int
	now   int64
}

// acquire gives p a counter at once if one is free and nobody queues,
// else queues p: the coroutine then yields its patience.
func (e *bankEngine) acquire(i int32) bool {
	if e.free > 0 && e.head == len(e.queue) {
		e.free--
		return true
	}
	e.procs[i].queued = true
	e.queue = append(e.queue, i)
	return false
}

// release hands the counter to the first customer still queued, who
// resumes now, or frees it.
func (e *bankEngine) release() {
	for e.head < len(e.queue) {
		i := e.queue[e.head]
		e.head++
		p := e.procs[i]
		if !p.queued {
			continue // reneged
		}
		p.queued, p.granted = false, true
		p.gen++
		e.ready = append(e.ready, i)
		return
	}
	e.free++
}

// floorBank runs the bank on the floor's engine.
func floorBank(n int) (simRun, error) {
	rng := simRand()
	unit := virtualUnit
	e := &bankEngine{free: bankCounters}
	var r simRun
	spawn := func(seq iter.Seq[int64]) int32 {
		p := &bankProc{}
		p.next, p.stop = iter.Pull(seq)
		e.procs = append(e.procs, p)
		i := int32(len(e.procs) - 1)
		e.ready = append(e.ready, i)
		return i
	}
	source := func(yield func(int64) bool) {
		for i := range n {
			patience, service, gap := bankDraws(rng, unit)
			var self int32
			self = spawn(func(yield func(int64) bool) {
				arrive := e.now
				p := e.procs[self]
				if !e.acquire(self) {
					if !yield(int64(patience)) {
						return
					}
					if !p.granted {
						p.queued = false
						r.reneged++
						return
					}
				}
				r.served++
				r.waited += e.now - arrive
				if !yield(int64(service)) {
					return
				}
				e.release()
			})
			if i == n-1 {
				return
			}
			if !yield(int64(gap)) {
				return
			}
		}
	}
	e.procs = make([]*bankProc, 0, n+1)
	e.heap.h = make([]deadline, 0, 2*bankCounters)
	t0 := time.Now()
	spawn(source)
	for {
		var i int32
		if len(e.ready) > 0 {
			i = e.ready[0]
			e.ready = e.ready[1:]
		} else if len(e.heap.h) > 0 {
			top := e.heap.h[0]
			e.heap.pop()
			if p := e.procs[top.i]; top.gen != p.gen || p.next == nil {
				continue // a patience that ended with a counter
			}
			e.now = top.at
			i = top.i
		} else {
			break
		}
		p := e.procs[i]
		if d, ok := p.next(); ok {
			e.heap.push(e.now+d, i, p.gen)
		} else {
			p.next, p.stop = nil, nil // done: its coroutine has ended
		}
	}
	r.el = time.Since(t0)
	r.end = e.now
	r.events = r.served + r.reneged
	if r.events != n {
		return r, errCount("floor bank", r.events, n)
	}
	return r, nil
}

package workloads

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// The simulation workloads (sim_timeouts_1e5, sim_timeouts_1e6, sim_bank)
// compare the hub as a discrete-event simulation engine with SimPy
// (bench/simpy_bench.py) and with the floor: a bare loop of iter.Pull
// coroutines resumed in deadline order from a typed binary heap.
//
// Our hub runs them twice: on the virtual clock (Virtual), where a
// simulated second costs nothing, and on the real clock of the pure-Go
// core (CoreGo) with every delay scaled down to nanoseconds, so that the
// same number of timer events happens without waiting.

// virtualClock is the hub option list of the Virtual rows.
var virtualClock = []hub.Option{hub.WithCore("go"), hub.WithVirtualClock()}

// virtualMissing, when not empty, says why the Virtual rows cannot run.
var virtualMissing = ""

// simSeed fixes the random stream of every simulation sample (PCG), so
// that every implementation in Go draws the same delays.
const simSeed = 1

// simRand returns the random stream of one sample.
func simRand() *rand.Rand { return rand.New(rand.NewPCG(simSeed, 0)) }

// simDelay draws an exponential delay of mean unit, at least 1 ns: a zero
// delay would be a yield, not a timer event.
func simDelay(rng *rand.Rand, unit time.Duration) time.Duration {
	return max(1, time.Duration(rng.ExpFloat64()*float64(unit)))
}

// Units of the simulated time: the mean delay on the virtual clock and the
// floor (a simulated second), and on the real clock (near zero: every
// timer has expired by the next poll, so no sample waits).
const (
	virtualUnit = time.Second
	realUnit    = time.Nanosecond
)

// simOursFunc is one of our implementations of a simulation workload,
// given the time unit of its clock.
type simOursFunc func(main *greenlet.Greenlet, n int, unit time.Duration) (Metrics, error)

// addSim registers a simulation workload's hub implementation on the
// virtual clock (Virtual) and on the real clock of the pure-Go core
// (CoreGo), hides the rows that do not apply, and says why goroutines do
// not take part.
func (w *Workload) addSim(f simOursFunc) {
	run := func(unit time.Duration, opts ...hub.Option) Func {
		return func(n int) (Metrics, error) {
			var m Metrics
			err := greenlet.Run(func(main *greenlet.Greenlet) error {
				var err error
				m, err = f(main, n, unit)
				return err
			}, opts...)
			return m, err
		}
	}
	if virtualMissing != "" {
		w.add(Virtual, nil, virtualMissing)
	} else {
		w.add(Virtual, run(virtualUnit, virtualClock...), "")
	}
	w.add(CoreGo, run(realUnit, hub.WithCore("go")), "")
	w.add(Goroutines, nil, "no virtual clock for goroutines outside testing/synctest")
	for _, impl := range []Impl{CoreC, CGreenletAPI, CGreenletHub, CGreenlet} {
		w.hide(impl)
	}
}

// deadline is an entry of the floor's heap: process i is due at at; seq
// breaks ties first-in first-out, as a timer heap must.
type deadline struct {
	at  int64
	seq uint64
	i   int32
	gen uint32 // the bank floor: a stale entry has an older generation
}

// deadlineHeap is a typed binary min-heap of deadlines: no interface
// calls and no allocation once grown.
type deadlineHeap struct {
	h   []deadline
	seq uint64
}

func (d *deadlineHeap) less(a, b int) bool {
	x, y := &d.h[a], &d.h[b]
	return x.at < y.at || x.at == y.at && x.seq < y.seq
}

func (d *deadlineHeap) push(at int64, i int32, gen uint32) {
	d.seq++
	d.h = append(d.h, deadline{at: at, seq: d.seq, i: i, gen: gen})
	j := len(d.h) - 1
	for j > 0 {
		p := (j - 1) / 2
		if !d.less(j, p) {
			break
		}
		d.h[j], d.h[p] = d.h[p], d.h[j]
		j = p
	}
}

// replaceTop moves the earliest entry to at (a process due again) and
// restores the heap: one sift-down instead of a pop and a push.
func (d *deadlineHeap) replaceTop(at int64) {
	d.seq++
	d.h[0].at, d.h[0].seq = at, d.seq
	d.down(0)
}

// pop removes the earliest entry.
func (d *deadlineHeap) pop() {
	last := len(d.h) - 1
	d.h[0] = d.h[last]
	d.h = d.h[:last]
	if last > 0 {
		d.down(0)
	}
}

func (d *deadlineHeap) down(j int) {
	n := len(d.h)
	for {
		l := 2*j + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && d.less(r, l) {
			c = r
		}
		if !d.less(c, j) {
			return
		}
		d.h[j], d.h[c] = d.h[c], d.h[j]
		j = c
	}
}

// perEvent is the primary metric of a simulation sample.
func perEvent(el time.Duration, events int) float64 {
	if events == 0 {
		return 0
	}
	return float64(el.Nanoseconds()) / float64(events)
}

// errCount reports a sample that did not run the events it should have.
func errCount(what string, got, want int) error {
	return fmt.Errorf("%s: %d events, want %d", what, got, want)
}

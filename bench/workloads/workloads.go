// Package workloads holds the comparison workloads of gevent-go: each
// workload written once per implementation (goroutines and channels, a bare
// iter.Pull coroutine, and our greenlets on each core), as plain functions
// that both the go test benchmarks of this package and the gevent-bench
// command call.
//
// bench/gevent_bench.py runs the same workloads on real gevent: the same
// operations, counted the same way, so the numbers are comparable with
// gevent's. bench/simpy_bench.py does the same on SimPy for the simulation
// workloads (sim.go).
//
// A Func runs one sample and returns its Metrics; it does its own timing, so
// set-up such as creating a hub is outside the timed region. A Func of a
// workload with Ops set takes the number of operations to time; one with
// Ops unset takes a size (greenlets, timers) and does its own warm-up.
package workloads

import (
	"fmt"
	"slices"
	"sort"
)

// Metrics are the named results of one sample, e.g. "ns/switch" or
// "late-us-p99". Names carry their unit. A metric a sample could not
// measure is absent.
type Metrics map[string]float64

// A Func runs one sample of a workload with parameter n (operations or size,
// see Workload.Ops) and returns what it measured. It returns an error, not a
// panic, when the implementation misbehaves (a greenlet failed, a timer did
// not fire).
type Func func(n int) (Metrics, error)

// Impl names an implementation of the workloads.
type Impl string

// The Go implementations, in the order tables list them.
const (
	Goroutines Impl = "goroutines"
	IterPull   Impl = "iterpull"
	CoreGo     Impl = "core=go"
	CoreC      Impl = "core=c"
	// CGreenletAPI is C greenlets (C functions on C stacks) in our hub on
	// the C core through the greenlet API (greenlet.SpawnC: a Go greenlet
	// stands for each, so Join, JoinAll and Kill work as for any greenlet).
	CGreenletAPI Impl = "cgreenlet-api"
	// CGreenletHub is the same through the hub's own API (Hub.SpawnC,
	// CGreenlet.Wait and Kill), with no Go greenlet per C greenlet.
	CGreenletHub Impl = "cgreenlet-hub"
	// CGreenlet is C greenlets in a bare C hub (package cgo) that Go drives
	// one turn at a time: the floor under CGreenletHub.
	CGreenlet Impl = "cgreenlet"
	// Virtual is our greenlets on the pure-Go core with the virtual clock
	// (hub.WithVirtualClock): the simulation workloads only.
	Virtual Impl = "virtual"
	// Epoll is the echo workloads' floor: a bare single-threaded epoll
	// loop doing the server's reads and writes with no scheduler.
	Epoll Impl = "epoll"
	// Goroutines2 is Goroutines with GOMAXPROCS=2 and no CPU pinning: the
	// echo workloads' multi-CPU plain-Go server.
	Goroutines2 Impl = "goroutines-2p"
	// HubPerCPU is our echo server with one core=go hub per CPU, each with
	// its own SO_REUSEPORT listener on one port, not pinned: the rival of Goroutines2 in
	// throughput.
	HubPerCPU Impl = "hub-per-cpu"
)

// GoImpls lists the implementations this package can run, in table order.
var GoImpls = []Impl{IterPull, Epoll, Goroutines, Goroutines2, CoreGo, Virtual, CoreC, HubPerCPU, CGreenletAPI, CGreenletHub, CGreenlet}

// noCGreenlets is the default reason a workload has no C greenlet
// implementation: only what the bodies of cgo/bodies.c can express has one.
const noCGreenlets = "no C greenlet body for it in cgo/bodies.c"

// Label is the human name of an implementation, for tables.
func (i Impl) Label() string {
	switch i {
	case Goroutines:
		return "goroutines + channels/context"
	case IterPull:
		return "bare iter.Pull"
	case CoreGo:
		return "ours, core=go"
	case CoreC:
		return "ours, core=c"
	case CGreenletAPI:
		return "C greenlets, greenlet.SpawnC (core=c)"
	case CGreenletHub:
		return "C greenlets, Hub.SpawnC (core=c)"
	case CGreenlet:
		return "C greenlets, bare C hub driven from Go"
	case Virtual:
		return "ours, core=go, virtual clock"
	case Epoll:
		return "bare epoll loop"
	case Goroutines2:
		return "goroutines, GOMAXPROCS=2"
	case HubPerCPU:
		return "ours, one hub per CPU"
	}
	return string(i)
}

// SubName is the name of the implementation's sub-benchmark: "core=go" and
// "core=c" for our cores, "impl=<name>" for the others, so benchstat can
// group by either key.
func (i Impl) SubName() string {
	switch i {
	case CoreGo, CoreC:
		return string(i)
	}
	return "impl=" + string(i)
}

// A Workload is one comparison: what it does, how it is sized, and its
// implementations.
type Workload struct {
	// Name is the key used on the command line, in child processes, by the
	// gevent script and in file names, e.g. "spawn_join".
	Name string
	// Title is the table heading.
	Title string
	// Ops is true when n counts timed operations (a warm-up with n/10 runs
	// first in a fresh process); false when n is a size and the Func warms
	// up itself.
	Ops bool
	// Primary is the headline metric: ratios are computed on it.
	Primary string
	// Secondary lists further metrics shown beside the primary one.
	Secondary []string
	// Baseline is the implementation the ratio column divides by.
	Baseline Impl
	// FasterIsBetter is false for metrics where "n times faster than
	// gevent" means nothing (the duration of a 1 ms sleep).
	FasterIsBetter bool
	// Fresh is true when each sample needs a fresh process because it
	// measures memory.
	Fresh bool
	// Sizes are the values of n a full run uses: the operation count of an
	// Ops workload, or the sizes of a sized one (each its own table).
	Sizes []int
	// QuickSizes are the values of n a -quick run uses; empty when
	// NotQuick says why a quick run leaves the workload out.
	QuickSizes []int
	NotQuick   string
	// Python names the Python implementation the workload is compared
	// with: "" for real gevent (bench/gevent_bench.py), "simpy" for SimPy
	// (bench/simpy_bench.py).
	Python string
	// PythonServer is true when the Python implementation is a server that
	// this package's client drives: the command runs its row as a Go
	// child with the implementation GeventImpl, telling it where Python
	// and the script are (EnvPython, EnvGeventScript).
	PythonServer bool

	impls  map[Impl]Func
	na     map[Impl]string
	hidden map[Impl]bool
}

// Shows reports whether the workload's tables have a row for impl: a row
// that could never apply (the virtual clock outside the simulation
// workloads, C greenlets in them) is left out instead of shown as n/a.
func (w *Workload) Shows(impl Impl) bool { return !w.hidden[impl] }

// hide leaves impl out of the workload's tables and runs.
func (w *Workload) hide(impl Impl) {
	w.hidden[impl] = true
	w.na[impl] = "not part of this workload"
}

// Func returns the implementation impl of the workload, or an error whose
// text says why it does not exist (shown in the "n/a" cell).
func (w *Workload) Func(impl Impl) (Func, error) {
	if why, ok := w.na[impl]; ok {
		return nil, fmt.Errorf("%s", why)
	}
	f, ok := w.impls[impl]
	if !ok {
		return nil, fmt.Errorf("not written for %s", impl)
	}
	if impl == CoreC || impl == CoreGo {
		if err := coreAvailable(impl); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// registry holds every workload by name; order holds the table order.
var (
	registry = map[string]*Workload{}
	order    []string
)

// register adds w; called from the init of each workload's file.
func register(w *Workload) *Workload {
	if _, dup := registry[w.Name]; dup {
		panic("workloads: workload registered twice: " + w.Name)
	}
	if w.impls == nil {
		w.impls = map[Impl]Func{}
	}
	if w.na == nil {
		w.na = map[Impl]string{}
	}
	if w.hidden == nil {
		w.hidden = map[Impl]bool{}
	}
	for _, impl := range []Impl{CGreenlet, CGreenletHub, CGreenletAPI} {
		if _, ok := w.na[impl]; !ok {
			w.na[impl] = noCGreenlets
		}
	}
	for _, impl := range []Impl{Virtual, Epoll, Goroutines2, HubPerCPU} {
		w.hide(impl) // until the workload registers it
	}
	registry[w.Name] = w
	order = append(order, w.Name)
	return w
}

// add records impl's Func, or, when f is nil, why impl does not exist.
func (w *Workload) add(impl Impl, f Func, why string) {
	delete(w.hidden, impl) // an explicit entry, even a reason, is a row
	if f == nil {
		w.na[impl] = why
		return
	}
	delete(w.na, impl) // a default reason (CGreenlet's) yields to the real thing
	w.impls[impl] = f
}

// All returns every workload in table order.
func All() []*Workload {
	ws := make([]*Workload, 0, len(order))
	for _, n := range sortedOrder() {
		ws = append(ws, registry[n])
	}
	return ws
}

// Lookup returns the workload called name, or nil.
func Lookup(name string) *Workload { return registry[name] }

// tableOrder fixes the order of the report (the order), whatever
// order the files' init functions ran in.
var tableOrder = []string{
	"switch", "sleep0", "spawn_join", "spawn_joinall", "parked", "event_wakeall", "timeout_cancel",
	"timeout_fire", "sleep_1ms", "kill_parked", "event_handoff", "queue_handoff", "spawn_later",
	"offload", "sim_timeouts_1e5", "sim_timeouts_1e6", "sim_bank", "echo_100", "echo_1000",
}

func sortedOrder() []string {
	o := slices.Clone(order)
	rank := func(n string) int {
		if i := slices.Index(tableOrder, n); i >= 0 {
			return i
		}
		return len(tableOrder)
	}
	sort.SliceStable(o, func(i, j int) bool { return rank(o[i]) < rank(o[j]) })
	return o
}

package main

import (
	"fmt"
	"slices"
	"sort"

	"github.com/gevent-go/gevent/bench/report"
	"github.com/gevent-go/gevent/bench/stats"
	"github.com/gevent-go/gevent/bench/workloads"
)

// rowKey names one row: an implementation of a workload at a size.
type rowKey struct {
	workload string
	size     int
	impl     string
}

// aggregate turns the samples of each row into a report.Row: the summary
// of every metric over the samples that succeeded, and a note or failure
// when some or all failed.
func aggregate(samples []sample) map[rowKey]*report.Row {
	type acc struct {
		values map[string][]float64
		errs   []string
		n      int
	}
	accs := map[rowKey]*acc{}
	for _, s := range samples {
		k := rowKey{s.Workload, s.Size, s.Impl}
		a := accs[k]
		if a == nil {
			a = &acc{values: map[string][]float64{}}
			accs[k] = a
		}
		a.n++
		if s.Err != "" {
			a.errs = append(a.errs, s.Err)
			continue
		}
		for m, v := range s.Metrics {
			a.values[m] = append(a.values[m], v)
		}
	}
	rows := map[rowKey]*report.Row{}
	for k, a := range accs {
		r := &report.Row{Key: k.impl, Metrics: map[string]stats.Summary{}}
		for m, vs := range a.values {
			r.Metrics[m] = stats.Summarize(vs)
		}
		switch {
		case len(a.errs) == a.n:
			r.Failed = a.errs[0]
		case len(a.errs) > 0:
			r.Note = fmt.Sprintf("%d of %d samples failed: %s", len(a.errs), a.n, a.errs[0])
		}
		rows[k] = r
	}
	return rows
}

// caseInput is what buildCase needs besides the samples.
type caseInput struct {
	w       *workloads.Workload
	index   int // 1-based position in the report
	size    int
	reps    int
	py      pyInfo // the Python implementation the workload is compared with
	rows    map[rowKey]*report.Row
	csrc    []csrcRow
	perfOps bool
}

// buildCase assembles one table: the Go implementations in order (n/a
// where they do not exist), the csrc rows for this workload, and gevent.
func buildCase(in caseInput) *report.Case {
	w := in.w
	c := &report.Case{
		ID:             w.Name,
		Title:          fmt.Sprintf("%d. %s", in.index, w.Title),
		Primary:        w.Primary,
		Secondary:      w.Secondary,
		BaselineKey:    string(w.Baseline),
		GeventKey:      in.py.spec.key,
		PythonName:     in.py.spec.name,
		FasterIsBetter: w.FasterIsBetter,
	}
	if !w.Ops {
		c.Size = in.size
	}
	for _, impl := range workloads.GoImpls {
		if !w.Shows(impl) {
			continue
		}
		row := report.Row{Key: string(impl), Label: impl.Label()}
		if _, err := w.Func(impl); err != nil {
			row.NA = err.Error()
		} else if r := in.rows[rowKey{w.Name, in.size, string(impl)}]; r != nil {
			r.Label = row.Label
			row = *r
		} else {
			row.NA = "not run (filtered out)"
		}
		c.Rows = append(c.Rows, row)
	}
	for _, cr := range in.csrc {
		if cr.workload == w.Name {
			c.Rows = append(c.Rows, cr.row)
		}
	}
	grow := report.Row{Key: in.py.spec.key, Label: in.py.label()}
	if in.py.missing != "" {
		grow.NA = in.py.missing
	} else if r := in.rows[rowKey{w.Name, in.size, in.py.spec.key}]; r != nil {
		r.Label = grow.Label
		grow = *r
	} else {
		grow.NA = "not run"
	}
	c.Rows = append(c.Rows, grow)

	if w.Ops {
		c.Notes = append(c.Notes, fmt.Sprintf("Each sample: a fresh process times %s operations after a warm-up of %s; %d samples per row, interleaved.",
			report.Num(float64(in.size)), report.Num(float64(max(1, in.size/10))), in.reps))
	} else {
		c.Notes = append(c.Notes, fmt.Sprintf("Each sample: a fresh process; %d samples per row, interleaved.", in.reps))
	}
	c.Notes = append(c.Notes, workloadNotes[w.Name]...)
	return c
}

// workloadNotes explain what each implementation does where the table alone
// would mislead.
var workloadNotes = map[string][]string{
	"switch":     {"goroutines: an unbuffered-channel ping-pong. gevent: greenlet.switch between two raw greenlets."},
	"sleep0":     {"bare iter.Pull: a loop resuming two coroutines in turn, each yielding at once; one resumption is the floor of a greenlet→hub→greenlet handoff. goroutines: runtime.Gosched in two goroutines.", "C greenlets, bare C hub: two C greenlets yielding through the C hub; Go runs turns until both end."},
	"spawn_join": {"bare iter.Pull: iter.Pull + next + stop of a trivial body. goroutines: go + a done channel.", "C greenlets, bare C hub: a spawn command and a turn (one cgo call) per greenlet."},
	"spawn_joinall": {
		"peak-rss-MiB is the process's VmHWM; rss-B/greenlet is (VmHWM − VmRSS before) / N.",
		"C greenlets, bare C hub: spawn commands are flushed 256 at a time (the C default) by a turn, which runs them too, so spawn-ns is not reported.",
		"bare iter.Pull: the spawn appends the body to a queue (a greenlet's coroutine exists only once it runs, in gevent as in ours); the join runs each as iter.Pull + next + stop. goroutines: N goroutines, each closing its own done channel, then a receive on each.",
	},
	"parked": {
		"rss-B/greenlet: VmRSS delta per parked greenlet; inuse-B/greenlet: the Go runtime's heap+stack in use after a GC, per greenlet (Go only).",
		"bare iter.Pull: a coroutine parked in yield (no timer, no greenlet record). goroutines: time.Sleep(24 h). gevent: gevent.sleep(86400).",
	},
	"event_wakeall":    {"bare iter.Pull: each coroutine yields once; the \"wake-all\" resumes each to its end (no Event). goroutines: a mutex+channel Event."},
	"timeout_cancel":   {"goroutines: context.WithTimeout(10 s) + cancel. gevent: `with Timeout(10): pass`."},
	"timeout_fire":     {"Lateness = elapsed − 1 ms, in µs. goroutines: a 1 ms context deadline against a 1 s timer."},
	"sleep_1ms":        {"The actual duration of sleep(1 ms), in µs (1,000 is perfect).", "C greenlets, bare C hub: from the spawn command of a greenlet sleeping 1 ms to its end reaching Go."},
	"kill_parked":      {"Greenlets are parked in batches of 1,000 (untimed); the kills are timed. bare iter.Pull: stop() of a coroutine parked in yield. goroutines: cancel a context, wait for exit.", "C greenlets, bare C hub: a kill command and a turn per kill."},
	"event_handoff":    {"goroutines: a mutex+channel Event."},
	"queue_handoff":    {"goroutines: channels with room for 1,024 items (gevent's Queue() is unbounded)."},
	"offload":          {"goroutines: a channel round trip to a plain goroutine, the floor of any offload. gevent: `get_hub().threadpool.apply(f)`. Ours: greenlet.Blocking; back to back, so the hub's spin and the polling worker take every result."},
	"echo_100":         echoNotes,
	"echo_1000":        echoNotes,
	"sim_timeouts_1e5": simNotes,
	"sim_timeouts_1e6": simNotes,
	"sim_bank": {
		"The model: 10 counters; exponential inter-arrival (mean 1 unit), service (mean 10) and patience (mean 5) times, drawn by the source at each arrival; a customer waits for a counter with a timed Acquire (SimPy: `req | timeout(patience)`) and reneges when its patience ends first.",
		"bare iter.Pull (the floor): a coroutine per customer on a bare engine: a deadline heap, a FIFO ready list and a FIFO queue at the counters; it gives the virtual clock's counts to the nanosecond. reneged-% and wait-units check that the rows run the same model: SimPy draws from Python's random stream, and ours, core=go runs with near-zero delays, so its figures differ.",
	},
	"spawn_later": {"goroutines: time.AfterFunc. total-ms: until the last one ran (ideal ≈ the largest delay, ~100 ms); overshoot-ms: total − largest delay; late-ms: fired − due, per timer.", "C greenlets, bare C hub: spawn commands with a start delay; the lateness is read when the end reaches Go, after the turn."},
}

// echoNotes explain the echo workloads.
var echoNotes = []string{
	"One load client (Go, GOMAXPROCS=1, pinned to one CPU) for every server: N requests spread evenly over the connections, all connections at once, each writing a 64-byte request and reading its 64-byte echo before the next; a tenth of that as an untimed warm-up first. The server is a separate process, pinned to the other CPU unless its row says it uses both; every server reads up to 4 KiB at a time and writes back what it read, with TCP_NODELAY.",
	"server-cpu-us/req: the server process's CPU time, user + system over all its threads (the scheduler's nanosecond count, /proc/<pid>/task/*/schedstat), over the timed requests, ÷ requests. The client saturates first on two CPUs, so req/s and the latencies (p50-us, p99-us: one request's round trip as the client sees it) say more about the client than the server; client-cpu-us/req and server-busy-% (server CPU ÷ wall time) show how loaded each side was.",
	"bare epoll loop (the floor): Go with golang.org/x/sys/unix, GOMAXPROCS=1, one thread in a level-triggered epoll loop, read and write as raw system calls: no scheduler at all. goroutines + channels/context: plain Go, package net, one goroutine per connection, GOMAXPROCS=1. gevent: gevent.server.StreamServer, a greenlet per connection (bench/gevent_bench.py echo_server). ours, core=go / core=c: one hub, GOMAXPROCS=1, a socket.StreamServer (a greenlet per connection) whose handler reads into a 4 KiB buffer and writes back. ours, one hub per CPU: a core=go hub per CPU on its own thread, each with its own SO_REUSEPORT listener on the same port (socket.ReusePort), the kernel spreading the connections; GOMAXPROCS=2 and not pinned, like goroutines, GOMAXPROCS=2.",
}

// simNotes explain the timeouts workloads.
var simNotes = []string{
	"N processes each wait M = (N × M) / N exponential delays one after the other; one event is one delay ending and its process resuming; the time includes creating the processes.",
	"bare iter.Pull (the floor): N iter.Pull coroutines yielding their delays, resumed earliest first from a typed binary heap; no hub, no allocation per event. ours, core=go: the real clock with delays of about 1 ns, so the same events happen without waiting. ours, virtual clock: delays of about 1 s of virtual time.",
	"Order of resumption: the floor, SimPy and the virtual clock resume processes in the random order of their deadlines; ours, core=go, whose near-zero delays have all expired by the next poll, resumes them in about the order they went to sleep, which touches memory in order: at large N, where the cost is cache and TLB misses, that row is not like for like.",
}

// scalingSeries returns, per implementation, the spawn_joinall medians
// against N, for the plot and the scaling table.
func scalingSeries(cases []*report.Case) []report.Series {
	var order []string
	byImpl := map[string]*report.Series{}
	for _, c := range cases {
		if c.ID != "spawn_joinall" {
			continue
		}
		for _, r := range c.Rows {
			v, ok := c.Median(r.Key, c.Primary)
			if !ok {
				continue
			}
			s := byImpl[r.Key]
			if s == nil {
				s = &report.Series{Label: r.Label}
				byImpl[r.Key] = s
				order = append(order, r.Key)
			}
			s.Points = append(s.Points, report.Point{N: c.Size, Value: v})
		}
	}
	out := make([]report.Series, 0, len(order))
	for _, k := range order {
		s := *byImpl[k]
		sort.Slice(s.Points, func(i, j int) bool { return s.Points[i].N < s.Points[j].N })
		out = append(out, s)
	}
	return out
}

// sizesOf lists the distinct sizes in the series, ascending.
func sizesOf(series []report.Series) []int {
	var ns []int
	for _, s := range series {
		for _, p := range s.Points {
			if !slices.Contains(ns, p.N) {
				ns = append(ns, p.N)
			}
		}
	}
	slices.Sort(ns)
	return ns
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gevent-go/gevent/bench/report"
	"github.com/gevent-go/gevent/bench/stats"
	"github.com/gevent-go/gevent/bench/workloads"
)

// geventTarget is the project's goal against real gevent: every workload
// at least this many times faster.
const geventTarget = 10

// run measures everything cfg selects, writes the report, plot and samples
// to cfg.out and prints the report.
func run(cfg *config, start time.Time) error {
	m := describeMachine(cfg.benchDir)
	csrc := readCsrc(cfg.csrcFile)
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot re-execute myself for fresh-process samples: %w", err)
	}

	var ws []*workloads.Workload
	for _, w := range workloads.All() {
		if cfg.only == nil || cfg.only[w.Name] {
			ws = append(ws, w)
		}
	}
	gev := findGevent(cfg)
	sim := pyInfo{spec: simpySpec, missing: "no simulation workload in this run"}
	needGevent, needSimpy := false, false
	for _, w := range ws {
		if w.Python == simpyImpl {
			needSimpy = true
		} else {
			needGevent = true
		}
	}
	if needSimpy {
		sim = findSimpy(cfg)
	}
	// pyFor is the Python implementation w is compared with.
	pyFor := func(w *workloads.Workload) pyInfo {
		if w.Python == simpyImpl {
			return sim
		}
		return gev
	}
	var jobs []job
	var leftOut []string // workloads this (quick) run has no size for
	for _, w := range ws {
		if len(cfg.sizes(w)) == 0 {
			leftOut = append(leftOut, fmt.Sprintf("- %s — left out of quick runs: %s\n", w.Name, w.NotQuick))
		}
		py := pyFor(w)
		for _, n := range cfg.sizes(w) {
			reps := cfg.repsFor(w, n)
			for _, impl := range workloads.GoImpls {
				if _, err := w.Func(impl); err == nil {
					jobs = append(jobs, job{w: w, size: n, impl: string(impl), reps: reps})
				}
			}
			if py.missing == "" {
				jobs = append(jobs, job{w: w, size: n, impl: py.spec.key, reps: reps})
			}
		}
	}
	pys := map[string]pyInfo{}
	for _, p := range []struct {
		py   pyInfo
		need bool
	}{{gev, needGevent}, {sim, needSimpy}} {
		switch {
		case !p.need:
		case p.py.missing != "":
			fmt.Fprintf(os.Stderr, "gevent-bench: %s is not measured: %s\n", p.py.spec.name, p.py.missing)
		default:
			pys[p.py.spec.key] = p.py
		}
	}
	r := &runner{self: self, py: pys, progress: newProgress()}
	samples := r.runAll(jobs)
	rows := aggregate(samples)

	var cases []*report.Case
	for _, w := range ws {
		index := 0
		for i, x := range workloads.All() {
			if x == w {
				index = i + 1
			}
		}
		for _, n := range cfg.sizes(w) {
			cases = append(cases, buildCase(caseInput{
				w: w, index: index, size: n, reps: cfg.repsFor(w, n),
				py: pyFor(w), rows: rows, csrc: csrc.rows,
			}))
		}
	}
	m.LoadEnd = loadavg()

	stem := m.Date.Format("2006-01-02")
	if cfg.quick {
		stem += "-quick"
	}
	plotFile := ""
	if series := scalingSeries(cases); len(series) > 0 {
		plotFile = stem + "-spawn_joinall.svg"
		err := report.ScalingPlot(filepath.Join(cfg.out, plotFile), "spawn N, then JoinAll: cost per greenlet", "ns per greenlet (median)", series)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gevent-bench: %v\n", err)
			plotFile = ""
		}
	}
	in := renderInput{cfg: cfg, m: m, gev: gev, sim: sim, needSimpy: needSimpy, leftOut: leftOut, csrc: csrc, cases: cases, samples: samples,
		plotFile: plotFile, wall: time.Since(start)}
	snap := report.NewSnapshot(m.Date.Format("2006-01-02 15:04"), m.Commit, !cfg.quick, cases)
	if !cfg.quick {
		in.prevName, in.prev = previousRun(cfg.out, stem)
		in.changes = report.Compare(in.prev, snap)
	}
	md := render(in)
	mdPath := filepath.Join(cfg.out, stem+".md")
	if err := os.WriteFile(mdPath, []byte(md), 0o644); err != nil {
		return err
	}
	summary, err := jsonOf(snap)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(cfg.out, stem+".json"), summary, 0o644); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(samples, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(cfg.out, stem+"-samples.json"), raw, 0o644); err != nil {
		return err
	}
	fmt.Print(md)
	fmt.Fprintf(os.Stderr, "gevent-bench: wrote %s (and %s.json, %s-samples.json%s) in %s\n", mdPath, stem, stem,
		map[bool]string{true: ", " + plotFile, false: ""}[plotFile != ""], time.Since(start).Round(time.Second))
	if n := worseCount(in.changes); n > 0 {
		fmt.Fprintf(os.Stderr, "gevent-bench: %d rows more than %g %% worse against their baseline than in %s: see \"Changes since the previous full run\"\n",
			n, report.RegressionLimit*100, in.prevName)
	}
	return nil
}

// jsonOf encodes a run summary as the JSON beside its report, indented so
// that it diffs well in git.
func jsonOf(s *report.Snapshot) ([]byte, error) {
	b, err := json.MarshalIndent(s, "", " ")
	return append(b, '\n'), err
}

// worseCount counts the changes flagged as worse.
func worseCount(cs []report.Change) int {
	n := 0
	for _, c := range cs {
		if c.Worse() {
			n++
		}
	}
	return n
}

// renderInput is everything the report shows.
type renderInput struct {
	cfg *config
	m   machine
	gev pyInfo
	// sim is SimPy, when needSimpy (a simulation workload ran).
	sim       pyInfo
	needSimpy bool
	// leftOut lists, one Markdown item each, the workloads selected but
	// not run (a quick run leaves some out).
	leftOut  []string
	csrc     csrcResult
	cases    []*report.Case
	samples  []sample
	plotFile string
	wall     time.Duration
	// prev is the previous full run, from the report prevName in the same
	// folder (nil: none); changes compares this run's rows with it.
	prevName string
	prev     *report.Snapshot
	changes  []report.Change
}

// render writes the whole Markdown report.
func render(in renderInput) string {
	var b strings.Builder
	mode := "full run"
	if in.cfg.quick {
		mode = "QUICK run (small sizes, few samples: proves the command works, measures nothing reliable and judges nothing)"
	}
	fmt.Fprintf(&b, "# gevent-go vs gevent and Go: benchmark comparison, %s UTC\n\n", in.m.Date.Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "- mode: %s; %d samples per row (%d for N ≥ 1e6), each in a fresh process, implementations interleaved\n",
		mode, in.cfg.reps, in.cfg.repsBig)
	fmt.Fprintf(&b, "- machine: %s; Linux %s\n", in.m.CPU, in.m.Kernel)
	fmt.Fprintf(&b, "- Go: %s, GOMAXPROCS=%d (our hubs use one thread; goroutines may use all)\n", in.m.Go, in.m.GOMAXPROCS)
	if in.gev.missing != "" {
		fmt.Fprintf(&b, "- gevent: n/a — %s\n", in.gev.missing)
	} else {
		v := in.gev.versions
		fmt.Fprintf(&b, "- gevent %s, greenlet %s, Python %s (%s), loop %s on %s, %s\n",
			v["gevent"], v["greenlet"], v["python"], in.gev.python, v["loop"], v["backend"], v["libev"])
	}
	if in.needSimpy {
		if in.sim.missing != "" {
			fmt.Fprintf(&b, "- SimPy: n/a — %s\n", in.sim.missing)
		} else {
			fmt.Fprintf(&b, "- SimPy %s, Python %s (%s)\n", in.sim.versions["simpy"], in.sim.versions["python"], in.sim.python)
		}
	}
	fmt.Fprintf(&b, "- libev for our C core: Debian libev-dev %s; boost.context: Debian libboost-context-dev %s\n", in.m.LibevDeb, in.m.BoostDeb)
	if in.m.Commit != "" {
		fmt.Fprintf(&b, "- commit: %s\n", in.m.Commit)
	}
	var other []float64
	for _, s := range in.samples {
		other = append(other, s.Other)
	}
	load := stats.Summarize(other)
	fmt.Fprintf(&b, "- load: loadavg %s at start, %s at end; CPUs kept busy by other processes during a sample: median %s, max %s (of %d)\n",
		in.m.LoadStart, in.m.LoadEnd, report.Num(load.Median), report.Num(load.Max), runtime.NumCPU())
	fmt.Fprintf(&b, "- wall time: %s\n\n", in.wall.Round(time.Second))
	b.WriteString("Every number is a median over samples with its min–max; ratios compare medians measured in this run. " +
		"Numbers from different runs or machines do not compare (this host drifts 1.3–1.5x between runs).\n\n")

	b.WriteString(implementationsLegend)
	ours := []string{"core=go", "core=c", "cgreenlet-api"}
	if in.cfg.quick {
		b.WriteString("## Ours vs real gevent\n\n")
		b.WriteString(report.VsGevent(withoutEcho(in.cases), ours, geventImpl, 0))
		if in.needSimpy {
			b.WriteString("\n## Simulation: ours and the floor vs SimPy\n\n")
			b.WriteString(report.VsPython(in.cases, simOurs, simpyImpl, "SimPy", 0))
		}
	} else {
		fmt.Fprintf(&b, "## Ours vs real gevent (the project's target: at least %dx faster on every workload)\n\n", geventTarget)
		b.WriteString(report.VsGevent(withoutEcho(in.cases), ours, geventImpl, geventTarget))
		if in.needSimpy {
			b.WriteString("\n## Simulation: ours and the floor vs SimPy (the goal: never slower than SimPy)\n\n")
			b.WriteString(report.VsPython(in.cases, simOurs, simpyImpl, "SimPy", 1))
		}
		b.WriteString("\n## The project's performance budgets, evaluated on this run\n\n")
		b.WriteString("Each budget is a ratio within this run (or a size), so it holds on any machine; a miss is reported here and fails nothing.\n\n")
		b.WriteString(report.Checks(budgetChecks(in.cases, in.csrc)))
		b.WriteString("\n## Changes since the previous full run\n\n")
		b.WriteString(report.Changes(in.prevName, in.prev, in.changes))
		if worseCount(in.changes) > 0 {
			b.WriteString("\nOther processes slow the implementations unevenly (see the load line at the top of both reports): " +
				"a flag from a loaded run asks for a re-run before it means a regression.\n")
		}
	}

	if s := echoSection(in.cases); s != "" {
		b.WriteString("\n## Echo server: CPU per request against the floor\n\n")
		b.WriteString(s)
	}

	if series := scalingSeries(in.cases); len(series) > 0 {
		b.WriteString("\n## Scaling: spawn N, then JoinAll (median ns per greenlet)\n\n")
		if in.plotFile != "" {
			fmt.Fprintf(&b, "![cost per greenlet against N](%s)\n\n", in.plotFile)
		}
		ns := sizesOf(series)
		b.WriteString("| implementation |")
		for _, n := range ns {
			fmt.Fprintf(&b, " N = %s |", report.Size(n))
		}
		b.WriteString(" largest N ÷ smallest N |\n|---" + strings.Repeat("|--:", len(ns)+1) + "|\n")
		for _, s := range series {
			fmt.Fprintf(&b, "| %s |", s.Label)
			at := map[int]float64{}
			for _, p := range s.Points {
				at[p.N] = p.Value
			}
			for _, n := range ns {
				if v, ok := at[n]; ok {
					fmt.Fprintf(&b, " %s |", report.Num(v))
				} else {
					b.WriteString(" |")
				}
			}
			first, last := s.Points[0], s.Points[len(s.Points)-1]
			fmt.Fprintf(&b, " %s |\n", report.Ratio(last.Value, first.Value))
		}
	}

	if na := notMeasured(in.cases) + strings.Join(in.leftOut, ""); na != "" {
		b.WriteString("\n## Not measured in this run\n\n")
		b.WriteString(na)
	}

	b.WriteString("\n## Workloads\n\n")
	for _, c := range in.cases {
		b.WriteString(c.Markdown(3))
		b.WriteString("\n")
	}

	b.WriteString("## C core perf programs (`make -C csrc bench`)\n\n")
	switch {
	case in.csrc.missing != "":
		fmt.Fprintf(&b, "n/a — %s\n\n", in.csrc.missing)
	case in.cfg.quick:
		// Their output states budgets; a quick run shows only that the
		// rows were read.
		fmt.Fprintf(&b, "%d rows of their output were placed in the tables above:", len(in.csrc.rows))
		for _, r := range in.csrc.rows {
			fmt.Fprintf(&b, " %s;", strings.TrimSpace(r.name))
		}
		b.WriteString(" their full output is in full runs' reports.\n\n")
	default:
		fmt.Fprintf(&b, "The perf programs' output, verbatim without the build's lines (%d rows of it placed in the tables above):\n\n```\n%s\n```\n\n",
			len(in.csrc.rows), in.csrc.text)
	}

	b.WriteString("## Reproduce\n\n```sh\nbash ci/bench.sh            # full run (several minutes)\nbash ci/bench.sh -quick     # quick run: proves the command works\n" +
		"cd bench && go test -run '^$' -bench . -count 10 ./workloads   # go test form, for benchstat\n```\n")
	return b.String()
}

// notMeasured lists each distinct reason a row is n/a or failed, with the
// workloads it applies to, so the gaps read at a glance.
func notMeasured(cases []*report.Case) string {
	type gap struct {
		label, why string
		where      []string
	}
	var gaps []*gap
	find := func(label, why string) *gap {
		for _, g := range gaps {
			if g.label == label && g.why == why {
				return g
			}
		}
		g := &gap{label: label, why: why}
		gaps = append(gaps, g)
		return g
	}
	for _, c := range cases {
		for _, r := range c.Rows {
			why := r.NA
			if r.Failed != "" {
				why = "failed: " + r.Failed
			}
			if why == "" {
				continue
			}
			g := find(r.Label, why)
			if !slices.Contains(g.where, c.ID) {
				g.where = append(g.where, c.ID)
			}
		}
	}
	var b strings.Builder
	for _, g := range gaps {
		fmt.Fprintf(&b, "- %s — %s (%s)\n", g.label, g.why, strings.Join(g.where, ", "))
	}
	return b.String()
}

// simOurs are the columns of the SimPy table: the floor and our two
// clocks.
var simOurs = []string{"iterpull", "virtual", "core=go"}

// implementationsLegend says what each row of the tables runs, with the
// key that names it in the vs-gevent table.
var implementationsLegend = strings.Join([]string{
	"## Implementations",
	"",
	"- **bare iter.Pull** (`iterpull`): runtime coroutines with no scheduler, the floor under a Go greenlet, which is an iter.Pull coroutine plus the hub's scheduling.",
	"- **goroutines + channels/context** (`goroutines`): the idiomatic Go way to write the same thing.",
	"- **ours, core=go / core=c** (`core=go`, `core=c`): package greenlet on a hub whose loop is the pure-Go one / the C one (libev through cgo, one cgo call per hub turn).",
	"- **C greenlets, greenlet.SpawnC (core=c)** (`cgreenlet-api`): C functions (cgo/bodies.c: yield n times, park, sleep n ms) on C stacks in a core=c hub, through the greenlet API: each is a *greenlet.Greenlet backed by the C greenlet itself, so the main greenlet uses Join, JoinAll and Kill as for Go greenlets.",
	"- **C greenlets, Hub.SpawnC (core=c)** (`cgreenlet-hub`): the same bodies through the hub's own API (Hub.SpawnC, CGreenlet.Wait and Kill), with no Go greenlet per C greenlet.",
	"- **C greenlets, bare C hub driven from Go** (`cgreenlet`): the same bodies in a C hub (package cgo) with no Go hub: Go pushes commands and runs one turn, one cgo call, at a time. The floor under the two rows above.",
	"- **ours, core=go, virtual clock** (`virtual`): the simulation workloads on a core=go hub with hub.WithVirtualClock: time stands still while anything can run and jumps to the earliest deadline when nothing can.",
	"- **bare epoll loop** (`epoll`), **goroutines, GOMAXPROCS=2** (`goroutines-2p`), **ours, one hub per CPU** (`hub-per-cpu`): the echo workloads' floor and multi-CPU servers (see their notes).",
	"- **csrc rows**: the C perf programs' own numbers, measured from C (`make -C csrc bench`).",
	"- **gevent** (`gevent`): Debian's python3-gevent running bench/gevent_bench.py.",
	"- **SimPy** (`simpy`): Debian's python3-simpy3 running bench/simpy_bench.py, the rival of the simulation workloads (sim_*), whose baseline, the floor, is a bare iter.Pull row: N coroutines resumed in deadline order from a typed binary heap, no hub.",
	"", "",
}, "\n")

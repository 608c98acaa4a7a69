package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gevent-go/gevent/bench/report"
	"github.com/gevent-go/gevent/bench/workloads"
)

// TestRenderFromSamples feeds synthetic samples through aggregation, case
// building and rendering, and checks the report says what the samples say:
// medians and ranges, ratios to the stated baseline, failures, and n/a
// rows with their reasons.
func TestRenderFromSamples(t *testing.T) {
	w := workloads.Lookup("spawn_join")
	n := w.Sizes[0]
	var samples []sample
	add := func(impl string, vals ...float64) {
		for i, v := range vals {
			samples = append(samples, sample{Workload: w.Name, Size: n, Impl: impl, Rep: i,
				Metrics: workloads.Metrics{"ns/greenlet": v}})
		}
	}
	add("iterpull", 100, 110, 90)
	add("goroutines", 400, 420, 380)
	add("core=go", 150, 140, 160)
	add(geventImpl, 15000, 16000, 14000)
	samples = append(samples, sample{Workload: w.Name, Size: n, Impl: "core=go", Rep: 3, Err: "exit status 1: boom"})

	gev := pyInfo{spec: geventSpec, versions: map[string]string{"gevent": "22.10.2"}}
	rows := aggregate(samples)
	c := buildCase(caseInput{w: w, index: 3, size: n, reps: 3, py: gev, rows: rows})
	if c.Size != 0 {
		t.Errorf("an Ops workload's case shows a size: %d", c.Size)
	}
	md := c.Markdown(3)
	for _, want := range []string{
		"### 3. spawn + join, one at a time (per greenlet)",
		"| bare iter.Pull (baseline) | 100 | 90.0–110 | 1.00x | 150x faster |",
		"| ours, core=go — 1 of 4 samples failed: exit status 1: boom | 150 | 140–160 | 1.50x | 100x faster |",
		"| gevent 22.10.2 | 15,000 | 14,000–16,000 | 150x |  |",
		"times 100,000 operations after a warm-up of 10,000; 3 samples per row",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("case lacks %q:\n%s", want, md)
		}
	}
	if _, err := w.Func(workloads.CoreC); err != nil && !strings.Contains(md, "| ours, core=c | n/a — "+err.Error()) {
		t.Errorf("core=c row lacks its reason %q:\n%s", err, md)
	}

	cfg := &config{reps: 3, repsBig: 3}
	out := render(renderInput{cfg: cfg, m: machine{Date: time.Unix(0, 0).UTC()}, gev: gev,
		csrc: csrcResult{missing: "not run"}, cases: []*report.Case{c}, samples: samples, wall: time.Second})
	for _, want := range []string{
		"## Ours vs real gevent (the project's target: at least 10x faster on every workload)",
		"| 3. spawn + join, one at a time (per greenlet) (ns/greenlet) | 15,000 | 150 | 100x (meets 10x) | n/a |  |",
		"| spawn+join of a Go greenlet ≤ 1.5x bare iter.Pull create+next+stop | 1.50x (150 / 100 ns/greenlet) | within |",
		"## Changes since the previous full run\n\nNo previous full run to compare with.\n",
		"## C core perf programs (`make -C csrc bench`)\n\nn/a — not run",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}
}

// verdictWords are what budget and target verdicts say.
var verdictWords = regexp.MustCompile(`\b(OVER|within|meets|BELOW|PASS|FAIL)\b`)

// TestQuickReportJudgesNothing: a quick run proves the command works and
// asserts nothing about speed, so its report has no verdict, no budget
// table, no target and no comparison with an earlier run, even when every
// budget would be missed and the C perf programs judged theirs.
func TestQuickReportJudgesNothing(t *testing.T) {
	var cases []*report.Case
	var samples []sample
	gev := pyInfo{spec: geventSpec, versions: map[string]string{"gevent": "22.10.2"}}
	sim := pyInfo{spec: simpySpec, versions: map[string]string{"simpy": "3.0.11"}}
	pyFor := func(w *workloads.Workload) pyInfo {
		if w.Python == simpyImpl {
			return sim
		}
		return gev
	}
	var ws []*workloads.Workload
	for _, w := range workloads.All() {
		if len(w.QuickSizes) > 0 {
			ws = append(ws, w)
		}
	}
	for _, w := range ws {
		n := w.QuickSizes[0]
		for _, impl := range append(slices.Clone(workloads.GoImpls), workloads.Impl(pyFor(w).spec.key)) {
			v := 1000.0 // every row as slow as the baseline: budgets missed, gevent not beaten
			if impl == workloads.IterPull || impl == workloads.Goroutines {
				v = 10
			}
			samples = append(samples, sample{Workload: w.Name, Size: n, Impl: string(impl), Metrics: workloads.Metrics{w.Primary: v, "inuse-B/greenlet": 1e6}})
		}
	}
	rows := aggregate(samples)
	for i, w := range ws {
		cases = append(cases, buildCase(caseInput{w: w, index: i + 1, size: w.QuickSizes[0], reps: 2, py: pyFor(w), rows: rows}))
	}
	csrc := csrcResult{text: sampleCsrc, rows: parseCsrc(sampleCsrc)}
	in := renderInput{m: machine{Date: time.Unix(0, 0).UTC()}, gev: gev, sim: sim, needSimpy: true, leftOut: []string{"- sim_timeouts_1e6 — left out of quick runs: why\n"}, csrc: csrc, cases: cases, samples: samples, wall: time.Second}

	in.cfg = &config{quick: true, reps: 2, repsBig: 2}
	quick := render(in)
	if m := verdictWords.FindAllString(quick, -1); m != nil {
		t.Errorf("quick report has verdict words %q", m)
	}
	for _, bad := range []string{"budget", "target", "Changes since", "| verdict |"} {
		if strings.Contains(quick, bad) {
			t.Errorf("quick report mentions %q", bad)
		}
	}
	for _, want := range []string{"- mode: QUICK run", "## Ours vs real gevent\n", "| 1.00x |", "## Simulation: ours and the floor vs SimPy\n", "- sim_timeouts_1e6 — left out of quick runs: why\n", "- SimPy 3.0.11,", "| vs SimPy |", "rows of their output were placed in the tables above: switch: gev_coro_switch;"} {
		if !strings.Contains(quick, want) {
			t.Errorf("quick report lacks %q", want)
		}
	}

	// The same run in full mode judges: the test above can fail.
	in.cfg = &config{reps: 2, repsBig: 2}
	full := render(in)
	for _, want := range []string{"OVER", "BELOW", "(meets 1x)", "| budget | measured | verdict |", "## Changes since the previous full run", "| switch: gev_coro_switch "} {
		if !strings.Contains(full, want) {
			t.Errorf("full report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("quick report:\n%s", quick)
	}
}

// TestReportNamesNoOutsideFile: the report points at nothing outside the
// repository.
func TestReportNamesNoOutsideFile(t *testing.T) {
	c := buildCase(caseInput{w: workloads.Lookup("sleep0"), index: 2, size: 10, reps: 1, rows: map[rowKey]*report.Row{}})
	out := render(renderInput{cfg: &config{reps: 1, repsBig: 1}, m: machine{Date: time.Unix(0, 0).UTC()},
		csrc: csrcResult{missing: "not run"}, cases: []*report.Case{c}})
	for _, bad := range []string{"DESIGN", "GEVENT", "STYLE.md", "shared/", "§"} {
		if strings.Contains(out, bad) {
			t.Errorf("report refers to %q", bad)
		}
	}
}

func TestAllSamplesFailed(t *testing.T) {
	rows := aggregate([]sample{{Workload: "switch", Size: 1, Impl: "core=go", Err: "first"}, {Workload: "switch", Size: 1, Impl: "core=go", Err: "second"}})
	r := rows[rowKey{"switch", 1, "core=go"}]
	if r == nil || r.Failed != "first" || len(r.Metrics) != 0 {
		t.Fatalf("row = %+v", r)
	}
}

func TestLastLineAndEnv(t *testing.T) {
	if got := lastLine("a\nb\n\n"); got != "b" {
		t.Errorf("lastLine = %q", got)
	}
	if got := lastLine(strings.Repeat("x", 400)); len(got) > 304 || !strings.HasSuffix(got, "…") {
		t.Errorf("lastLine does not cut: %d bytes", len(got))
	}
	env := withoutEnv([]string{"A=1", "PYTHONPATH=/x", "PYTHONPATHX=2"}, "PYTHONPATH")
	if strings.Join(env, " ") != "A=1 PYTHONPATHX=2" {
		t.Errorf("withoutEnv = %v", env)
	}
}

package main

import (
	"fmt"
	"strings"

	"github.com/gevent-go/gevent/bench/report"
)

// findCase returns the case of workload id at size n (0: the only one).
func findCase(cases []*report.Case, id string, n int) *report.Case {
	for _, c := range cases {
		if c.ID == id && (n == 0 || c.Size == n) {
			return c
		}
	}
	return nil
}

// ratioCheck evaluates "metric of a ≤ limit × metric of b" in case c.
func ratioCheck(budget string, c *report.Case, metric, a, b string, limit float64) report.Check {
	ch := report.Check{Budget: budget}
	if c == nil {
		ch.Verdict = "not measured (workload not run)"
		return ch
	}
	va, okA := c.Median(a, metric)
	vb, okB := c.Median(b, metric)
	switch {
	case !okA:
		ch.Verdict = "not measured: " + rowWhy(c, a)
	case !okB:
		ch.Verdict = "not measured: " + rowWhy(c, b)
	default:
		ch.Measured = fmt.Sprintf("%s (%s / %s %s)", report.Ratio(va, vb), report.Num(va), report.Num(vb), metric)
		ch.Verdict = report.Verdict(va <= limit*vb)
	}
	return ch
}

// rowWhy says why a row has no number.
func rowWhy(c *report.Case, key string) string {
	r := c.Row(key)
	switch {
	case r == nil:
		return key + " not run"
	case r.NA != "":
		return key + " n/a — " + r.NA
	case r.Failed != "":
		return key + " failed — " + r.Failed
	}
	return key + " has no " + c.Primary
}

// budgetChecks evaluates the project's performance budgets on this run;
// each Check states its rule, so the report is self-contained. Each is
// informational: the command asserts nothing about speed.
func budgetChecks(cases []*report.Case, csrc csrcResult) []report.Check {
	sleep0 := findCase(cases, "sleep0", 0)
	var out []report.Check
	out = append(out,
		ratioCheck("greenlet→hub→greenlet handoff (sleep(0)), core=go ≤ 1.2x a bare iter.Pull round trip", sleep0, "ns/switch", "core=go", "iterpull", 1.2),
		ratioCheck("same handoff, core=c ≤ 1.5x core=go", sleep0, "ns/switch", "core=c", "core=go", 1.5),
	)
	out = append(out, cSwitchChecks(csrc)...)
	out = append(out,
		ratioCheck("spawn+join of a Go greenlet ≤ 1.5x bare iter.Pull create+next+stop", findCase(cases, "spawn_join", 0), "ns/greenlet", "core=go", "iterpull", 1.5),
	)
	parked := findCase(cases, "parked", 0)
	for _, core := range []string{"core=go", "core=c"} {
		ch := report.Check{Budget: "parked Go greenlet ≤ 4 KiB, " + core + " (Go heap+stack in use, and RSS)"}
		if parked == nil {
			ch.Verdict = "not measured (workload not run)"
		} else if v, ok := parked.Median(core, "inuse-B/greenlet"); ok {
			rssV, _ := parked.Median(core, "rss-B/greenlet")
			ch.Measured = fmt.Sprintf("%s B in use, %s B RSS, at N = %s", report.Num(v), report.Num(rssV), report.Size(parked.Size))
			ch.Verdict = report.Verdict(v <= 4096 && rssV <= 4096)
		} else {
			ch.Verdict = "not measured: " + rowWhy(parked, core)
		}
		out = append(out, ch)
	}
	out = append(out,
		parkedCCheck(cases, csrc),
		flatCheck(cases, "core=go"),
		flatCheck(cases, "core=c"),
	)
	out = append(out, simChecks(cases)...)
	return append(out, echoChecks(cases)...)
}

// simChecks evaluates the simulation goals on every simulation case run:
// the virtual-clock hub within 1.2x of the floor, never slower than SimPy,
// and never slower than the real-clock pure-Go core.
func simChecks(cases []*report.Case) []report.Check {
	var out []report.Check
	for _, c := range cases {
		if c.GeventKey != simpyImpl {
			continue
		}
		at := c.ID
		if c.Size > 0 {
			at += " N = " + report.Size(c.Size)
		}
		out = append(out,
			ratioCheck(at+": virtual clock ≤ 1.2x the floor (bare iter.Pull + deadline heap)", c, c.Primary, "virtual", "iterpull", 1.2),
			ratioCheck(at+": virtual clock ≤ 1x SimPy", c, c.Primary, "virtual", simpyImpl, 1),
			ratioCheck(at+": virtual clock ≤ 1x the real-clock core=go", c, c.Primary, "virtual", "core=go", 1),
		)
	}
	return out
}

// csrcMedian returns the median of the first csrc row whose measurement
// name starts with prefix.
func csrcMedian(csrc csrcResult, prefix string) (float64, bool) {
	for _, r := range csrc.rows {
		if strings.HasPrefix(r.name, prefix) {
			for _, s := range r.row.Metrics {
				return s.Median, true
			}
		}
	}
	return 0, false
}

// cSwitchChecks evaluates the C switch budgets from csrc's rows: the
// greenlet handoff inside the C hub against the bare switch, and the bare
// switch against boost.context.
func cSwitchChecks(csrc csrcResult) []report.Check {
	hub := report.Check{Budget: "C greenlet switch inside the C core (perf_hub yield) ≤ 2x a bare hand-written switch (gev__coro_swap, else gev_coro_switch)"}
	boost := report.Check{Budget: "bare C switch (gev_coro_switch) ahead of boost.context jump_fcontext, same run"}
	if csrc.missing != "" {
		hub.Verdict = "not measured: csrc perf output " + csrc.missing
		boost.Verdict = hub.Verdict
		return []report.Check{hub, boost}
	}
	sw, okSw := csrcMedian(csrc, "switch: gev_coro_switch")
	bare, okBare := csrcMedian(csrc, "switch: bare asm")
	if !okBare {
		bare, okBare = sw, okSw
	}
	yield, okY := csrcMedian(csrc, "yield through the hub")
	jump, okB := csrcMedian(csrc, "switch: boost jump_fcontext")
	switch {
	case okBare && okY:
		hub.Measured = fmt.Sprintf("%s (%s / %s ns)", report.Ratio(yield, bare), report.Num(yield), report.Num(bare))
		hub.Verdict = report.Verdict(yield <= 2*bare)
	default:
		hub.Verdict = "not measured: no parseable perf_coro switch and perf_hub yield rows (see the verbatim output; make bench stops at the first program that exits non-zero)"
	}
	switch {
	case okSw && okB:
		boost.Measured = fmt.Sprintf("%s (%s / %s ns)", report.Ratio(sw, jump), report.Num(sw), report.Num(jump))
		boost.Verdict = report.Verdict(sw < jump)
	default:
		boost.Verdict = "not measured: no parseable perf_coro switch rows (see the verbatim output)"
	}
	return []report.Check{hub, boost}
}

// parkedCCheck reports the resident size of a parked C greenlet: parked
// from Go (the cgreenlet row of the parked workload) and from C (perf_hub).
func parkedCCheck(cases []*report.Case, csrc csrcResult) report.Check {
	ch := report.Check{Budget: "parked C greenlet ≤ 8 KiB resident"}
	var parts []string
	worst := -1.0
	if c := findCase(cases, "parked", 0); c != nil {
		if v, ok := c.Median("cgreenlet", "rss-B/greenlet"); ok {
			parts = append(parts, fmt.Sprintf("%s B parked from Go at N = %s", report.Num(v), report.Size(c.Size)))
			worst = max(worst, v)
		}
	}
	if v, ok := csrcMedian(csrc, "resident per parked C greenlet"); ok {
		parts = append(parts, fmt.Sprintf("%s B from C (perf_hub)", report.Num(v)))
		worst = max(worst, v)
	}
	if worst < 0 {
		ch.Verdict = "not measured: no cgreenlet parked row and no parseable perf_hub row"
		return ch
	}
	ch.Measured = strings.Join(parts, "; ")
	ch.Verdict = report.Verdict(worst <= 8192)
	return ch
}

// flatCheck reports max/min of the per-greenlet cost of spawn N + JoinAll
// over the sizes run, for one implementation. The budget asks for a flat
// cost from 1e3 to 1e6; this report reads "flat" as within 2x.
func flatCheck(cases []*report.Case, key string) report.Check {
	ch := report.Check{Budget: "spawn N + JoinAll, " + key + ": cost per greenlet flat from 1e3 to 1e6 (read as max/min ≤ 2x)"}
	var lo, hi float64
	var nLo, nHi, count int
	for _, c := range cases {
		if c.ID != "spawn_joinall" {
			continue
		}
		v, ok := c.Median(key, c.Primary)
		if !ok {
			ch.Verdict = "not measured: " + rowWhy(c, key)
			return ch
		}
		if count == 0 || v < lo {
			lo, nLo = v, c.Size
		}
		if count == 0 || v > hi {
			hi, nHi = v, c.Size
		}
		count++
	}
	if count < 2 {
		ch.Verdict = "not measured (fewer than two sizes run)"
		return ch
	}
	ch.Measured = fmt.Sprintf("%s (max %s ns at N = %s, min %s ns at N = %s)", report.Ratio(hi, lo), report.Num(hi), report.Size(nHi), report.Num(lo), report.Size(nLo))
	ch.Verdict = report.Verdict(hi <= 2*lo)
	return ch
}

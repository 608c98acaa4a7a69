package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/gevent-go/gevent/bench/report"
	"github.com/gevent-go/gevent/bench/stats"
)

// csrcResult is what the command learned from the output of
// `make -C csrc bench`: the perf programs' own text, which a full report
// includes verbatim, and the rows it could parse from it.
type csrcResult struct {
	file string
	text string
	// buildLines counts the lines of the build (compiler and make) that
	// text leaves out: a report is about measurements, not build logs.
	buildLines int
	rows       []csrcRow
	// missing says why there is no csrc output.
	missing string
}

// A csrcRow is one C measurement placed in a workload's table.
type csrcRow struct {
	workload string
	name     string // the measurement's name in the perf program's table
	row      report.Row
}

func readCsrc(path string) csrcResult {
	if path == "" {
		return csrcResult{missing: "not run: pass -csrc FILE holding the output of `make -C csrc bench` (ci/bench.sh does)"}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return csrcResult{file: path, missing: err.Error()}
	}
	if strings.TrimSpace(string(b)) == "" {
		return csrcResult{file: path, missing: "`make -C csrc bench` printed nothing"}
	}
	text, dropped := withoutBuildLines(string(b))
	if strings.TrimSpace(text) == "" {
		return csrcResult{file: path, buildLines: dropped,
			missing: "`make -C csrc bench` printed only build output, no perf program ran (did the build fail? its log is in the output of ci/bench.sh)"}
	}
	return csrcResult{file: path, text: text, buildLines: dropped, rows: parseCsrc(text)}
}

// buildLine matches what make and the compiler print while building the
// perf programs: commands (cc ..., ar ..., mkdir ...), make's own messages,
// and diagnostics with their source excerpts.
var buildLine = regexp.MustCompile(`^(?:` +
	`(?:\S*/)?(?:cc|gcc|clang|c\+\+|g\+\+|ar|ranlib|ld|as|mkdir|rm|cp|install|objdump)(?:-[\w.]+)?(?:\s|$)` +
	`|make(?:\[\d+\])?: ` +
	`|In file included from ` +
	`|\s+from \S+:\d+[,:]` +
	`|\S+: In (?:function|member function|static function) ` +
	`|\S+(?::\d+){0,2}: (?:fatal )?(?:error|warning|note): ` +
	`|\s+(?:\d+\s*)?\|` +
	`)`)

// withoutBuildLines returns text without the build's lines, trimmed of
// blank lines at both ends, and how many lines it dropped.
func withoutBuildLines(text string) (string, int) {
	var keep []string
	dropped := 0
	for _, line := range strings.Split(text, "\n") {
		if buildLine.MatchString(line) {
			dropped++
			continue
		}
		keep = append(keep, line)
	}
	return strings.Trim(strings.Join(keep, "\n"), "\n"), dropped
}

// csrcRule places one measurement of the C perf programs into a workload's
// table. The programs print Markdown tables whose rows are
// "| name | <median> <unit> | <min> - <max> | ...": the rule matches the
// name by prefix (rules are tried in order, the more specific first) and
// scales the unit to the metric's.
type csrcRule struct {
	prefix, workload, metric, label string
	scale                           float64
}

var csrcRules = []csrcRule{
	{"switch: gev_coro_switch, unguarded", "switch", "ns/switch", "C coroutine switch, unguarded stacks (csrc gev_coro_switch)", 1},
	{"switch: gev_coro_switch", "switch", "ns/switch", "C coroutine switch (csrc gev_coro_switch)", 1},
	{"switch: bare asm", "switch", "ns/switch", "bare hand-written asm switch (csrc gev__coro_swap)", 1},
	{"switch: boost jump_fcontext", "switch", "ns/switch", "boost.context jump_fcontext (C)", 1},
	{"switch: glibc swapcontext", "switch", "ns/switch", "glibc swapcontext (C)", 1},
	{"pooled create+switch+destroy", "spawn_join", "ns/greenlet", "C coroutine create+switch+destroy, pooled stack, no hub (csrc)", 1},
	{"resident per idle coroutine (statm)", "parked", "rss-B/greenlet", "idle C coroutine, no hub (csrc)", 1024},
	{"yield through the hub", "sleep0", "ns/switch", "C greenlets in the C hub, called from C (csrc perf_hub)", 1},
	{"timer arm+disarm", "timeout_cancel", "ns/timeout", "C greenlet gev_timeout start+cancel (csrc perf_hub)", 1},
	{"resident per parked C greenlet", "parked", "rss-B/greenlet", "C greenlets parked in sleep(3600) in the C hub (csrc perf_hub)", 1024},
}

// csrcBaselineRule places a perf_hub row's same-run baseline (its
// "baseline" cell, "<name>: <median> <unit> (<min>–<max>)").
var csrcBaselineRules = []csrcRule{
	{"timer arm+disarm", "timeout_cancel", "ns/timeout", "bare libev ev_timer set+start+stop, no hub (C)", 1},
}

var (
	numUnit  = regexp.MustCompile(`^([0-9.]+)\s*(\S*)$`)
	minMax   = regexp.MustCompile(`^([0-9.]+)\s*(?:-|–)\s*([0-9.]+)$`)
	baseCell = regexp.MustCompile(`^.*:\s*([0-9.]+)\s*\S+\s*\(([0-9.]+)\s*(?:-|–)\s*([0-9.]+)\)$`)
	runsOf   = regexp.MustCompile(`(\d+) runs`)
)

// parseCsrc extracts the rows it recognises; anything else stays in the
// verbatim output only.
func parseCsrc(text string) []csrcRow {
	var rows []csrcRow
	runs := 0
	for _, line := range strings.Split(text, "\n") {
		if m := runsOf.FindStringSubmatch(line); m != nil && !strings.HasPrefix(strings.TrimSpace(line), "|") {
			runs, _ = strconv.Atoi(m[1])
		}
		cells := tableCells(line)
		if len(cells) < 3 {
			continue
		}
		for _, r := range csrcRules {
			if !strings.HasPrefix(cells[0], r.prefix) {
				continue
			}
			med, ok1 := parseNum(numUnit, cells[1], 1)
			lo, ok2 := parseNum(minMax, cells[2], 1)
			hi, ok3 := parseNum(minMax, cells[2], 2)
			if ok1 && ok2 && ok3 {
				rows = append(rows, newCsrcRow(r, cells[0], med, lo, hi, runs))
			}
			break
		}
		for _, r := range csrcBaselineRules {
			if !strings.HasPrefix(cells[0], r.prefix) || len(cells) < 4 {
				continue
			}
			med, ok1 := parseNum(baseCell, cells[3], 1)
			lo, ok2 := parseNum(baseCell, cells[3], 2)
			hi, ok3 := parseNum(baseCell, cells[3], 3)
			if ok1 && ok2 && ok3 {
				rows = append(rows, newCsrcRow(r, cells[0]+" (baseline)", med, lo, hi, runs))
			}
		}
	}
	return rows
}

func newCsrcRow(r csrcRule, name string, med, lo, hi float64, runs int) csrcRow {
	s := stats.Summary{Median: med * r.scale, Min: lo * r.scale, Max: hi * r.scale, N: max(1, runs)}
	return csrcRow{workload: r.workload, name: name, row: report.Row{
		Key:     "csrc:" + r.label,
		Label:   r.label,
		Metrics: map[string]stats.Summary{r.metric: s},
	}}
}

// tableCells splits a Markdown table row into trimmed cells; nil for any
// other line and for the separator row.
func tableCells(line string) []string {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|-") || strings.HasPrefix(line, "|--") {
		return nil
	}
	parts := strings.Split(strings.Trim(line, "|"), "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// parseNum returns the group-th submatch of re in s as a number.
func parseNum(re *regexp.Regexp, s string, group int) (float64, bool) {
	m := re.FindStringSubmatch(s)
	if m == nil || group >= len(m) {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[group], 64)
	return v, err == nil
}

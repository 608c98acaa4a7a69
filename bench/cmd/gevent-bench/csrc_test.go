package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleCsrc mimics the two perf programs' tables (perf_coro's " - "
// ranges and padded cells, perf_hub's "–" ranges and baseline cell), with
// make's own lines around them.
const sampleCsrc = `cc -O2 bench/perf_coro.c -o build/rel/perf_coro
perf_coro: 7 runs each, interleaved; median and min - max

| measurement                          | median          | min - max           | ratio              | budget               |      |
|--------------------------------------|-----------------|---------------------|--------------------|----------------------|------|
| switch: gev_coro_switch              |      3.56 ns    |     3.17 - 6.68     | 0.70x boost        | <= 0.6x boost        | FAIL |
| switch: boost jump_fcontext          |      4.91 ns    |     4.54 - 9.37     | 1.00x boost        | baseline             |      |
| switch: bare asm (gev__coro_swap)    |      3.00 ns    |     2.90 - 3.10     | 0.58x boost        | (reference)          |      |
| switch: gev_coro_switch, unguarded   |     15.43 ns    |    11.48 - 22.27    | 3.14x boost        | (reference)          |      |
| resident per idle coroutine (statm)  |      4.00 KiB   |     4.00 - 4.01     |                    | <= 4.3 KiB           | PASS |
| something new                        |      1.00 ns    |     1.00 - 1.00     |                    |                      |      |

### C hub (csrc/bench/perf_hub.c), medians of 3 runs — QUICK pass, budgets not judged

| measurement | median | min–max | baseline (same run) | ratio | budget | result |
|---|---|---|---|---|---|---|
| yield through the hub (sleep(0), 2 greenlets) | 7.20 ns | 7.00–9.10 |  |  | ≤ 12.0 ns | PASS |
| timer arm+disarm (gev_timeout start+cancel), empty heap | 40.00 ns | 39.00–45.00 | ev_timer_set+start+stop: 30.00 ns (29.00–31.00) | 1.33x | ≤ 1.5x | PASS |
| resident per parked C greenlet (10000 in sleep(3600)) | 4.10 KiB | 4.10–4.10 |  |  | ≤ 4.3 KiB | PASS |
`

func TestParseCsrc(t *testing.T) {
	rows := parseCsrc(sampleCsrc)
	type want struct {
		workload, label, metric string
		med, lo, hi             float64
		n                       int
	}
	wants := []want{
		{"switch", "C coroutine switch (csrc gev_coro_switch)", "ns/switch", 3.56, 3.17, 6.68, 7},
		{"switch", "boost.context jump_fcontext (C)", "ns/switch", 4.91, 4.54, 9.37, 7},
		{"switch", "bare hand-written asm switch (csrc gev__coro_swap)", "ns/switch", 3, 2.9, 3.1, 7},
		{"switch", "C coroutine switch, unguarded stacks (csrc gev_coro_switch)", "ns/switch", 15.43, 11.48, 22.27, 7},
		{"parked", "idle C coroutine, no hub (csrc)", "rss-B/greenlet", 4096, 4096, 4.01 * 1024, 7},
		{"sleep0", "C greenlets in the C hub, called from C (csrc perf_hub)", "ns/switch", 7.2, 7, 9.1, 3},
		{"timeout_cancel", "C greenlet gev_timeout start+cancel (csrc perf_hub)", "ns/timeout", 40, 39, 45, 3},
		{"timeout_cancel", "bare libev ev_timer set+start+stop, no hub (C)", "ns/timeout", 30, 29, 31, 3},
		{"parked", "C greenlets parked in sleep(3600) in the C hub (csrc perf_hub)", "rss-B/greenlet", 4.1 * 1024, 4.1 * 1024, 4.1 * 1024, 3},
	}
	if len(rows) != len(wants) {
		for _, r := range rows {
			t.Logf("got %s %q", r.workload, r.row.Label)
		}
		t.Fatalf("parsed %d rows, want %d", len(rows), len(wants))
	}
	for i, w := range wants {
		r := rows[i]
		s := r.row.Metrics[w.metric]
		if r.workload != w.workload || r.row.Label != w.label || s.Median != w.med || s.Min != w.lo || s.Max != w.hi || s.N != w.n {
			t.Errorf("row %d = %s %q %+v, want %+v", i, r.workload, r.row.Label, s, w)
		}
		if !strings.HasPrefix(r.row.Key, "csrc:") {
			t.Errorf("row %d key %q lacks the csrc: prefix", i, r.row.Key)
		}
	}
}

func TestCsrcChecks(t *testing.T) {
	c := csrcResult{text: sampleCsrc, rows: parseCsrc(sampleCsrc)}
	checks := cSwitchChecks(c)
	if checks[0].Verdict != "OVER" || !strings.HasPrefix(checks[0].Measured, "2.40x (7.20 / 3.00 ns)") {
		t.Errorf("hub switch check = %+v", checks[0])
	}
	if checks[1].Verdict != "within" || !strings.HasPrefix(checks[1].Measured, "0.725x") {
		t.Errorf("boost check = %+v", checks[1])
	}
	if p := parkedCCheck(nil, c); p.Verdict != "within" || p.Measured != "4,198 B from C (perf_hub)" {
		t.Errorf("parked C check = %+v", p)
	}
	// Without the bare asm row, the budget falls back to gev_coro_switch.
	var kept []string
	for _, l := range strings.Split(sampleCsrc, "\n") {
		if !strings.Contains(l, "bare asm") {
			kept = append(kept, l)
		}
	}
	older := strings.Join(kept, "\n")
	if got := cSwitchChecks(csrcResult{text: older, rows: parseCsrc(older)})[0].Measured; !strings.HasPrefix(got, "2.02x (7.20 / 3.56 ns)") {
		t.Errorf("fallback to gev_coro_switch: measured %q", got)
	}
	missing := csrcResult{missing: "not run"}
	if v := cSwitchChecks(missing)[0].Verdict; !strings.Contains(v, "not measured") {
		t.Errorf("missing csrc output gave verdict %q", v)
	}
}

func TestReadCsrc(t *testing.T) {
	if r := readCsrc(""); r.missing == "" {
		t.Error("no file: want a reason")
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := readCsrc(empty); !strings.Contains(r.missing, "printed nothing") {
		t.Errorf("empty output: missing = %q", r.missing)
	}
	full := filepath.Join(dir, "out")
	if err := os.WriteFile(full, []byte(sampleCsrc), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := readCsrc(full); r.missing != "" || len(r.rows) != 9 || !strings.Contains(r.text, "perf_coro: 7 runs") {
		t.Errorf("readCsrc = missing %q, %d rows", r.missing, len(r.rows))
	}
}

// buildLog is what make prints around the perf programs on a fresh build:
// commands, make's messages, and a compiler diagnostic with its excerpt.
const buildLog = `mkdir -p build/rel/
cc -std=gnu11 -g -Wall -Wextra -Werror -I.  -O2 -fcf-protection  -MMD -c coro.c -o build/rel/coro.o
rm -f build/rel/libgevcore.a && ar rcs build/rel/libgevcore.a build/rel/coro.o
In file included from bench/perf_hub.c:3:
                 from bench/perf_x.c:1:
bench/perf_hub.c: In function 'main':
bench/perf_hub.c:12:5: warning: unused variable 'x' [-Wunused-variable]
   12 |     int x;
      |         ^
/usr/bin/gcc-12 -O2 bench/perf_hub.c -o build/rel/perf_hub
make[1]: Entering directory '/x/csrc'
`

// TestCsrcWithoutBuildLog: the report keeps the perf programs' output and
// none of the build's.
func TestCsrcWithoutBuildLog(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.WriteFile(out, []byte(buildLog+sampleCsrc+"FAIL: perf_coro\nmake: *** [Makefile:176: bench] Error 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := readCsrc(out)
	if r.missing != "" || len(r.rows) != 9 {
		t.Fatalf("readCsrc = missing %q, %d rows", r.missing, len(r.rows))
	}
	for _, bad := range []string{"cc -", "mkdir", "ar rcs", "make", "warning:", "In file included", "int x;", "^", "gcc-12"} {
		if strings.Contains(r.text, bad) {
			t.Errorf("perf output keeps build line %q:\n%s", bad, r.text)
		}
	}
	for _, good := range []string{"perf_coro: 7 runs", "| switch: gev_coro_switch ", "### C hub", "FAIL: perf_coro"} {
		if !strings.Contains(r.text, good) {
			t.Errorf("perf output lost %q:\n%s", good, r.text)
		}
	}
	if want := strings.Count(buildLog, "\n") + 2; r.buildLines != want { // the cc line of sampleCsrc and make's Error line
		t.Errorf("buildLines = %d, want %d", r.buildLines, want)
	}
	onlyBuild := filepath.Join(dir, "build")
	if err := os.WriteFile(onlyBuild, []byte(buildLog+"make: *** [Makefile:12: build/rel/coro.o] Error 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := readCsrc(onlyBuild); !strings.Contains(r.missing, "no perf program ran") || r.text != "" {
		t.Errorf("build-only output: missing %q, text %q", r.missing, r.text)
	}
}

package report

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gevent-go/gevent/bench/stats"
)

func TestNum(t *testing.T) {
	cases := map[float64]string{
		0: "0", 0.012345: "0.0123", 1.2345: "1.23", 12.345: "12.3", 123.45: "123",
		999.7: "1,000", 1234.5: "1,235", 1234567: "1,234,567", -12.345: "-12.3",
		math.NaN(): "?", math.Inf(1): "?",
	}
	for v, want := range cases {
		if got := Num(v); got != want {
			t.Errorf("Num(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestRatioAndFasterThan(t *testing.T) {
	if got := Ratio(3, 2); got != "1.50x" {
		t.Errorf("Ratio(3, 2) = %q", got)
	}
	if got := Ratio(1, 0); got != "?" {
		t.Errorf("Ratio(1, 0) = %q", got)
	}
	if got := FasterThan(2000, 100); got != "20.0x faster" {
		t.Errorf("FasterThan(2000, 100) = %q", got)
	}
	if got := FasterThan(100, 200); got != "0.500x (slower)" {
		t.Errorf("FasterThan(100, 200) = %q", got)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int]string{1000: "1e3", 1000000: "1e6", 500: "500", 2500: "2500"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

func sum(med, lo, hi float64) stats.Summary {
	return stats.Summary{Median: med, Min: lo, Max: hi, N: 3}
}

func sampleCase() *Case {
	return &Case{
		ID: "spawn_join", Title: "spawn + join", Primary: "ns/greenlet",
		Secondary:   []string{"spawn-ns/greenlet"},
		BaselineKey: "iterpull", GeventKey: "gevent", FasterIsBetter: true,
		Rows: []Row{
			{Key: "iterpull", Label: "bare iter.Pull", Metrics: map[string]stats.Summary{"ns/greenlet": sum(100, 90, 120)}},
			{Key: "core=go", Label: "ours, core=go", Metrics: map[string]stats.Summary{
				"ns/greenlet": sum(150, 140, 170), "spawn-ns/greenlet": sum(50, 40, 60)}},
			{Key: "core=c", Label: "ours, core=c", NA: "core \"c\" is not in this build"},
			{Key: "gevent", Label: "gevent 22.10.2", Metrics: map[string]stats.Summary{"ns/greenlet": sum(15000, 14000, 16000)}},
		},
		Notes: []string{"a note"},
	}
}

func TestCaseMarkdown(t *testing.T) {
	md := sampleCase().Markdown(3)
	want := []string{
		"### spawn + join\n",
		"ratio baseline: bare iter.Pull.",
		"| implementation | ns/greenlet median | min–max | ÷ baseline | vs gevent | spawn-ns/greenlet |",
		"| bare iter.Pull (baseline) | 100 | 90.0–120 | 1.00x | 150x faster |  |",
		"| ours, core=go | 150 | 140–170 | 1.50x | 100x faster | 50.0 (40.0–60.0) |",
		`| ours, core=c | n/a — core "c" is not in this build |  |  |  |  |`,
		"| gevent 22.10.2 | 15,000 | 14,000–16,000 | 150x |  |  |",
		"\na note\n",
	}
	for _, w := range want {
		if !strings.Contains(md, w) {
			t.Errorf("Markdown lacks %q; got:\n%s", w, md)
		}
	}
	// Every table line has the same number of cells.
	var cols int
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row has %d separators, header %d: %s", n, cols, line)
		}
	}
}

func TestCaseMarkdownWithoutGeventOrBaseline(t *testing.T) {
	c := sampleCase()
	c.Rows = c.Rows[1:2] // only core=go
	md := c.Markdown(2)
	if !strings.Contains(md, "| ours, core=go | 150 | 140–170 | ? | no gevent |") {
		t.Errorf("unexpected:\n%s", md)
	}
	if !strings.Contains(md, "ratio baseline: none.") {
		t.Errorf("missing baseline note:\n%s", md)
	}
}

func TestEscape(t *testing.T) {
	if got := escape("a|b\nc"); got != `a\|b c` {
		t.Errorf("escape = %q", got)
	}
}

func TestVsGevent(t *testing.T) {
	slow := sampleCase()
	slow.Title = "slow one"
	slow.Rows[1].Metrics["ns/greenlet"] = sum(5000, 5000, 5000)
	noRatio := sampleCase()
	noRatio.FasterIsBetter = false
	md := VsGevent([]*Case{sampleCase(), slow, noRatio}, []string{"core=go", "core=c"}, "gevent", 10)
	for _, w := range []string{
		"| workload | gevent | core=go | gevent ÷ core=go | core=c | gevent ÷ core=c |",
		"| spawn + join (ns/greenlet) | 15,000 | 150 | 100x (meets 10x) | n/a |  |",
		"| slow one (ns/greenlet) | 15,000 | 5,000 | 3.00x (BELOW 10x) | n/a |  |",
	} {
		if !strings.Contains(md, w) {
			t.Errorf("VsGevent lacks %q; got:\n%s", w, md)
		}
	}
	if strings.Count(md, "\n") != 4 {
		t.Errorf("want header, rule and two rows; got:\n%s", md)
	}
}

func TestChecks(t *testing.T) {
	md := Checks([]Check{{Budget: "x ≤ 1.2y", Measured: "1.1x", Verdict: Verdict(true)}, {Budget: "b", Measured: "m", Verdict: Verdict(false)}})
	if !strings.Contains(md, "| x ≤ 1.2y | 1.1x | within |") || !strings.Contains(md, "| b | m | OVER |") {
		t.Errorf("Checks:\n%s", md)
	}
}

func TestScalingPlot(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "scaling.svg")
	err := ScalingPlot(path, "spawn N + JoinAll", "ns per greenlet", []Series{
		{Label: "ours, core=go", Points: []Point{{1000, 300}, {10000, 310}, {1000000, 330}}},
		{Label: "gevent", Points: []Point{{1000, 20000}, {1000000, 23000}}},
		{Label: "empty"},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.HasPrefix(strings.TrimSpace(s), "<?xml") || !strings.Contains(s, "<svg") {
		t.Fatalf("not an SVG: %.80s", s)
	}
	for _, label := range []string{"ours, core=go", "gevent"} {
		if !strings.Contains(s, label) {
			t.Errorf("plot lacks legend %q", label)
		}
	}
	// Eight series (as many as the comparison has): each has its own colour,
	// and dashed lines tell them apart in grey too.
	var many []Series
	for i := range 8 {
		many = append(many, Series{Label: fmt.Sprintf("series %d", i), Points: []Point{{1000, float64(100 + i)}, {10000, float64(200 + i)}}})
	}
	manyPath := filepath.Join(dir, "many.svg")
	if err := ScalingPlot(manyPath, "t", "y", many); err != nil {
		t.Fatal(err)
	}
	b, err = os.ReadFile(manyPath)
	if err != nil {
		t.Fatal(err)
	}
	s = string(b)
	for _, c := range palette {
		if hex := fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B); !strings.Contains(s, hex) {
			t.Errorf("plot of 8 series lacks colour %s", hex)
		}
	}
	if !strings.Contains(s, "stroke-dasharray") {
		t.Error("plot of 8 series has no dashed line")
	}
	if len(shapes) < 8 || len(palette) < 8 {
		t.Errorf("fewer than 8 shapes (%d) or colours (%d): series would share them", len(shapes), len(palette))
	}
	if err := ScalingPlot(filepath.Join(dir, "none.svg"), "t", "y", []Series{{Label: "empty"}}); err == nil {
		t.Error("a plot without points succeeded")
	}
}

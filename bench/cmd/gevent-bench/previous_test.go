package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gevent-go/gevent/bench/report"
	"github.com/gevent-go/gevent/bench/stats"
)

// reportOf renders a minimal report of one case in the given mode.
func reportOf(mode string, coreGo float64) string {
	c := &report.Case{ID: "spawn_join", Title: "3. spawn + join", Primary: "ns/greenlet", BaselineKey: "iterpull", Rows: []report.Row{
		{Key: "iterpull", Label: "bare iter.Pull", Metrics: map[string]stats.Summary{"ns/greenlet": {Median: 100, N: 1}}},
		{Key: "core=go", Label: "ours, core=go", Metrics: map[string]stats.Summary{"ns/greenlet": {Median: coreGo, N: 1}}},
	}}
	return "# gevent-go vs gevent and Go: benchmark comparison, 2026-11-20 10:00 UTC\n\n- mode: " + mode + "\n\n## Workloads\n\n" + c.Markdown(3)
}

// TestPreviousRun: the previous run is the newest full one, not a quick
// one nor the report being written; its JSON summary wins over its
// Markdown, which is the fallback when the JSON is absent or is not a
// summary.
func TestPreviousRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if name, snap := previousRun(dir, "2026-11-27"); name != "" || snap != nil {
		t.Fatalf("empty folder: previous run %q", name)
	}
	write("2026-11-20.md", reportOf("full run; 7 samples per row", 150))
	write("2026-11-25.md", reportOf("full run; 7 samples per row", 160))
	write("2026-11-26.md", reportOf("QUICK run (small sizes)", 170))
	write("2026-11-26-quick.md", reportOf("full run; mislabelled", 180))
	write("2026-11-27.md", reportOf("full run; the one being rewritten", 190))
	write("README.md", reportOf("full run; not a report", 200))
	write("2026-11-25.json", `[{"workload":"spawn_join","impl":"core=go"}]`) // raw samples of an older command

	medianOf := func(s *report.Snapshot) float64 {
		for _, r := range s.Cases[0].Rows {
			if !r.Baseline {
				return r.Median
			}
		}
		return -1
	}
	name, snap := previousRun(dir, "2026-11-27")
	if name != "2026-11-25.md" || snap == nil || medianOf(snap) != 160 {
		t.Fatalf("previous run = %q %+v, want 2026-11-25.md parsed from Markdown", name, snap)
	}

	sum := report.NewSnapshot("2026-11-25 10:00", "abc", true, nil)
	sum.Cases = []report.SnapshotCase{{ID: "spawn_join", Heading: "3. spawn + join", Metric: "ns/greenlet", Rows: []report.SnapshotRow{
		{Key: "iterpull", Label: "bare iter.Pull", Median: 100, Baseline: true},
		{Key: "core=go", Label: "ours, core=go", Median: 165},
	}}}
	b, err := jsonOf(sum)
	if err != nil {
		t.Fatal(err)
	}
	write("2026-11-25.json", string(b))
	if name, snap := previousRun(dir, "2026-11-27"); name != "2026-11-25.md" || medianOf(snap) != 165 || snap.Commit != "abc" {
		t.Fatalf("previous run = %q %+v, want 2026-11-25 from its JSON", name, snap)
	}

	// A report nothing can read is skipped for the next older one.
	write("2026-11-25.md", "garbage\n")
	if err := os.Remove(filepath.Join(dir, "2026-11-25.json")); err != nil {
		t.Fatal(err)
	}
	if name, snap := previousRun(dir, "2026-11-27"); name != "2026-11-20.md" || medianOf(snap) != 150 {
		t.Fatalf("previous run = %q, want 2026-11-20.md", name)
	}
}

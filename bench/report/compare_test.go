package report

import (
	"strings"
	"testing"
)

// runOf builds a one-case snapshot: the baseline at base, core=go at ours.
func runOf(base, ours, gevent float64) *Snapshot {
	c := sampleCase()
	c.Rows[0].Metrics["ns/greenlet"] = sum(base, base, base)
	c.Rows[1].Metrics["ns/greenlet"] = sum(ours, ours, ours)
	c.Rows[3].Metrics["ns/greenlet"] = sum(gevent, gevent, gevent)
	return NewSnapshot("2026-01-01 00:00", "abc", true, []*Case{c})
}

func changeOf(t *testing.T, cs []Change, label string) Change {
	t.Helper()
	for _, c := range cs {
		if c.Label == label {
			return c
		}
	}
	t.Fatalf("no change for %q in %+v", label, cs)
	return Change{}
}

// TestCompareFlagsRatiosNotTimes: a row is flagged when its ratio to the
// same run's baseline grew by more than 10 %, whatever the absolute times
// did, so the machine's drift between runs flags nothing.
func TestCompareFlagsRatiosNotTimes(t *testing.T) {
	prev := runOf(100, 200, 10000)
	for _, tc := range []struct {
		name       string
		cur        *Snapshot
		worse      bool
		wantFactor float64
	}{
		{"15 % worse", runOf(100, 230, 10000), true, 1.15},
		{"5 % worse", runOf(100, 210, 10000), false, 1.05},
		{"machine 20 % slower, row and baseline alike", runOf(120, 240, 12000), false, 1.0},
		{"baseline 20 % faster, row unchanged", runOf(80, 200, 8000), true, 1.25},
	} {
		cs := Compare(prev, tc.cur)
		if len(cs) != 2 { // core=go and gevent; not the baseline, not the n/a core=c
			t.Errorf("%s: %d changes, want 2: %+v", tc.name, len(cs), cs)
			continue
		}
		c := changeOf(t, cs, "ours, core=go")
		if got := c.Factor(); got < tc.wantFactor-1e-9 || got > tc.wantFactor+1e-9 {
			t.Errorf("%s: factor %v, want %v", tc.name, got, tc.wantFactor)
		}
		if c.Worse() != tc.worse {
			t.Errorf("%s: Worse() = %v, want %v (before %v, after %v)", tc.name, c.Worse(), tc.worse, c.Before, c.After)
		}
		md := Changes("prev.md", prev, cs)
		if flagged := strings.Contains(md, "| ours, core=go |"); flagged != tc.worse {
			t.Errorf("%s: row listed = %v, want %v:\n%s", tc.name, flagged, tc.worse, md)
		}
	}
}

func TestChangesRendering(t *testing.T) {
	prev := runOf(100, 200, 10000)
	md := Changes("2026-01-01.md", prev, Compare(prev, runOf(100, 230, 10000)))
	for _, want := range []string{
		"Compared with the previous full run, 2026-01-01.md (2026-01-01 00:00 UTC, commit abc).",
		"2 rows compared: 1 more than 10 % worse, 0 more than 10 % better.",
		"| spawn + join | ours, core=go | 2.00x | 2.30x | +15 % | 200 → 230 ns/greenlet (baseline 100 → 100) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Changes lacks %q:\n%s", want, md)
		}
	}
	if md := Changes("", nil, nil); md != "No previous full run to compare with.\n" {
		t.Errorf("Changes without a previous run = %q", md)
	}
}

// TestParseMarkdownRoundTrip: a report rendered by Case.Markdown parses
// back into the snapshot NewSnapshot makes of the same cases (except the
// keys, which Markdown does not show), so a report without a JSON summary
// still compares.
func TestParseMarkdownRoundTrip(t *testing.T) {
	a := sampleCase()
	a.Rows[1].Note = "1 of 4 samples failed: x"
	b := sampleCase()
	b.ID, b.Size, b.Title = "spawn_joinall", 1000, "4. spawn N | JoinAll"
	b.Rows[1].Metrics["ns/greenlet"] = sum(1234.5, 1000, 2000)
	b.Rows = append(b.Rows, Row{Key: "core=x", Label: "failed one", Failed: "boom"})
	md := "# gevent-go vs gevent and Go: benchmark comparison, 2026-11-25 23:01 UTC\n\n" +
		"- mode: full run; 7 samples per row\n- commit: 8726f46\n\n## Scaling\n\n### not a case\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
		"## Workloads\n\n" + a.Markdown(3) + "\n" + b.Markdown(3) + "\n" +
		"## C core perf programs\n\n```\n### C hub\n\n| x | 1 ns |\n```\n"
	got, err := ParseMarkdown(md)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Full || got.Commit != "8726f46" || got.Date != "2026-11-25 23:01" {
		t.Errorf("header parsed as full=%v commit=%q date=%q", got.Full, got.Commit, got.Date)
	}
	want := NewSnapshot("", "", true, []*Case{a, b})
	if len(got.Cases) != len(want.Cases) {
		t.Fatalf("parsed %d cases, want %d: %+v", len(got.Cases), len(want.Cases), got.Cases)
	}
	for i, wc := range want.Cases {
		gc := got.Cases[i]
		if gc.Heading != wc.Heading || gc.Metric != wc.Metric || len(gc.Rows) != len(wc.Rows) {
			t.Errorf("case %d: got %q %q %d rows, want %q %q %d rows", i, gc.Heading, gc.Metric, len(gc.Rows), wc.Heading, wc.Metric, len(wc.Rows))
			continue
		}
		for j, wr := range wc.Rows {
			gr := gc.Rows[j]
			// Markdown keeps three significant digits.
			if gr.Label != wr.Label || gr.Baseline != wr.Baseline || gr.Median < wr.Median*0.995 || gr.Median > wr.Median*1.005 {
				t.Errorf("case %d row %d: got %+v, want %+v", i, j, gr, wr)
			}
		}
	}
	// A parsed run compares with a JSON one: by heading without its
	// number, gevent by name whatever its version.
	cur := NewSnapshot("", "", true, []*Case{a})
	for i := range cur.Cases[0].Rows {
		if r := &cur.Cases[0].Rows[i]; r.Key == "gevent" {
			r.Label = "gevent 99.0"
		}
	}
	if cs := Compare(got, cur); len(cs) != 2 || changeOf(t, cs, "gevent 99.0").Factor() != 1 {
		t.Errorf("Compare(parsed, json) = %+v", cs)
	}

	quick := strings.Replace(md, "- mode: full run", "- mode: QUICK run", 1)
	if s, err := ParseMarkdown(quick); err != nil || s.Full {
		t.Errorf("quick report parsed as full=%v, err %v", s != nil && s.Full, err)
	}
	if _, err := ParseMarkdown("# nothing here\n"); err == nil {
		t.Error("a text without workload tables parsed")
	}
}

func TestParseSnapshotJSON(t *testing.T) {
	if _, err := ParseSnapshot([]byte(`[{"workload":"switch"}]`)); err == nil {
		t.Error("an array of raw samples parsed as a run summary")
	}
	s, err := ParseSnapshot([]byte(`{"date":"d","full":true,"cases":[{"id":"x","heading":"h","metric":"m","rows":[{"key":"k","label":"l","median":1.5,"baseline":true}]}]}`))
	if err != nil || !s.Full || s.Cases[0].Rows[0].Median != 1.5 {
		t.Errorf("ParseSnapshot = %+v, %v", s, err)
	}
}

package report

import (
	"fmt"
	"regexp"
	"strings"
)

// RegressionLimit is how much worse, relative to its own baseline, a row
// may get between two full runs before the report flags it: 0.10 flags a
// row whose ratio to the baseline grew by more than 10 %.
const RegressionLimit = 0.10

// A Change is one row present in two runs, as ratios of its median to the
// same case's baseline median in each run. Comparing ratios rather than
// times cancels the machine's drift between runs, which moves the baseline
// as much as the row.
type Change struct {
	Case, Label    string
	Metric         string
	Before, After  float64 // median ÷ baseline median, previous run and this one
	MedianBefore   float64
	MedianAfter    float64
	BaselineBefore float64
	BaselineAfter  float64
}

// Factor is After ÷ Before: above 1 the row got worse against its baseline
// (every primary metric is a cost: time, lateness or memory).
func (c Change) Factor() float64 { return c.After / c.Before }

// Worse reports whether the row lost more than RegressionLimit.
func (c Change) Worse() bool { return c.Factor() > 1+RegressionLimit }

// Better reports whether the row gained more than RegressionLimit.
func (c Change) Better() bool { return c.Factor() < 1/(1+RegressionLimit) }

// Compare matches the cases and rows of cur with prev and returns a Change
// for every non-baseline row both runs measured against a baseline, in
// cur's order. Cases are matched by workload and size when both runs name
// them, else by heading (without its number); rows by implementation key,
// else by label (real gevent by its name alone, since its label carries a
// version). A case whose metric changed is skipped; a nil run compares
// with nothing.
func Compare(prev, cur *Snapshot) []Change {
	if prev == nil || cur == nil {
		return nil
	}
	var out []Change
	for _, cc := range cur.Cases {
		pc := prev.match(cc)
		if pc == nil || pc.Metric != cc.Metric {
			continue
		}
		pb, okP := pc.baseline()
		cb, okC := cc.baseline()
		if !okP || !okC {
			continue
		}
		for _, cr := range cc.Rows {
			if cr.Baseline {
				continue
			}
			pr := pc.row(cr)
			// A zero median (a lateness of 0) has no ratio to grow from.
			if pr == nil || pr.Baseline || pr.Median <= 0 {
				continue
			}
			out = append(out, Change{
				Case: cc.Heading, Label: cr.Label, Metric: cc.Metric,
				Before: pr.Median / pb, After: cr.Median / cb,
				MedianBefore: pr.Median, MedianAfter: cr.Median,
				BaselineBefore: pb, BaselineAfter: cb,
			})
		}
	}
	return out
}

var caseNumber = regexp.MustCompile(`^\d+\.\s+`)

func (s *Snapshot) match(c SnapshotCase) *SnapshotCase {
	for i := range s.Cases {
		p := &s.Cases[i]
		if p.ID != "" && c.ID != "" {
			if p.ID == c.ID && p.Size == c.Size {
				return p
			}
			continue
		}
		if caseNumber.ReplaceAllString(p.Heading, "") == caseNumber.ReplaceAllString(c.Heading, "") {
			return p
		}
	}
	return nil
}

// baseline returns the baseline row's median, when it is positive.
func (c *SnapshotCase) baseline() (float64, bool) {
	for _, r := range c.Rows {
		if r.Baseline && r.Median > 0 {
			return r.Median, true
		}
	}
	return 0, false
}

func (c *SnapshotCase) row(want SnapshotRow) *SnapshotRow {
	for i := range c.Rows {
		r := &c.Rows[i]
		if r.Key != "" && want.Key != "" {
			if r.Key == want.Key {
				return r
			}
			continue
		}
		if rowName(r.Label) == rowName(want.Label) {
			return r
		}
	}
	return nil
}

// rowName is the part of a label that stays the same between runs.
func rowName(label string) string {
	if label == "gevent" || strings.HasPrefix(label, "gevent ") {
		return "gevent"
	}
	return label
}

// Changes renders the "changes since the previous full run" section body:
// which run this one is compared with, how, and a table of the rows more
// than RegressionLimit worse against their baseline. prevName names the
// previous report (a file in the same folder); an empty prev says there is
// none to compare with.
func Changes(prevName string, prev *Snapshot, changes []Change) string {
	var b strings.Builder
	if prev == nil {
		b.WriteString("No previous full run to compare with.\n")
		return b.String()
	}
	what := prevName
	if prev.Date != "" {
		what += " (" + prev.Date + " UTC"
		if prev.Commit != "" {
			what += ", commit " + prev.Commit
		}
		what += ")"
	}
	pct := fmt.Sprintf("%g %%", RegressionLimit*100)
	fmt.Fprintf(&b, "Compared with the previous full run, %s. Times from two runs do not compare (the machine drifts), "+
		"so each row is compared as its median ÷ its workload's baseline median (the row marked baseline in its table) in each run; "+
		"a row is flagged when that ratio grew by more than %s. Baseline rows themselves are not compared.\n\n", what, pct)
	var worse []Change
	better := 0
	for _, c := range changes {
		switch {
		case c.Worse():
			worse = append(worse, c)
		case c.Better():
			better++
		}
	}
	fmt.Fprintf(&b, "%d rows compared: %d more than %s worse, %d more than %s better.\n\n", len(changes), len(worse), pct, better, pct)
	if len(worse) == 0 {
		return b.String()
	}
	b.WriteString("| workload | implementation | ÷ baseline, previous run | ÷ baseline, this run | change | medians, previous → this run |\n")
	b.WriteString("|---|---|--:|--:|--:|---|\n")
	for _, c := range worse {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %+.0f %% | %s → %s %s (baseline %s → %s) |\n",
			escape(c.Case), escape(c.Label), Num(c.Before)+"x", Num(c.After)+"x", (c.Factor()-1)*100,
			Num(c.MedianBefore), Num(c.MedianAfter), escape(c.Metric), Num(c.BaselineBefore), Num(c.BaselineAfter))
	}
	return b.String()
}

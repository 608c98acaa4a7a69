package report

import (
	"fmt"
	"strings"

	"github.com/gevent-go/gevent/bench/stats"
)

// A Row is one implementation's results in one case.
type Row struct {
	// Key identifies the implementation: "core=go", "gevent", "csrc:boost".
	Key string
	// Label is the text of the first cell.
	Label string
	// NA, when set, says why the implementation has no numbers here; the
	// row then shows "n/a — NA" and nothing else.
	NA string
	// Failed, when set, says why every sample failed.
	Failed string
	// Metrics summarises the samples per metric name.
	Metrics map[string]stats.Summary
	// Note is appended to the label (e.g. "from csrc's perf program").
	Note string
}

// A Case is one table: one workload at one size.
type Case struct {
	// ID is the workload name, Size its n (0 when the size is not shown).
	ID    string
	Size  int
	Title string
	// Unit describes what the primary metric counts, for the heading.
	Primary   string
	Secondary []string
	// BaselineKey is the Row.Key ratios divide by; GeventKey the Row.Key
	// of the Python implementation the case is compared with: real gevent,
	// or SimPy for the simulation workloads.
	BaselineKey, GeventKey string
	// PythonName names that implementation in the column heading
	// ("vs gevent" when empty).
	PythonName string
	// FasterIsBetter enables the "vs gevent" (or PythonName) column.
	FasterIsBetter bool
	Rows           []Row
	// Notes are printed under the table.
	Notes []string
}

// Row returns the row with the given key, or nil.
func (c *Case) Row(key string) *Row {
	for i := range c.Rows {
		if c.Rows[i].Key == key {
			return &c.Rows[i]
		}
	}
	return nil
}

// Median returns the median of metric in the row with key, and whether the
// row has it.
func (c *Case) Median(key, metric string) (float64, bool) {
	r := c.Row(key)
	if r == nil || r.NA != "" || r.Failed != "" {
		return 0, false
	}
	s, ok := r.Metrics[metric]
	if !ok || s.N == 0 {
		return 0, false
	}
	return s.Median, true
}

// Heading returns the case's Markdown heading text.
func (c *Case) Heading() string {
	if c.Size > 0 {
		return fmt.Sprintf("%s, N = %s", c.Title, Size(c.Size))
	}
	return c.Title
}

// Markdown renders the case as a heading, one line naming the baseline, the
// table, and the notes. The table has, per row, the primary metric's median
// and min–max, its ratio to the baseline, how many times faster than gevent
// it is (when that means something), then each secondary metric as
// "median (min–max)".
func (c *Case) Markdown(level int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n\n", strings.Repeat("#", level), escape(c.Heading()))
	base := "none"
	if r := c.Row(c.BaselineKey); r != nil {
		base = r.Label
	}
	fmt.Fprintf(&b, "Primary metric `%s`; ratio baseline: %s.\n\n", c.Primary, base)

	head := []string{"implementation", c.Primary + " median", "min–max", "÷ baseline"}
	if c.FasterIsBetter {
		head = append(head, "vs "+c.pythonName())
	}
	for _, m := range c.Secondary {
		head = append(head, m)
	}
	b.WriteString("| " + strings.Join(head, " | ") + " |\n")
	b.WriteString("|---" + strings.Repeat("|--:", len(head)-1) + "|\n")

	baseMed, haveBase := c.Median(c.BaselineKey, c.Primary)
	gevMed, haveGev := c.Median(c.GeventKey, c.Primary)
	for i := range c.Rows {
		r := &c.Rows[i]
		label := r.Label
		if r.Key == c.BaselineKey {
			label += " (baseline)"
		}
		if r.Note != "" {
			label += " — " + r.Note
		}
		cells := []string{escape(label)}
		switch {
		case r.NA != "":
			cells = append(cells, escape("n/a — "+r.NA))
		case r.Failed != "":
			cells = append(cells, escape("failed — "+r.Failed))
		}
		if len(cells) > 1 {
			for len(cells) < len(head) {
				cells = append(cells, "")
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
			continue
		}
		s, ok := r.Metrics[c.Primary]
		if !ok || s.N == 0 {
			cells = append(cells, "—", "", "")
		} else {
			cells = append(cells, Num(s.Median), Num(s.Min)+"–"+Num(s.Max))
			if haveBase {
				cells = append(cells, Ratio(s.Median, baseMed))
			} else {
				cells = append(cells, "?")
			}
		}
		if c.FasterIsBetter {
			switch {
			case r.Key == c.GeventKey || !ok || s.N == 0:
				cells = append(cells, "")
			case !haveGev:
				cells = append(cells, "no "+c.pythonName())
			default:
				cells = append(cells, FasterThan(gevMed, s.Median))
			}
		}
		for _, m := range c.Secondary {
			if sm, ok := r.Metrics[m]; ok && sm.N > 0 {
				cells = append(cells, fmt.Sprintf("%s (%s–%s)", Num(sm.Median), Num(sm.Min), Num(sm.Max)))
			} else {
				cells = append(cells, "")
			}
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	if len(c.Notes) > 0 {
		b.WriteString("\n")
		for _, n := range c.Notes {
			b.WriteString(n + "\n")
		}
	}
	return b.String()
}

// pythonName names the implementation of GeventKey for headings.
func (c *Case) pythonName() string {
	if c.PythonName == "" {
		return "gevent"
	}
	return c.PythonName
}

// FasterThan says how the cost `ours` compares with gevent's cost `gevent`:
// "12.3x faster" or "0.5x (slower)".
func FasterThan(gevent, ours float64) string {
	r := Ratio(gevent, ours)
	if r == "?" {
		return r
	}
	if gevent >= ours {
		return r + " faster"
	}
	return r + " (slower)"
}

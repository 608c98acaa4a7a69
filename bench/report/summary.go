package report

import (
	"fmt"
	"strings"
)

// VsGevent renders the headline table: for every case where "faster" means
// something, each of our implementations' primary median beside gevent's,
// how many times faster ours is, and whether that meets target. A target
// of 0 or less judges nothing: the ratios stand alone, as a quick run,
// which measures nothing reliable, needs.
func VsGevent(cases []*Case, ours []string, geventKey string, target float64) string {
	return VsPython(cases, ours, geventKey, "gevent", target)
}

// VsPython is VsGevent against any Python implementation: the row key
// pyKey, called name in the headings. Cases compared with another Python
// implementation (a GeventKey other than pyKey) are left out.
func VsPython(cases []*Case, ours []string, pyKey, name string, target float64) string {
	geventKey := pyKey
	var b strings.Builder
	head := []string{"workload", name}
	for _, k := range ours {
		head = append(head, k, name+" ÷ "+k)
	}
	b.WriteString("| " + strings.Join(head, " | ") + " |\n")
	b.WriteString("|---" + strings.Repeat("|--:", len(head)-1) + "|\n")
	for _, c := range cases {
		if !c.FasterIsBetter || c.GeventKey != "" && c.GeventKey != pyKey {
			continue
		}
		cells := []string{escape(c.Heading()) + " (" + c.Primary + ")"}
		gev, haveGev := c.Median(geventKey, c.Primary)
		if haveGev {
			cells = append(cells, Num(gev))
		} else {
			cells = append(cells, "n/a")
		}
		for _, k := range ours {
			v, ok := c.Median(k, c.Primary)
			if !ok {
				cells = append(cells, "n/a", "")
				continue
			}
			cells = append(cells, Num(v))
			if !haveGev {
				cells = append(cells, "")
				continue
			}
			if target <= 0 {
				cells = append(cells, Ratio(gev, v))
				continue
			}
			mark := "meets"
			if gev/v < target {
				mark = "BELOW"
			}
			cells = append(cells, fmt.Sprintf("%s (%s %gx)", Ratio(gev, v), mark, target))
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return b.String()
}

// A Check is one of the project's performance budgets evaluated on a run.
type Check struct {
	// Budget states the rule, e.g. "sleep(0) handoff, core=go ≤ 1.2x bare
	// iter.Pull round trip".
	Budget string
	// Measured is what this run found, e.g. "1.07x (64.1 / 59.9 ns)".
	Measured string
	// Verdict is "within", "OVER", or why it could not be evaluated.
	Verdict string
}

// Checks renders the budget checks as a table.
func Checks(cs []Check) string {
	var b strings.Builder
	b.WriteString("| budget | measured | verdict |\n|---|---|---|\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", escape(c.Budget), escape(c.Measured), escape(c.Verdict))
	}
	return b.String()
}

// Verdict returns "within" when ok, otherwise "OVER".
func Verdict(ok bool) string {
	if ok {
		return "within"
	}
	return "OVER"
}

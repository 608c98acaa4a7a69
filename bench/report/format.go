// Package report renders the comparison: one Markdown table per workload
// case, the headline ratios against gevent and the project's performance
// budgets, the scaling plot, and the comparison with a previous run. It
// knows nothing about how samples were taken; the gevent-bench command
// fills in its types.
package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Num formats a measurement with three significant digits and thousands
// separators: 0.0123, 1.23, 12.3, 123, 1,234, 12,345. NaN and ±Inf print as
// "?" since they mean a measurement went wrong.
func Num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "?"
	}
	neg := v < 0
	a := math.Abs(v)
	var s string
	switch {
	case a == 0:
		s = "0"
	case a >= 1000:
		s = groupThousands(strconv.FormatFloat(math.Round(a), 'f', 0, 64))
	default:
		// Digits after the point so that three significant digits show.
		d := max(0, 2-int(math.Floor(math.Log10(a))))
		s = strconv.FormatFloat(a, 'f', d, 64)
		if rounded, err := strconv.ParseFloat(s, 64); err == nil && rounded >= 1000 {
			s = groupThousands(strconv.FormatFloat(rounded, 'f', 0, 64))
		}
	}
	if neg {
		return "-" + s
	}
	return s
}

func groupThousands(digits string) string {
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Ratio formats a/b as "1.23x", or "?" when it is undefined.
func Ratio(a, b float64) string {
	r := a / b
	if b == 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		return "?"
	}
	return Num(r) + "x"
}

// Size formats a workload size the way the tables and the plot name it:
// 1e3, 1e4, ... for powers of ten, the plain number otherwise.
func Size(n int) string {
	if n >= 1000 {
		e := math.Log10(float64(n))
		if e == math.Trunc(e) {
			return fmt.Sprintf("1e%d", int(e))
		}
	}
	return strconv.Itoa(n)
}

// escape makes s safe inside a Markdown table cell.
func escape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

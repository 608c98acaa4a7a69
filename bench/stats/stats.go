// Package stats summarises benchmark samples: medians, nearest-rank
// percentiles and min–max ranges, the only statistics the comparison report
// uses. Medians, not means, because the machines these run on are shared and
// noisy: one slow sample must not move the headline number.
package stats

import (
	"math"
	"slices"
	"time"
)

// A Summary describes the samples of one metric: their median, smallest and
// largest value, and how many there were. The zero Summary (N == 0) means
// "no samples"; its other fields are NaN-free zeros and must not be shown as
// numbers.
type Summary struct {
	Median, Min, Max float64
	N                int
}

// Summarize returns the Summary of xs. NaN values are ignored (a sample that
// could not measure a metric reports NaN). xs is not modified.
func Summarize(xs []float64) Summary {
	s := finite(xs)
	if len(s) == 0 {
		return Summary{}
	}
	slices.Sort(s)
	return Summary{Median: medianSorted(s), Min: s[0], Max: s[len(s)-1], N: len(s)}
}

// Median returns the median of xs: the middle value, or the mean of the two
// middle values for an even count. It returns NaN for no (non-NaN) values.
func Median(xs []float64) float64 {
	s := finite(xs)
	if len(s) == 0 {
		return math.NaN()
	}
	slices.Sort(s)
	return medianSorted(s)
}

// Percentile returns the nearest-rank p-th percentile of xs (p in [0, 100]):
// the smallest value such that at least p% of the values are less than or
// equal to it; p = 0 gives the minimum. This is the definition the gevent
// script uses, so both sides of a comparison agree. It returns NaN for no
// values and panics for p outside [0, 100].
func Percentile(xs []float64, p float64) float64 {
	if p < 0 || p > 100 || math.IsNaN(p) {
		panic("stats: percentile outside [0, 100]")
	}
	s := finite(xs)
	if len(s) == 0 {
		return math.NaN()
	}
	slices.Sort(s)
	k := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(len(s)-1, k))]
}

// Micros converts durations to float microseconds, the unit of the latency
// metrics.
func Micros(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d) / 1e3
	}
	return out
}

func finite(xs []float64) []float64 {
	s := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			s = append(s, x)
		}
	}
	return s
}

func medianSorted(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

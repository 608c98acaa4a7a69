package stats

import (
	"math"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	cases := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{5, math.NaN(), 1}, 3},
	}
	for _, c := range cases {
		if got := Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if got := Median(nil); !math.IsNaN(got) {
		t.Errorf("Median(nil) = %v, want NaN", got)
	}
}

func TestMedianDoesNotReorderInput(t *testing.T) {
	in := []float64{3, 1, 2}
	Median(in)
	if in[0] != 3 || in[1] != 1 || in[2] != 2 {
		t.Fatalf("input reordered: %v", in)
	}
}

func TestPercentileNearestRank(t *testing.T) {
	xs := make([]float64, 200)
	for i := range xs {
		xs[i] = float64(200 - i) // 200..1, unsorted on purpose
	}
	cases := map[float64]float64{0: 1, 50: 100, 99: 198, 99.5: 199, 100: 200}
	for p, want := range cases {
		if got := Percentile(xs, p); got != want {
			t.Errorf("Percentile(1..200, %v) = %v, want %v", p, got, want)
		}
	}
	if got := Percentile([]float64{7}, 99); got != 7 {
		t.Errorf("Percentile of one value = %v, want 7", got)
	}
	if got := Percentile(nil, 50); !math.IsNaN(got) {
		t.Errorf("Percentile(nil) = %v, want NaN", got)
	}
}

func TestPercentileRejectsBadP(t *testing.T) {
	for _, p := range []float64{-1, 101, math.NaN()} {
		func() {
			defer func() {
				r := recover()
				if r != "stats: percentile outside [0, 100]" {
					t.Errorf("Percentile(p=%v) panic = %v", p, r)
				}
			}()
			Percentile([]float64{1}, p)
		}()
	}
}

func TestSummarize(t *testing.T) {
	s := Summarize([]float64{5, 1, math.NaN(), 9, 3})
	want := Summary{Median: 4, Min: 1, Max: 9, N: 4}
	if s != want {
		t.Fatalf("Summarize = %+v, want %+v", s, want)
	}
	if z := Summarize([]float64{math.NaN()}); z != (Summary{}) {
		t.Fatalf("Summarize(NaN) = %+v, want zero", z)
	}
}

func TestMicros(t *testing.T) {
	got := Micros([]time.Duration{1500 * time.Nanosecond, time.Millisecond})
	if got[0] != 1.5 || got[1] != 1000 {
		t.Fatalf("Micros = %v", got)
	}
}

package workloads

import (
	"math"
	"strings"
	"testing"
)

// smallN is the parameter the tests run each workload with: enough to
// exercise every path, small enough to keep `go test ./...` fast.
func smallN(w *Workload) int {
	switch w.Name {
	case "timeout_fire", "sleep_1ms":
		return 5
	}
	return 200
}

// TestEveryImplementationRuns runs each available implementation of each
// workload once and checks it reports its headline metric and every
// secondary one as a finite number.
func TestEveryImplementationRuns(t *testing.T) {
	for _, w := range All() {
		if w.Name == "sim_timeouts_1e6" {
			continue // sim_timeouts_1e5's code with a million events: TestSimTimeoutsCounts covers it
		}
		for _, impl := range GoImpls {
			f, err := w.Func(impl)
			if err != nil {
				continue
			}
			t.Run(w.Name+"/"+impl.SubName(), func(t *testing.T) {
				m, err := f(smallN(w))
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range append([]string{w.Primary}, w.Secondary...) {
					if impl == CGreenlet && k == "spawn-ns/greenlet" {
						continue // documented: the C spawn phase runs turns
					}
					v, ok := m[k]
					if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
						t.Errorf("metric %q = %v (present %v)", k, v, ok)
					}
				}
				// Durations and costs are positive; lateness may be
				// negative and an RSS delta of a few greenlets is noise.
				if strings.Contains(w.Primary, "ns/") && m[w.Primary] <= 0 {
					t.Errorf("headline %q = %v, want > 0", w.Primary, m[w.Primary])
				}
			})
		}
	}
}

// TestRegistry checks every workload is complete: a baseline that is one of
// the implementations, sizes for both modes, and either a Func or a reason
// for each Go implementation other than our cores.
func TestRegistry(t *testing.T) {
	if got, want := len(All()), len(tableOrder); got != want {
		t.Fatalf("%d workloads registered, table order lists %d", got, want)
	}
	for _, w := range All() {
		if w.Title == "" || w.Primary == "" || len(w.Sizes) == 0 || (len(w.QuickSizes) == 0) == (w.NotQuick == "") {
			t.Errorf("%s: incomplete: %+v", w.Name, w)
		}
		for _, impl := range []Impl{IterPull, Goroutines} {
			_, hasF := w.impls[impl]
			_, hasWhy := w.na[impl]
			if hasF == hasWhy {
				t.Errorf("%s/%s: want exactly one of a Func and a reason", w.Name, impl)
			}
		}
		if _, err := w.Func(w.Baseline); err != nil {
			t.Errorf("%s: baseline %s unavailable: %v", w.Name, w.Baseline, err)
		}
	}
	if Lookup("no such workload") != nil {
		t.Error("Lookup of an unknown name returned a workload")
	}
}

func TestUnavailableCoreSaysWhy(t *testing.T) {
	_, err := Lookup("sleep0").Func("core=nosuchcore")
	if err == nil {
		t.Fatal("core=nosuchcore reported available")
	}
}

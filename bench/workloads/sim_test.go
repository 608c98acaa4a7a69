package workloads

import (
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// runOurs runs f as the main greenlet of a new hub built with opts.
func runOurs(t *testing.T, f func(main *greenlet.Greenlet) error, opts ...hub.Option) {
	t.Helper()
	if err := greenlet.Run(f, opts...); err != nil {
		t.Fatal(err)
	}
}

// TestSimTimeoutsCounts checks every implementation of the timeouts
// workloads runs exactly N x M events, on sizes where M = 1 and M > 1.
func TestSimTimeoutsCounts(t *testing.T) {
	for _, c := range []struct{ n, m int }{{1, 1}, {7, 1}, {5, 13}, {64, 3}} {
		r, err := floorTimeouts(c.n, c.m)
		if err != nil || r.events != c.n*c.m || r.end <= 0 {
			t.Errorf("floor N=%d M=%d: %d events, end %d, %v", c.n, c.m, r.events, r.end, err)
		}
		for _, clock := range []struct {
			name string
			unit time.Duration
			opts []hub.Option
		}{{"real", realUnit, []hub.Option{hub.WithCore("go")}}, {"virtual", virtualUnit, virtualClock}} {
			if clock.name == "virtual" && virtualMissing != "" {
				continue
			}
			runOurs(t, func(main *greenlet.Greenlet) error {
				r, err := oursTimeouts(main, c.n, c.m, clock.unit)
				if err != nil || r.events != c.n*c.m {
					t.Errorf("%s N=%d M=%d: %d events, %v", clock.name, c.n, c.m, r.events, err)
				}
				return nil
			}, clock.opts...)
		}
	}
}

// TestSimBankCounts checks every customer of the bank is served or
// reneges, on every implementation, with both outcomes present at a size
// where the model makes both likely.
func TestSimBankCounts(t *testing.T) {
	const n = 300
	r, err := floorBank(n)
	if err != nil {
		t.Fatal(err)
	}
	if r.served+r.reneged != n || r.served == 0 || r.reneged == 0 {
		t.Errorf("floor: served %d, reneged %d of %d", r.served, r.reneged, n)
	}
	runOurs(t, func(main *greenlet.Greenlet) error {
		r, err := oursBank(main, n, realUnit)
		if err != nil || r.served+r.reneged != n {
			t.Errorf("real clock: served %d, reneged %d of %d: %v", r.served, r.reneged, n, err)
		}
		return nil
	}, hub.WithCore("go"))
}

// TestDeadlineHeap checks the floor's heap yields deadlines in order,
// ties first-in first-out.
func TestDeadlineHeap(t *testing.T) {
	var d deadlineHeap
	ats := []int64{5, 3, 9, 3, 1, 7, 3, 0, 8}
	for i, at := range ats {
		d.push(at, int32(i), 0)
	}
	var got []int32
	for len(d.h) > 0 {
		got = append(got, d.h[0].i)
		d.pop()
	}
	want := []int32{7, 4, 1, 3, 6, 0, 5, 8, 2}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// TestSimFloorMatchesVirtual checks the floor and the virtual-clock hub
// run the same simulation: the same random stream consumed in the same
// order gives the same end time and, for the bank, the same counts and
// total wait, to the nanosecond.
func TestSimFloorMatchesVirtual(t *testing.T) {
	if virtualMissing != "" {
		t.Skip(virtualMissing)
	}
	for _, c := range []struct{ n, m int }{{1, 1}, {5, 13}, {200, 7}} {
		f, err := floorTimeouts(c.n, c.m)
		if err != nil {
			t.Fatal(err)
		}
		runOurs(t, func(main *greenlet.Greenlet) error {
			v, err := oursTimeouts(main, c.n, c.m, virtualUnit)
			if err != nil || v.end != f.end {
				t.Errorf("timeouts N=%d M=%d: virtual ends at %d, floor at %d (%v)", c.n, c.m, v.end, f.end, err)
			}
			return nil
		}, virtualClock...)
	}
	const n = 2000
	f, err := floorBank(n)
	if err != nil {
		t.Fatal(err)
	}
	runOurs(t, func(main *greenlet.Greenlet) error {
		v, err := oursBank(main, n, virtualUnit)
		if err != nil {
			t.Error(err)
		}
		if v.served != f.served || v.reneged != f.reneged || v.waited != f.waited || v.end != f.end {
			t.Errorf("bank: virtual served %d reneged %d waited %d end %d; floor %d %d %d %d",
				v.served, v.reneged, v.waited, v.end, f.served, f.reneged, f.waited, f.end)
		}
		return nil
	}, virtualClock...)
}

package sched

import (
	"runtime"
	"testing"
)

// armPastDue arms n timers on l whose deadlines have all passed, in
// decreasing deadline order (the worst order for a sort that expects a
// turn's timers mostly in order), and collects them with non-blocking Runs.
// It returns the ids in the order the loop reported them.
func armPastDue(tb testing.TB, l Loop, n int) []uint64 {
	tb.Helper()
	l.UpdateNow()
	now := l.Now()
	for i := range n {
		l.Arm(uint64(i), now-int64(i)-1)
	}
	fired := make([]uint64, 0, n)
	for tries := 0; len(fired) < n; tries++ {
		var err error
		if fired, err = l.Run(false, fired); err != nil {
			tb.Fatal(err)
		}
		if tries > n {
			tb.Fatalf("only %d of %d past-due timers fired", len(fired), n)
		}
	}
	return fired
}

// BenchmarkPastDueTimers: one op arms 100,000 timers whose deadlines have
// passed, in decreasing deadline order, and runs the loop until all have
// fired, on each core. Reporting them in deadline order must cost n log n at
// worst, whatever order they were armed in.
func BenchmarkPastDueTimers(b *testing.B) {
	const n = 100_000
	for _, core := range Cores() {
		b.Run(core, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for b.Loop() {
				l, _, err := newLoop(core)
				if err != nil {
					b.Fatal(err)
				}
				if got := armPastDue(b, l, n); len(got) != n {
					b.Fatalf("fired %d", len(got))
				}
				if err := l.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Past-due timers armed in decreasing deadline order, with ties, are
// reported in deadline order on every core: ids that share a deadline
// come out together.
func TestPastDueTimersInDeadlineOrder(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			l, _, err := newLoop(core)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			const n = 5000
			got := armPastDue(t, l, n)
			seen := make(map[uint64]bool, n)
			for i, id := range got {
				if seen[id] {
					t.Fatalf("id %d fired twice", id)
				}
				seen[id] = true
				// id i has deadline now-i-1: ids must come out decreasing.
				if i > 0 && id > got[i-1] {
					t.Fatalf("fired %d after %d: out of deadline order", id, got[i-1])
				}
			}
			if len(seen) != n {
				t.Fatalf("fired %d distinct ids, want %d", len(seen), n)
			}
		})
	}
}

// hubPastDue runs a hub on core that starts n timers whose deadlines have
// passed, in decreasing deadline order, and yields until all have fired;
// it returns the order in which their callbacks ran (by rank of deadline,
// 0 the earliest).
func hubPastDue(tb testing.TB, core string, n int) []int {
	tb.Helper()
	h, err := New(WithCore(core))
	if err != nil {
		tb.Fatal(err)
	}
	order := make([]int, 0, n)
	err = h.Run(func(main *G) error {
		h.loop.UpdateNow()
		now := h.Now()
		for i := range n {
			rank := n - 1 - i
			h.NewTimer(func() { order = append(order, rank) }).StartAt(now - int64(i) - 1)
		}
		for len(order) < n {
			if err := main.Yield(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return order
}

// BenchmarkHubPastDueTimers is BenchmarkPastDueTimers through a hub: timers
// started with Hub.NewTimer, their callbacks run by the hub.
func BenchmarkHubPastDueTimers(b *testing.B) {
	const n = 100_000
	for _, core := range Cores() {
		b.Run(core, func(b *testing.B) {
			for b.Loop() {
				if got := hubPastDue(b, core, n); len(got) != n {
					b.Fatalf("fired %d", len(got))
				}
			}
		})
	}
}

// Through a hub too, past-due timers run in deadline order on every core.
func TestHubPastDueTimersInDeadlineOrder(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			const n = 5000
			for i, rank := range hubPastDue(t, core, n) {
				if rank != i {
					t.Fatalf("callback %d ran with deadline rank %d", i, rank)
				}
			}
		})
	}
}

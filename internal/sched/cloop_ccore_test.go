//go:build cgo && !purego

package sched

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	ccore "github.com/gevent-go/gevent/cgo"
)

// withCLoop runs f on a locked goroutine with a fresh C loop and checks that
// the C hub holds no timer afterwards and is freed by Close.
func withCLoop(t *testing.T, f func(l *cLoop)) {
	t.Helper()
	hubs0 := ccore.LiveHubs()
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		l, err := newCLoop()
		if err != nil {
			t.Error(err)
			return
		}
		f(l)
		if c := l.c.Census(); c.HostTimers != 0 || c.Timers != 0 {
			t.Errorf("C census after the test: %+v", c)
		}
		l.c.Verify()
		l.Close()
	}()
	<-done
	if n := ccore.LiveHubs(); n != hubs0 {
		t.Errorf("C hubs %d -> %d", hubs0, n)
	}
}

// runUntil runs blocking iterations until want ids have fired, and returns
// them in the order the loop reported them.
func runUntil(t *testing.T, l Loop, want int) []uint64 {
	t.Helper()
	var all []uint64
	deadline := time.Now().Add(5 * time.Second)
	for len(all) < want {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d timers fired", len(all), want)
		}
		var err error
		all, err = l.Run(true, all)
		if err != nil {
			t.Fatal(err)
		}
	}
	return all
}

// More timers than the command array holds, armed in random id order in one
// turn, some cancelled: the array is flushed by extra turns, the survivors
// fire once each, in exact deadline order although their deadlines reached C
// in different turns (the first of which also creates the thread's root
// coroutine), whatever time passed between the flushes. Deadlines are 1 µs
// apart, finer than the gap between Go's clock read and libev's, which used
// to invert them across turns.
func TestCLoopManyTimersInDeadlineOrder(t *testing.T) {
	withCLoop(t, func(l *cLoop) {
		const n = 3 * cmdCapacity
		const spacing = time.Microsecond
		l.UpdateNow()
		base := l.Now() + int64(2*time.Millisecond)
		ids := rand.New(rand.NewPCG(1, 2)).Perm(n)
		for _, id := range ids {
			l.Arm(uint64(id), base+int64(id)*int64(spacing))
		}
		var want []uint64
		for id := range n {
			if id%3 == 0 {
				l.Cancel(uint64(id))
			} else {
				want = append(want, uint64(id))
			}
		}
		got := runUntil(t, l, len(want))
		worst := 0
		for i := 1; i < len(got); i++ {
			worst = max(worst, int(got[i-1])-int(got[i]))
		}
		if worst > 0 {
			t.Errorf("fired out of deadline order: an id fired %v of deadline after a later one", time.Duration(worst)*spacing)
		}
		if !slices.Equal(got, want) {
			t.Errorf("fired %d ids, want %d (cancelled ones must not fire, none twice)", len(got), len(want))
		}
	})
}

// Every path of Arm and Cancel: re-arm while the start is pending, re-arm
// an id C has armed, cancel of a pending start (forgotten) and of an armed
// one (a stop), a deadline already past at the flush (fired without C).
func TestCLoopArmCancelPaths(t *testing.T) {
	withCLoop(t, func(l *cLoop) {
		ms := int64(time.Millisecond)
		long := int64(time.Hour) // never due, however slow the first turn
		l.UpdateNow()
		now := l.Now()
		l.Arm(0, now+long)
		l.Arm(1, now+long)
		if err := l.turn(false); err != nil || len(l.due) != 0 { // 0 and 1 now armed in C
			t.Fatalf("turn: %v %v", l.due, err)
		}
		l.Arm(0, now+6*ms) // moved earlier while armed in C
		l.Cancel(1)        // a stop for C
		l.Arm(2, now+4*ms)
		l.Arm(2, now+8*ms) // moved while pending
		l.Arm(3, now+2*ms)
		l.Cancel(3)        // forgotten: never reaches C
		l.Arm(4, now-1*ms) // already due
		l.Arm(5, now+long) // pending, then cancelled in the middle of the array
		l.Arm(6, now+10*ms)
		l.Cancel(5)
		got := runUntil(t, l, 4)
		if want := []uint64{4, 0, 2, 6}; !slices.Equal(got, want) {
			t.Fatalf("fired %v, want %v", got, want)
		}
		if got, _ := l.Run(false, nil); len(got) != 0 {
			t.Fatalf("fired again: %v", got)
		}
	})
}

// A hub created and never run is freed when it becomes unreachable.
func TestCLoopUnrunHubIsFreed(t *testing.T) {
	hubs0 := ccore.LiveHubs()
	for range 5 {
		if _, err := New(WithCore("c")); err != nil {
			t.Fatal(err)
		}
	}
	// Finalizers need the CPU: generous on a loaded machine.
	for deadline := time.Now().Add(10 * time.Second); ccore.LiveHubs() > hubs0 && time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	if n := ccore.LiveHubs(); n > hubs0 {
		t.Fatalf("C hubs %d -> %d: unrun hubs not freed", hubs0, n)
	}
}

// With cgo, the C core is the default: no WithCore and no GEVENT_CORE give
// "c".
func TestCIsTheDefaultCore(t *testing.T) {
	t.Setenv(CoreEnv, "")
	h, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if h.Core() != "c" || DefaultCore() != "c" {
		t.Fatalf("default core %q (DefaultCore %q), want c", h.Core(), DefaultCore())
	}
	if err := h.Run(func(*G) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// A non-blocking Run skips the C turn while no timer can be due and no C
// greenlet exists, and never skips one that is due.
func TestCLoopSkipsIdlePolls(t *testing.T) {
	withCLoop(t, func(l *cLoop) {
		ms := int64(time.Millisecond)
		l.UpdateNow()
		l.Arm(0, l.Now()+int64(time.Hour)) // never due during the idle polls
		calls := l.c.Calls()
		for range 10 {
			if fired, err := l.Run(false, nil); err != nil || len(fired) != 0 {
				t.Fatalf("Run: %v %v", fired, err)
			}
		}
		if l.c.Calls() != calls || l.skipped != 10 {
			t.Fatalf("idle polls made %d cgo calls, skipped %d", l.c.Calls()-calls, l.skipped)
		}
		l.Arm(1, l.Now()+2*ms)
		time.Sleep(3 * time.Millisecond)
		fired, err := l.Run(false, nil)
		if err != nil || !slices.Equal(fired, []uint64{1}) {
			t.Fatalf("a due timer was not reported by a non-blocking Run: %v %v", fired, err)
		}
		l.Cancel(0)
		if err := l.turn(false); err != nil { // apply the stop before the census
			t.Fatal(err)
		}
	})
}

// Timers of equal deadline fire in the order they were last armed on the C
// core, whatever turn or path (flush or libev) reports them, and a re-arm
// moves an id behind the others of its deadline.
func TestCLoopEqualDeadlinesFireInArmOrder(t *testing.T) {
	withCLoop(t, func(l *cLoop) {
		const n = 2*cmdCapacity + 10
		l.UpdateNow()
		at := l.Now() + int64(time.Millisecond)
		past := l.Now() - 1
		var want []uint64
		for i := range n {
			id := uint64(n - 1 - i) // ids armed in decreasing order
			if i%2 == 0 {
				l.Arm(id, past)
			} else {
				l.Arm(id, at)
			}
		}
		l.Arm(n-1, past) // re-armed: now the last of the past-due ones
		for i := 1; i < n; i += 2 {
			want = append(want, uint64(n-1-i))
		}
		var pastIDs []uint64
		for i := 2; i < n; i += 2 {
			pastIDs = append(pastIDs, uint64(n-1-i))
		}
		want = append(append(pastIDs, n-1), want...)
		if got := runUntil(t, l, n); !slices.Equal(got, want) {
			t.Fatalf("fired %v...,\nwant %v...", got[:8], want[:8])
		}
	})
}

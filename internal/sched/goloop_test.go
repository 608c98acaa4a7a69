package sched

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The 4-ary heap against a map: after random arms, re-arms and cancels, one
// Run fires exactly the armed ids whose deadline passed, earliest first.
func TestGoLoopHeap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 20; round++ {
		l := newGoLoop()
		l.UpdateNow()
		now := l.Now()
		want := map[uint64]int64{}
		for op := 0; op < 2000; op++ {
			id := uint64(r.IntN(500))
			switch r.IntN(4) {
			case 0:
				l.Cancel(id)
				delete(want, id)
			default:
				// half in the past, half far in the future
				d := now - int64(r.IntN(1e6))
				if r.IntN(2) == 0 {
					d = now + int64(time.Hour)
				}
				l.Arm(id, d)
				want[id] = d
			}
		}
		fired, err := l.Run(false, nil)
		if err != nil {
			t.Fatal(err)
		}
		due := 0
		for _, d := range want {
			if d <= now {
				due++
			}
		}
		if len(fired) != due {
			t.Fatalf("round %d: fired %d, want %d", round, len(fired), due)
		}
		prev := int64(-1 << 62)
		for _, id := range fired {
			d, ok := want[id]
			if !ok || d > now {
				t.Fatalf("fired %d which is not due", id)
			}
			if d < prev {
				t.Fatalf("fired out of deadline order")
			}
			prev = d
			delete(want, id)
		}
		if l.armed() != len(want) {
			t.Fatalf("armed %d, want %d", l.armed(), len(want))
		}
		l.Close()
	}
}

// A blocked Run returns on Wake from another goroutine, and at the earliest
// deadline otherwise.
func TestGoLoopBlockAndWake(t *testing.T) {
	l := newGoLoop()
	defer l.Close()
	go func() {
		time.Sleep(5 * time.Millisecond)
		l.Wake()
	}()
	fired, _ := l.Run(true, nil)
	if len(fired) != 0 {
		t.Fatalf("fired %v on a wake-up", fired)
	}
	t0 := time.Now() // before the clock read the deadline counts from
	l.UpdateNow()
	l.Arm(7, l.Now()+int64(5*time.Millisecond))
	fired, _ = l.Run(true, nil)
	if len(fired) != 1 || fired[0] != 7 {
		t.Fatalf("fired %v, want [7]", fired)
	}
	if el := time.Since(t0); el < 4*time.Millisecond {
		t.Fatalf("returned after %v, before the deadline", el)
	}
	l.Wake()
	l.Wake() // coalesced
	if fired, _ = l.Run(false, fired[:0]); len(fired) != 0 {
		t.Fatalf("fired %v", fired)
	}
}

// A Timer fired in the same turn as another whose action cancels it does not
// run; slots are reused.
func TestTimerCancelledWhileFiring(t *testing.T) {
	h, err := New(WithCore("go"))
	if err != nil {
		t.Fatal(err)
	}
	var ran []string
	err = h.Run(func(main *G) error {
		var b *Timer
		a := h.NewTimer(func() { ran = append(ran, "a"); b.Stop() })
		b = h.NewTimer(func() { ran = append(ran, "b") })
		a.StartAt(h.Now() - 2) // both due in the same turn, a first
		b.StartAt(h.Now() - 1)
		main.Timer.SetWake(main.Token())
		main.Timer.Start(time.Millisecond)
		return main.Park()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ran) != 1 {
		t.Fatalf("ran %v: the cancelled timer ran", ran)
	}
}

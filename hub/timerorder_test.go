package hub

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// timerOrderLanes are the hubs the timer-order tests run on: every core of
// the build, and the virtual clock.
func timerOrderLanes() map[string][]Option {
	lanes := map[string][]Option{"virtual": {WithVirtualClock()}}
	for _, core := range Cores() {
		lanes[core] = []Option{WithCore(core)}
	}
	return lanes
}

// Timers armed for one deadline fire in the order they were armed, and a
// timer re-armed for that deadline goes to the back (the Loop.Arm
// contract), on every core.
func TestTimersEqualDeadlineFIFO(t *testing.T) {
	for name, opts := range timerOrderLanes() {
		t.Run(name, func(t *testing.T) {
			h, err := New(opts...)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			err = h.Run(func(main *G) error {
				at := h.Now() + int64(time.Millisecond)
				ts := make([]*Timer, 20)
				for i := range ts {
					ts[i] = h.NewTimer(func() { got = append(got, i) })
					ts[i].StartAt(at)
				}
				ts[5].StartAt(at) // moved to the back of its deadline
				// and a second round at one later deadline, armed in reverse
				for i := 19; i >= 15; i-- {
					ts[i].Stop()
					ts[i].StartAt(at + 1)
				}
				main.Timer.SetWake(main.Token())
				main.Timer.StartAt(at + 2)
				return main.Park()
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []int{0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 5, 19, 18, 17, 16, 15}
			if !slices.Equal(got, want) {
				t.Errorf("fired %v\nwant  %v", got, want)
			}
		})
	}
}

// The pure-Go loops' heap keeps arm order across the renumbering that
// happens when its 32-bit arm counter runs out, and across the sweeps of
// cancelled entries.
func TestTimerHeapSeqWrap(t *testing.T) {
	var q timerHeap
	q.seq = math.MaxUint32 - 10
	var want []uint64
	for i := range 40 {
		id := uint64(i)
		q.arm(id, 100)
		if i%3 == 0 {
			q.cancel(id)
			continue
		}
		want = append(want, id)
	}
	q.arm(1, 50) // earlier: first
	want = append([]uint64{1}, slices.DeleteFunc(want, func(id uint64) bool { return id == 1 })...)
	if q.seq > 100 {
		t.Fatalf("counter not renumbered: %d", q.seq)
	}
	got := q.popDue(100, nil)
	if !slices.Equal(got, want) {
		t.Fatalf("fired %v\nwant  %v", got, want)
	}
	if q.live != 0 {
		t.Fatalf("%d still armed", q.live)
	}
}

// Many cancelled timers do not pile up in the heap: stale entries are swept
// once they outnumber the live ones.
func TestTimerHeapSweep(t *testing.T) {
	var q timerHeap
	for i := range 1000 {
		q.arm(uint64(i), int64(i))
	}
	for round := range 100 {
		for i := range 1000 {
			q.arm(uint64(i), int64(round*1000+i)) // a move leaves a stale entry
		}
		if len(q.heap) > 2*q.live+65 {
			t.Fatalf("round %d: heap holds %d entries for %d timers", round, len(q.heap), q.live)
		}
	}
	for i := range 1000 {
		q.cancel(uint64(i))
	}
	if len(q.heap) > 65 {
		t.Fatalf("heap holds %d entries, none armed", len(q.heap))
	}
	if got := q.popDue(math.MaxInt64, nil); len(got) != 0 {
		t.Fatalf("fired %v after cancelling all", got)
	}
	for range 1000 { // one timer armed and cancelled, as a Timeout is
		q.arm(7, 1)
		q.cancel(7)
	}
	if len(q.heap) > 65 {
		t.Fatalf("heap holds %d entries, none armed", len(q.heap))
	}
}

// BenchmarkTimerHeapHold is the hold model of a discrete-event simulation:
// n timers armed, each op fires the earliest and re-arms it an exponential
// delay later.
func BenchmarkTimerHeapHold(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			var q timerHeap
			for i := range n {
				q.arm(uint64(i), int64(r.ExpFloat64()*1e9))
			}
			var fired []uint64
			b.ResetTimer()
			for range b.N {
				at, _ := q.first()
				fired = q.popDue(at, fired[:0])
				for _, id := range fired {
					q.arm(id, at+int64(r.ExpFloat64()*1e9))
				}
			}
		})
	}
}

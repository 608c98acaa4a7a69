package sched

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
	"unsafe"
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
		q.Arm(id, 100)
		if i%3 == 0 {
			q.Cancel(id)
			continue
		}
		want = append(want, id)
	}
	q.Arm(1, 50) // earlier: first
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
		q.Arm(uint64(i), int64(i))
	}
	for round := range 100 {
		for i := range 1000 {
			q.Arm(uint64(i), int64(round*1000+i)) // a move leaves a stale entry
		}
		if q.size()+len(q.in) > 2*q.live+65 {
			t.Fatalf("round %d: heap holds %d entries for %d timers", round, q.size()+len(q.in), q.live)
		}
	}
	for i := range 1000 {
		q.Cancel(uint64(i))
	}
	if q.size()+len(q.in) > 65 {
		t.Fatalf("heap holds %d entries, none armed", q.size()+len(q.in))
	}
	if got := q.popDue(math.MaxInt64, nil); len(got) != 0 {
		t.Fatalf("fired %v after cancelling all", got)
	}
	for range 1000 { // one timer armed and cancelled, as a Timeout is
		q.Arm(7, 1)
		q.Cancel(7)
	}
	if q.size()+len(q.in) > 65 {
		t.Fatalf("heap holds %d entries, none armed", q.size()+len(q.in))
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
				q.Arm(uint64(i), int64(r.ExpFloat64()*1e9))
			}
			var fired []uint64
			b.ResetTimer()
			for range b.N {
				at, _ := q.first()
				fired = q.popDue(at, fired[:0])
				for _, id := range fired {
					q.Arm(id, at+int64(r.ExpFloat64()*1e9))
				}
			}
		})
	}
}

// The fields of a G that a timed park and its wake-up touch fit in two
// cache lines (see G).
func TestGHotFieldsTwoLines(t *testing.T) {
	var g G
	if end := unsafe.Offsetof(g.Timer) + unsafe.Sizeof(g.Timer); end > 128 {
		t.Errorf("G's hot fields end at byte %d, past two cache lines", end)
	}
}

// The heap against a model, with few distinct deadlines so that ties are
// the rule: random arms, moves, cancels and partial pops fire in (deadline,
// arm order), every id at most once, only the armed ones.
func TestTimerHeapModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	type armed struct {
		deadline int64
		seq      int
	}
	for round := range 50 {
		var q timerHeap
		model := map[uint64]armed{}
		seq, now := 0, int64(0)
		for op := range 3000 {
			id := uint64(r.IntN(300))
			switch k := r.IntN(10); {
			case k < 6:
				seq++
				d := now + int64(r.IntN(5))
				q.Arm(id, d)
				model[id] = armed{d, seq}
			case k < 9:
				q.Cancel(id)
				delete(model, id)
			default:
				now += int64(r.IntN(2))
				var want []uint64
				for id, a := range model {
					if a.deadline <= now {
						want = append(want, id)
					}
				}
				slices.SortFunc(want, func(a, b uint64) int {
					x, y := model[a], model[b]
					if x.deadline != y.deadline {
						return int(x.deadline - y.deadline)
					}
					return x.seq - y.seq
				})
				got := q.popDue(now, nil)
				if !slices.Equal(got, want) {
					t.Fatalf("round %d op %d: fired %v\nwant %v", round, op, got, want)
				}
				for _, id := range want {
					delete(model, id)
				}
			}
			if q.live+q.stale != q.size()+len(q.in) {
				t.Fatalf("round %d op %d: %d live + %d stale entries, %d in all", round, op, q.live, q.stale, q.size()+len(q.in))
			}
			if q.live != len(model) {
				t.Fatalf("round %d op %d: %d armed, want %d", round, op, q.live, len(model))
			}
		}
	}
}

// peekNext, the virtual clock's prefetch guess, names the timer that fires
// next whenever no timer armed meanwhile overtakes it: in a hold model
// whose re-arms are all later than every armed deadline, always.
func TestTimerHeapPeekNext(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 5, 6, 7, 100, 1000} {
		var q timerHeap
		for i := range n {
			q.Arm(uint64(i), int64(r.IntN(1000)))
		}
		var fired []uint64
		last := int64(1000)
		for step := range 3 * n {
			at, ok := q.first()
			if !ok {
				t.Fatalf("n=%d step %d: heap empty", n, step)
			}
			fired = q.popDue(at, fired[:0])
			if len(fired) != 1 {
				continue // a tie popped several; the guess applies to one
			}
			guess, gok := q.peekNext()
			last += 1 + int64(r.IntN(10))
			q.Arm(fired[0], last) // after everything armed
			next, _ := q.first()
			due := q.popDue(next, nil)
			if n > 1 && (!gok || uint64(guess) != due[0]) {
				t.Fatalf("n=%d step %d: peekNext %d (%v), then %v fired", n, step, guess, gok, due)
			}
			for _, id := range due {
				last++
				q.Arm(id, last)
			}
		}
	}
}

package sched

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// spawnSleeper starts a raw G on h that sleeps d and then appends its name
// and the virtual time to trace.
func spawnSleeper(h *Hub, name string, d time.Duration, trace *[]string) {
	g := &G{}
	g.Init(h, func(g *G) {
		if err := g.SleepFor(d, "test"); err != nil {
			*trace = append(*trace, name+" "+err.Error())
			return
		}
		*trace = append(*trace, fmt.Sprintf("%s@%v", name, time.Duration(h.Now())))
	})
	h.Start(g)
}

// Sleeps of an hour end in deadline order at exactly their virtual times,
// without waiting, and the clock starts at zero.
func TestVirtualClockJumps(t *testing.T) {
	h, err := New(WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	if !h.Virtual() || h.Core() != "go" {
		t.Fatalf("Virtual() = %v, Core() = %q", h.Virtual(), h.Core())
	}
	var trace []string
	start := time.Now()
	err = h.Run(func(main *G) error {
		if h.Now() != 0 {
			t.Errorf("virtual clock starts at %d, want 0", h.Now())
		}
		spawnSleeper(h, "c", 3*time.Hour, &trace)
		spawnSleeper(h, "a", time.Hour, &trace)
		spawnSleeper(h, "b", 2*time.Hour, &trace)
		spawnSleeper(h, "z", 0, &trace)
		if err := main.SleepFor(90*time.Minute, "test"); err != nil {
			return err
		}
		trace = append(trace, fmt.Sprintf("main@%v", time.Duration(h.Now())))
		err := main.Park()
		if !errors.Is(err, ErrLoopExit) {
			t.Errorf("want LoopExit, got %v", err)
		}
		trace = append(trace, fmt.Sprintf("exit@%v", time.Duration(h.Now())))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "z@0s a@1h0m0s main@1h30m0s b@2h0m0s c@3h0m0s exit@3h0m0s"
	if got := strings.Join(trace, " "); got != want {
		t.Errorf("trace\n got %s\nwant %s", got, want)
	}
	if el := time.Since(start); el > time.Minute {
		t.Errorf("virtual hours took %v of real time", el)
	}
	if c := h.Census(); c != (Census{}) {
		t.Errorf("census after Run: %+v", c)
	}
}

// The virtual clock is the pure-Go loop's: combined with another core, New
// fails with an error that says why.
func TestVirtualClockOtherCore(t *testing.T) {
	_, err := New(WithVirtualClock(), WithCore("c"))
	if err == nil || !strings.Contains(err.Error(), "WithVirtualClock") {
		t.Fatalf("New(WithVirtualClock(), WithCore(\"c\")) = %v, want an error naming WithVirtualClock", err)
	}
	h, err := New(WithCore("go"), WithVirtualClock())
	if err != nil || !h.Virtual() {
		t.Fatalf("New(WithCore(\"go\"), WithVirtualClock()) = %v, %v", h, err)
	}
}

// While a goroutine holds a Ref, the clock does not jump over the work it
// promised: the post runs at the virtual time the hub was idle at, before a
// timer an hour later; with the Ref released the clock jumps again.
func TestVirtualClockWaitsForRef(t *testing.T) {
	h, err := New(WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	var trace []string
	err = h.Run(func(main *G) error {
		spawnSleeper(h, "timer", time.Hour, &trace)
		if err := main.SleepFor(time.Minute, "test"); err != nil {
			return err
		}
		h.Ref()
		tok := main.Token()
		go func() {
			time.Sleep(20 * time.Millisecond) // real time the clock must not skip
			h.Post(func() {
				trace = append(trace, fmt.Sprintf("post@%v", time.Duration(h.Now())))
				h.Unref()
				h.resume(tok)
			})
		}()
		if err := main.Park(); err != nil {
			return err
		}
		return main.SleepFor(2*time.Hour, "test")
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "post@1m0s timer@1h0m0s"
	if got := strings.Join(trace, " "); got != want {
		t.Errorf("trace\n got %s\nwant %s", got, want)
	}
}

// PrintError stamps reports with the virtual time, so that they are the
// same on every run.
func TestVirtualClockPrintError(t *testing.T) {
	var out strings.Builder
	h, err := New(WithVirtualClock(), WithErrorStream(&out))
	if err != nil {
		t.Fatal(err)
	}
	err = h.Run(func(main *G) error {
		if err := main.SleepFor(61*time.Second, "test"); err != nil {
			return err
		}
		h.PrintError("thing", errors.New("boom"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "2000-01-01T00:01:01Z thing failed with boom\n"; out.String() != want {
		t.Errorf("PrintError wrote %q, want %q", out.String(), want)
	}
}

// A sleep(0) loop does not starve a timer that is due although the virtual
// clock stands still: the hub polls its timers every few dozen callbacks.
func TestVirtualClockSleepZeroDoesNotStarveDueTimer(t *testing.T) {
	h, err := New(WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	err = h.Run(func(main *G) error {
		fired := false
		tm := h.NewTimer(func() { fired = true })
		tm.Start(0)
		for n := 0; !fired; n++ {
			if n == 1_000_000 {
				tm.Stop()
				return errors.New("a due timer starved by a sleep(0) loop")
			}
			if err := main.SleepFor(0, "test"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

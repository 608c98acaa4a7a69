package sched

import (
	"errors"
	"testing"
	"time"
)

// TestParkTimerStaleWake: a timed wait that resumes before its timer fired,
// without its wait being over (here a sleep woken with its own Token), waits
// on and still ends at its own timeout, with the timer re-armed for the new
// park (else its firing would be dropped and the sleep never end); an error
// delivered later ends the wait at once and leaves the timer stopped.
func TestParkTimerStaleWake(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			h, err := New(WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			const d = 20 * time.Millisecond
			errKill := errors.New("test: kill")
			err = h.Run(func(main *G) error {
				waker := &G{}
				waker.Init(h, func(*G) { h.Wake(main.Token()) }) // runs once main has parked
				h.Start(waker)
				start := time.Now()
				if err := main.SleepFor(d, "test"); err != nil {
					return err
				}
				if elapsed := time.Since(start); elapsed < d {
					t.Errorf("a sleep woken early ended after %v, before its %v", elapsed, d)
				}
				if main.Timer.Active() {
					t.Error("timer still armed after the sleep ended")
				}

				thrower := &G{}
				thrower.Init(h, func(g *G) {
					h.Wake(main.Token())
					if err := g.YieldFor("test"); err != nil { // main parks again
						t.Error(err)
					}
					h.Throw(main, errKill)
				})
				h.Start(thrower)
				if err := main.SleepFor(time.Hour, "test"); err != errKill {
					t.Errorf("sleep interrupted by a throw returned %v, want %v", err, errKill)
				}
				if main.Timer.Active() {
					t.Error("timer still armed after the throw ended the sleep")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

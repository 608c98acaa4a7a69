package sched

import (
	"errors"
	"math"
	"runtime"
	"testing"
	"time"
)

// Deadlines past MaxDeadline, absolute or from a huge duration, are
// saturated and never fire, while a short timer beside them does, on every
// core.
func TestHugeDeadlinesSaturate(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			h, err := New(WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			fired := 0
			err = h.Run(func(main *G) error {
				far := []*Timer{h.NewTimer(func() { fired++ }), h.NewTimer(func() { fired++ }), h.NewTimer(func() { fired++ })}
				far[0].Start(math.MaxInt64)
				far[1].Start(time.Duration(math.MaxInt64 - 1))
				far[2].StartAt(math.MaxInt64)
				main.Timer.SetWake(main.Token())
				main.Timer.Start(time.Millisecond)
				if err := main.Park(); err != nil {
					return err
				}
				if main.Timer.Active() {
					return errors.New("woken before the short timer fired")
				}
				for _, tm := range far {
					if !tm.Stop() {
						return errors.New("a far timer was not armed any more")
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if fired != 0 {
				t.Fatalf("%d far timers fired", fired)
			}
		})
	}
}

// A raw G that calls runtime.Goexit while a timer action is being run ends
// alone; the other timers of the same turn still run, and Run returns.
func TestGoexitDuringTimerActions(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			var handled []error
			h, err := New(WithCore(core), WithErrorHandler(func(_ *Hub, _ any, err error) { handled = append(handled, err) }))
			if err != nil {
				t.Fatal(err)
			}
			ran := 0
			err = h.Run(func(main *G) error {
				for i := 0; i < 6; i++ {
					g := &G{}
					exit := i%2 == 0
					g.Init(h, func(*G) {
						ran++
						if exit {
							runtime.Goexit()
						}
					})
					g.Timer.SetStart(g)
					g.Timer.StartAt(h.Now()) // all due in the same turn
					h.MarkStarted(g)
				}
				main.Timer.SetWake(main.Token())
				main.Timer.Start(time.Millisecond)
				return main.Park()
			})
			if err != nil {
				t.Fatal(err)
			}
			if ran != 6 || len(handled) != 3 {
				t.Fatalf("ran %d bodies, %d failures reported: %v", ran, len(handled), handled)
			}
			for _, e := range handled {
				if !errors.Is(e, ErrGoexit) {
					t.Fatalf("reported %v", e)
				}
			}
			if c := h.Census(); c != (Census{}) {
				t.Fatalf("census %+v", c)
			}
		})
	}
}

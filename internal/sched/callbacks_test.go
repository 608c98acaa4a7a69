package sched

import (
	"testing"
	"time"
)

// TestCallbackRingShrinksAfterBurst: the callback ring a burst of starts
// grew is given back once the queue has drained, over a few loop turns, on
// every core: the garbage collector would otherwise scan the whole buffer
// in every later cycle.
func TestCallbackRingShrinksAfterBurst(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			h, err := New(WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			const n = 8 * ringKeep
			var grown, after int
			err = h.Run(func(main *G) error {
				for range n {
					g := &G{}
					g.Init(h, func(*G) {})
					h.Start(g)
				}
				grown = len(h.cbq.buf)
				for range 20 {
					if err := main.SleepFor(time.Millisecond, "test"); err != nil {
						return err
					}
				}
				after = len(h.cbq.buf)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if grown < n || after > ringKeep {
				t.Errorf("ring capacity %d after %d starts, %d after the queue drained; want at least %d, then at most %d", grown, n, after, n, ringKeep)
			}
		})
	}
}

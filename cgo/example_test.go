//go:build cgo && !purego

package cgo_test

import (
	"fmt"
	"runtime"

	"github.com/gevent-go/gevent/cgo"
)

// ExampleHub_Turn shows the turn API from Go: commands written in place (a
// timer, a C greenlet), one Turn per loop iteration, events read in place.
func ExampleHub_Turn() {
	runtime.LockOSThread() // the hub's thread, before its first turn
	defer runtime.UnlockOSThread()
	h, err := cgo.NewHub(0)
	if err != nil {
		panic(err)
	}
	defer h.Destroy()

	t := h.Push()
	t.Op, t.ID, t.Seconds = cgo.OpTimerStart, 7, 0.002
	s := h.Push()
	s.Op, s.ID, s.Fn, s.Arg = cgo.OpSpawn, 1, cgo.BodyFail, 42

	for done := 0; done < 2; {
		if _, err := h.Turn(-1); err != nil {
			panic(err)
		}
		for _, e := range h.Events() {
			switch e.Kind {
			case cgo.EvTimer:
				fmt.Println("timer", e.ID, "fired")
			case cgo.EvGreenletDone:
				fmt.Println("C greenlet", e.ID, "ended with status", e.Status)
			}
			done++
		}
	}
	// Output:
	// C greenlet 1 ended with status 42
	// timer 7 fired
}

//go:build !race

// The race detector's instrumentation makes every frame bigger, so the
// stack a body fits in is measured without it only.

package greenlet_test

import (
	"runtime"
	"testing"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// TestParkedGreenletKeepsItsFirstStack: a greenlet parked in a timed sleep
// fits in the goroutine's first stack (2 KiB) on every core, so that a
// parked greenlet costs about what a parked goroutine does. The frames from
// the coroutine's start down to the timer arm once crossed the stack's guard
// on the C core only, which doubled every parked greenlet's stack there.
func TestParkedGreenletKeepsItsFirstStack(t *testing.T) {
	for _, core := range hub.Cores() {
		t.Run(core, func(t *testing.T) {
			const n = 2000
			var before, after runtime.MemStats
			err := greenlet.Run(func(main *greenlet.Greenlet) error {
				gs := make([]*greenlet.Greenlet, n)
				runtime.ReadMemStats(&before)
				for i := range gs {
					gs[i] = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
						return nil, greenlet.Sleep(g, greenlet.Forever)
					})
				}
				if err := greenlet.Sleep(main, 0); err != nil {
					return err
				}
				runtime.ReadMemStats(&after)
				for _, g := range gs {
					g.KillNowait()
				}
				_, err := greenlet.JoinAll(main, gs)
				return err
			}, hub.WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			per := (int64(after.StackInuse) - int64(before.StackInuse)) / n
			t.Logf("core=%s: %d B of stack per parked greenlet", core, per)
			if per > 3<<10 {
				t.Errorf("core=%s: %d B of stack per parked greenlet, want the first 2 KiB stack (at most 3 KiB on average)", core, per)
			}
		})
	}
}

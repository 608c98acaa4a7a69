//go:build cgo && !purego

package greenlet_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	ccore "github.com/gevent-go/gevent/cgo"
	"github.com/gevent-go/gevent/greenlet"
)

// TestStormC runs the storm on the C core, with C greenlets among the Go
// ones; after each program no C coroutine is alive on the hub's thread, and
// after Run the C hub is freed and no C greenlet struct is left.
func TestStormC(t *testing.T) {
	hubs0, gs0 := ccore.LiveHubs(), ccore.LiveGreenlets()
	bodies := [stormCBodies]ccore.Body{
		stormCSleep:     ccore.BodySleep,
		stormCPark:      ccore.BodyPark,
		stormCFail:      ccore.BodyFail,
		stormCSleepFail: ccore.BodySleepFail,
		stormCYield:     ccore.BodyYield,
	}
	runStorm(t, stormCore{
		name: "c",
		spawnC: func(on *greenlet.Greenlet, kind, arg int) (*greenlet.Greenlet, error) {
			return greenlet.SpawnC(on, cbody(bodies[kind]), uintptr(arg))
		},
		onThread: func() string {
			if c := ccore.ThreadCoroCensus(); c.Live != 0 {
				return fmt.Sprintf("C coroutines alive once every greenlet ended: %+v", c)
			}
			return ""
		},
		leaks: func() string {
			// A run hub is freed by its shutdown; allow the GC a moment for
			// anything left to finalizers, as the conformance suite does.
			for i := 0; i < 100 && ccore.LiveHubs() > hubs0; i++ {
				runtime.GC()
				time.Sleep(time.Millisecond)
			}
			if ccore.LiveHubs() != hubs0 || ccore.LiveGreenlets() != gs0 {
				return fmt.Sprintf("C leak: hubs %d -> %d, greenlet structs %d -> %d",
					hubs0, ccore.LiveHubs(), gs0, ccore.LiveGreenlets())
			}
			return ""
		},
	})
}

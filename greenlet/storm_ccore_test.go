//go:build cgo && !purego

package greenlet_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	ccore "github.com/gevent-go/gevent/cgo"
)

// TestStormC runs the storm on the C core; after each program the C hub
// must be freed and no C greenlet struct left.
func TestStormC(t *testing.T) {
	hubs0, gs0 := ccore.LiveHubs(), ccore.LiveGreenlets()
	runStorm(t, "c", func() string {
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
	})
}

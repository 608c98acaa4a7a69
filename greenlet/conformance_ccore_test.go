//go:build cgo && !purego

package greenlet_test

import (
	"runtime"
	"testing"
	"time"

	ccore "github.com/gevent-go/gevent/cgo"
)

// TestConformanceC runs the conformance suite on the C core (libev and C
// greenlets through package cgo), unchanged, then checks that every C hub
// the suite created was freed (run hubs by their shutdown, others by their
// cleanup) and no C greenlet struct is left.
func TestConformanceC(t *testing.T) {
	hubs0, gs0 := ccore.LiveHubs(), ccore.LiveGreenlets()
	runConformance(t, "c")
	for deadline := time.Now().Add(generous); ccore.LiveHubs() > hubs0 && time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	if ccore.LiveHubs() != hubs0 || ccore.LiveGreenlets() != gs0 {
		t.Errorf("C leak after the suite: hubs %d -> %d, greenlet structs %d -> %d",
			hubs0, ccore.LiveHubs(), gs0, ccore.LiveGreenlets())
	}
}

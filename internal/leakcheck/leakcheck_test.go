package leakcheck

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSettle(t *testing.T) {
	// The baseline from a dump: NumGoroutine may still count goroutines an
	// earlier test has ended.
	base := Count(Dump())
	stop := make(chan struct{})
	ended := make(chan struct{})
	var started sync.WaitGroup
	started.Add(1)
	go func() {
		defer close(ended)
		parkUntil(&started, stop)
	}()
	started.Wait()
	n, dump := Settle(base, 10*time.Millisecond)
	if n != base+1 || dump == nil {
		t.Fatalf("a parked goroutine: Settle = %d, dump %v; want %d and a dump", n, dump != nil, base+1)
	}
	if !strings.Contains(string(dump), "leakcheck.parkUntil(") {
		t.Errorf("the dump does not show the parked goroutine:\n%s", dump)
	}
	close(stop)
	<-ended
	if n, dump := Settle(base, 10*time.Second); dump != nil || n > base {
		t.Fatalf("after it ended: Settle = %d, dump %v", n, dump != nil)
	}
}

// Count sees every parked goroutine of a dump, however many there are.
func TestCountSeesEveryGoroutine(t *testing.T) {
	const parked = 1000
	stop := make(chan struct{})
	var started sync.WaitGroup
	started.Add(parked)
	for range parked {
		go parkUntil(&started, stop)
	}
	defer close(stop)
	started.Wait()
	dump := Dump()
	if got := strings.Count(string(dump), "leakcheck.parkUntil("); got != parked {
		t.Fatalf("the dump shows %d parked goroutines, want %d", got, parked)
	}
	if got := Count(dump); got < parked+1 {
		t.Fatalf("Count = %d, want at least the %d parked ones and this test", got, parked)
	}
}

func parkUntil(started *sync.WaitGroup, stop chan struct{}) {
	started.Done()
	<-stop
}

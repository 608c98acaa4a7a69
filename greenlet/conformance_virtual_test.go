package greenlet_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/suite"

	"github.com/gevent-go/gevent/greenlet"
)

// TestConformanceVirtual runs the conformance suite on the pure-Go core with
// a virtual clock: every case must behave as on a real clock, only without
// waiting. Cases that depend on real time passing (signals, child
// processes, goroutines that post without a Ref) skip on this lane with
// their reason; see realTime.
func TestConformanceVirtual(t *testing.T) {
	suite.Run(t, &Conformance{Core: "go", Virtual: true})
}

// clockStart is the zero of the real-time readings of now.
var clockStart = time.Now()

// now reads the clock that main's hub runs on: its virtual clock on the
// virtual lane, the monotonic real clock otherwise. Elapsed times measured
// with it are lower-bounded by the waits of the case on every lane.
func (s *Conformance) now(main *greenlet.Greenlet) time.Duration {
	if h := main.Hub(); h.Virtual() {
		return time.Duration(h.Now())
	}
	return time.Since(clockStart)
}

// realTime skips the case on the virtual lane: it needs real time to pass
// while the hub is idle and unaware of the outside work (why says what).
func (s *Conformance) realTime(why string) {
	if s.Virtual {
		s.T().Skip("real time: " + why)
	}
}

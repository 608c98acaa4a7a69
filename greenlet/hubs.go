package greenlet

import (
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// The greenlet package works on the scheduler behind a *hub.Hub directly;
// these two cross between the public hub a user holds and that scheduler,
// at the entry points that take or return a *hub.Hub.

// schedOf returns the scheduler behind h, nil for a nil h.
func schedOf(h *hub.Hub) *sched.Hub { return sched.Of(h) }

// publicOf returns the *hub.Hub that wraps s.
func publicOf(s *sched.Hub) *hub.Hub {
	h, _ := s.Public().(*hub.Hub)
	return h
}

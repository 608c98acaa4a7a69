package hub

import (
	"time"

	"github.com/gevent-go/gevent/internal/sched"
)

// A Census counts what a hub holds; all zero after greenlet.Run returned
// means nothing leaked (greenlettest checks it after every test).
type Census struct {
	Live      int // launched, unfinished greenlets
	Callbacks int // queued callbacks
	Timers    int // armed timers
	Idlers    int // greenlets waiting for the hub to be idle
	Refs      int64
	IOWaits   int // greenlets waiting on a file descriptor
}

// Census reports what h holds now. Call it from the hub's goroutine or after
// its Run returned.
func (h *Hub) Census() Census { return Census(h.s.Census()) }

// RunInfo is a snapshot of a hub's greenlets (gevent's format_run_info):
// every launched, unfinished greenlet, in the order the hub launched them.
// Its String is the dump.
type RunInfo struct {
	Core      string
	Greenlets []GreenletInfo
}

// GreenletInfo describes one greenlet of a RunInfo.
type GreenletInfo struct {
	Name  string // the greenlet's name
	State string // "running" (the greenlet that asked) or "parked"
	// ParkedOn is the operation of the blocking call it is parked at
	// ("greenlet: Join", "greenlet: Sleep", ...), and Parked how long it has
	// been parked there, on the hub's clock. A greenlet that yielded
	// (sleep(0)) has Ready set instead: it runs again in this turn.
	ParkedOn string
	Parked   time.Duration
	Ready    bool
}

// String formats the dump: a line naming the core and how many greenlets
// there are, then one line per greenlet with its state and, when parked,
// where and for how long.
func (r RunInfo) String() string { return r.sched().String() }

func (r RunInfo) sched() sched.RunInfo {
	s := sched.RunInfo{Core: r.Core, Greenlets: make([]sched.GreenletInfo, len(r.Greenlets))}
	for i, g := range r.Greenlets {
		s.Greenlets[i] = sched.GreenletInfo(g)
	}
	return s
}

// RunInfo returns a snapshot of h's greenlets. It may be called from any
// goroutine: the snapshot is always taken on the hub (from another
// goroutine, as a posted function, and the call waits for it), so it is
// consistent and free of races, and a hub busy in one greenlet answers once
// that greenlet switches (a blocked hub is WithBlockingReport's case). From
// a greenlet or a callback of h it is taken at once. It returns ErrClosed
// once the hub has shut down; a hub that has not started answers when it
// starts.
func (h *Hub) RunInfo() (RunInfo, error) {
	s, err := h.s.RunInfo()
	r := RunInfo{Core: s.Core}
	if s.Greenlets != nil {
		r.Greenlets = make([]GreenletInfo, len(s.Greenlets))
		for i, g := range s.Greenlets {
			r.Greenlets[i] = GreenletInfo(g)
		}
	}
	return r, err
}

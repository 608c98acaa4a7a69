package sched

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// RunInfo is a snapshot of a hub's greenlets (gevent's format_run_info):
// every launched, unfinished G, in the order the hub launched them. Its
// String is the dump.
type RunInfo struct {
	Core      string
	Greenlets []GreenletInfo
}

// GreenletInfo describes one G of a RunInfo.
type GreenletInfo struct {
	Name  string // the G's String (its greenlet's name)
	State string // "running" (the G that asked) or "parked"
	// ParkedOn is the operation of the blocking call it is parked at
	// ("greenlet: Join", "greenlet: Sleep", ...), and Parked how long it has
	// been parked there, on the hub's clock. A G that yielded (sleep(0),
	// a hub Yield) has Ready set instead: it runs again in this turn.
	ParkedOn string
	Parked   time.Duration
	Ready    bool
}

// String formats the dump: a line naming the core and how many greenlets
// there are, then one line per greenlet with its state and, when parked, where
// and for how long.
func (r RunInfo) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hub (core %s): %d greenlets\n", r.Core, len(r.Greenlets))
	for _, g := range r.Greenlets {
		switch {
		case g.State != "parked":
			fmt.Fprintf(&b, "  %s: %s\n", g.Name, g.State)
		case g.Ready:
			fmt.Fprintf(&b, "  %s: ready (yielded at %s)\n", g.Name, g.ParkedOn)
		default:
			fmt.Fprintf(&b, "  %s: parked at %s for %v\n", g.Name, g.ParkedOn, g.Parked.Round(time.Millisecond))
		}
	}
	return b.String()
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
	if h.ownGoroutine(getg()) {
		return h.runInfo(), nil
	}
	ch := make(chan RunInfo, 1)
	if err := h.Post(func() { ch <- h.runInfo() }); err != nil {
		return RunInfo{}, err
	}
	select {
	case r := <-ch:
		return r, nil
	case <-h.Done():
		select {
		case r := <-ch:
			return r, nil
		default:
			return RunInfo{}, ErrClosed
		}
	}
}

// runInfo takes the snapshot; it runs on the hub.
func (h *Hub) runInfo() RunInfo {
	h.loop.UpdateNow()
	now := h.loop.Now()
	r := RunInfo{Core: h.core}
	var gs []*G
	for g := h.liveHead; g != nil; g = g.liveNext {
		gs = append(gs, g)
	}
	// The live list is pushed at its head: launch order is its reverse.
	for i := len(gs) - 1; i >= 0; i-- {
		g := gs[i]
		info := GreenletInfo{Name: g.String(), State: "parked", ParkedOn: g.parkOp}
		switch {
		case g.state == gRunning:
			info.State, info.ParkedOn = "running", ""
		case g.parkedAt < 0:
			info.Ready = true
		default:
			info.Parked = time.Duration(now - g.parkedAt)
		}
		r.Greenlets = append(r.Greenlets, info)
	}
	return r
}

// WithRunInfoOnSignal makes the hub write its RunInfo to its error stream
// (see WithErrorStream) each time sig arrives while Run runs, as Java and Go
// programs dump their threads on SIGQUIT. The hub takes the signal from the
// process's default handling for as long as Run runs (os/signal.Notify).
func WithRunInfoOnSignal(sig os.Signal) Option {
	return func(c *config) { c.runInfoSig = sig }
}

// watchRunInfoSignal starts WithRunInfoOnSignal's watcher; Run's shutdown
// cancels it with the other watchers.
func (h *Hub) watchRunInfoSignal(sig os.Signal) {
	h.Signal(sig, func() { fmt.Fprint(h.errOut, h.runInfo()) })
}

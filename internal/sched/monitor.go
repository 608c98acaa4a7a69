package sched

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// WithBlockingReport turns on the blocked-hub monitor (gevent's
// max_blocking_time): a greenlet, or a hub callback, that runs longer than
// threshold without switching is reported once per incident to the error
// handler as a *BlockingReport, with the stacks of the hub's running
// goroutine taken while it was blocked. Off by default; threshold must be
// positive.
//
// A goroutine of the monitor samples the hub every half threshold while Run
// runs; the hub side costs a load and a branch per switch. The monitor
// captures the stacks while the hub is blocked, but the report is delivered
// on the hub's goroutine (the error handler's contract), so once the blocked
// code has switched: a greenlet that never switches again is found but never
// reported. Time is wall time: a hub whose thread the machine starves of
// CPU for a threshold is reported as blocked by whatever it was running.
func WithBlockingReport(threshold time.Duration) Option {
	return func(c *config) {
		if threshold <= 0 {
			c.blockErr = fmt.Errorf("hub: blocking report threshold must be positive, got %v", threshold)
			return
		}
		c.blocking = threshold
	}
}

// A BlockingReport says that the hub was blocked: one greenlet (or hub
// callback) ran without switching for at least Blocked. Stack holds, in
// runtime.Stack's format, the hub's goroutines that were not parked in a
// coroutine switch when the monitor saw the block: the blocked code's.
type BlockingReport struct {
	Greenlet string        // the G's String, or "hub callback"
	Blocked  time.Duration // how long it had run when the monitor saw it
	Stack    []byte
}

// Error is one line; PrintError prints Stack after it.
func (r *BlockingReport) Error() string {
	return fmt.Sprintf("hub: %s blocked the hub for %v without switching", r.Greenlet, r.Blocked.Round(time.Millisecond))
}

// The states of Hub.mon. The hub clears a probe the monitor set; a probe the
// hub did not clear for a threshold is an incident.
const (
	monClear    int32 = iota // the hub switched since the last probe
	monProbe                 // the monitor asks: have you switched?
	monAsleep                // the hub waits in its loop: idle, not blocked
	monReported              // an incident was found; the hub delivers it
)

// A monitor is the goroutine of WithBlockingReport.
type monitor struct {
	h         *Hub
	threshold time.Duration
	hubID     string // the hub goroutine's number in stack dumps
	stop      chan struct{}
	done      chan struct{}

	mu     sync.Mutex
	report *BlockingReport // found, not yet delivered; guarded by mu
}

// startMonitor starts the monitor goroutine; it is called on the hub's
// goroutine at the start of Run, and the returned function stops it.
func (h *Hub) startMonitor() func() {
	m := &monitor{h: h, threshold: h.blocking, hubID: goroutineID(), stop: make(chan struct{}), done: make(chan struct{})}
	h.monitor = m
	go m.run()
	return func() {
		close(m.stop)
		<-m.done
	}
}

func (m *monitor) run() {
	defer close(m.done)
	t := time.NewTicker(m.threshold / 2)
	defer t.Stop()
	var probed time.Time
	for {
		select {
		case <-m.stop:
			return
		case now := <-t.C:
			switch m.h.mon.Load() {
			case monClear:
				if m.h.mon.CompareAndSwap(monClear, monProbe) {
					probed = now
				}
			case monProbe:
				if blocked := time.Since(probed); blocked >= m.threshold {
					r := &BlockingReport{Blocked: blocked, Stack: m.stacks()}
					m.mu.Lock()
					m.report = r
					m.mu.Unlock()
					if !m.h.mon.CompareAndSwap(monProbe, monReported) {
						m.mu.Lock()
						m.report = nil // it switched meanwhile: no incident
						m.mu.Unlock()
					}
				}
			}
		}
	}
}

// stacks returns the stacks of the hub's goroutine and its coroutines that
// are not parked in a coroutine switch: the one running the blocked code.
func (m *monitor) stacks() []byte {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out [][]byte
	self := []byte("goroutine " + m.hubID + " [")
	child := []byte("created by iter.Pull[...] in goroutine " + m.hubID + "\n")
	for _, st := range bytes.Split(buf, []byte("\n\n")) {
		header, _, _ := bytes.Cut(st, []byte("\n"))
		if bytes.Contains(header, []byte("[coroutine")) {
			continue
		}
		if bytes.HasPrefix(st, self) || bytes.Contains(append(st, '\n'), child) {
			out = append(out, st)
		}
	}
	return bytes.Join(out, []byte("\n\n"))
}

// monitorSeen answers the monitor: it runs on the hub after a switch back
// from g (nil: after a callback or a loop turn) when h.mon is not monClear.
func (h *Hub) monitorSeen(g *G) {
	switch h.mon.Load() {
	case monProbe:
		h.mon.CompareAndSwap(monProbe, monClear)
	case monReported:
		m := h.monitor
		m.mu.Lock()
		r := m.report
		m.report = nil
		m.mu.Unlock()
		h.mon.Store(monClear)
		if r == nil {
			return
		}
		var ctx any = "hub callback"
		r.Greenlet = "hub callback"
		if g != nil {
			ctx = g
			if g.Owner != nil {
				ctx = g.Owner
			}
			r.Greenlet = fmt.Sprint(ctx)
		}
		h.HandleError(ctx, r)
	}
}

// monitorSleep and monitorWake bracket a wait of the hub in its loop, which
// is not a block.
func (h *Hub) monitorSleep() {
	if h.mon.Load() == monReported {
		h.monitorSeen(nil)
	}
	h.mon.Store(monAsleep)
}

func (h *Hub) monitorWake() { h.mon.CompareAndSwap(monAsleep, monClear) }

// goroutineID returns the calling goroutine's number as stack dumps show it.
func goroutineID() string {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	if _, err := strconv.ParseUint(string(b), 10, 64); err != nil {
		return "?"
	}
	return string(b)
}

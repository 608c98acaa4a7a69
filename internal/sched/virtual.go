package sched

import (
	"fmt"
	"time"
)

// WithVirtualClock gives the hub a virtual clock: time stands still while
// anything can run, and when nothing can, the clock jumps to the earliest
// armed timer's deadline and that timer fires. A test whose greenlets sleep
// for minutes runs in microseconds, and a program without outside input
// (no Post from other goroutines, no signals) produces the same event order
// and the same timestamps on every run and every machine, which also makes
// the hub a discrete-event simulation engine.
//
// The clock starts at zero: Hub.Now reads 0 when Run begins, and reads the
// virtual nanoseconds since then afterwards (the greenlet package's timeouts
// and sleeps are all measured on it). PrintError stamps its reports with the
// virtual time counted from 2000-01-01T00:00:00Z, so that they too are the
// same on every run.
//
// When the clock may jump. The hub is idle when no callback or wake-up is
// queued, no idle waiter is pending, no Post is queued and no Ref is held.
// Only an idle hub moves its clock, and only to the earliest armed timer
// (ref'd or not). Work from outside the hub is therefore never skipped over
// while it is announced:
//   - while some goroutine holds a Ref (it promised to Post), the hub waits
//     in real time for the Post or the Unref and the clock does not move;
//     this is what the greenlet package's helpers that hand work to a
//     goroutine do, and what user code must do too, taking the Ref from the
//     hub's goroutine before it starts the other goroutine;
//   - a Post that is queued before the hub decides to jump runs at the
//     current virtual time;
//   - unannounced outside events (a signal, a Post from a goroutine that
//     holds no Ref) arrive whenever they arrive in real time, possibly after
//     a jump: they are not waited for, as with a real clock a timer may fire
//     before them.
//
// As with a real clock, a hub with no armed timer, no Ref and a parked main
// greenlet delivers LoopExit to the main greenlet; with a virtual clock a
// parked main greenlet can never wait for real time to pass.
//
// Two kinds of program never end on a virtual clock, as under
// testing/synctest: a busy loop (a sleep(0) or Idle loop) that waits for a
// deadline to pass, since time stands still while it runs; and outside work
// that waits for one of the hub's timers while its Ref is held, since the
// clock stands still until the Ref is released.
//
// Ready callbacks have no switch interval to exhaust while time stands
// still, so the hub polls its timers every few dozen callbacks instead:
// a sleep(0) loop cannot starve a timer that is due.
//
// A virtual-clock hub refuses waits on file descriptors (G.WaitFD returns
// ErrVirtualIO): readiness comes from outside, in real time, and the clock
// would jump over it.
//
// The virtual clock is built on the pure-Go loop ("go"): Hub.Core reports
// "go", whatever GEVENT_CORE says. The C core's libev loop and its C
// greenlets keep their own clock, so New fails when WithVirtualClock is
// combined with WithCore naming another core than "go".
func WithVirtualClock() Option { return func(c *config) { c.virtual = true } }

// virtualEpoch is the wall-clock time a virtual clock's zero stands for in
// printed reports: fixed, so that reports are the same on every run.
var virtualEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// newLoop builds the loop the configuration asks for.
func (c *config) newLoop() (Loop, string, error) {
	if !c.virtual {
		return newLoop(c.core)
	}
	if c.core != "" && c.core != "go" {
		return nil, c.core, fmt.Errorf("hub: WithVirtualClock needs the pure-Go core, not %q: the C core's loop keeps its own clock", c.core)
	}
	return newVirtualLoop(), "go", nil
}

// Virtual reports whether the hub runs on a virtual clock (WithVirtualClock).
func (h *Hub) Virtual() bool { return h.virtual }

// wallNow is the wall-clock time of now for reports: real, or the virtual
// clock counted from virtualEpoch.
func (h *Hub) wallNow() time.Time {
	if h.virtual {
		return virtualEpoch.Add(time.Duration(h.loop.Now()))
	}
	return time.Now()
}

var _ Loop = (*virtualLoop)(nil)

// virtualLoop is the pure-Go loop with a clock that only Run moves: its
// timer heap and wake channel are goLoop's, its clock is not.
type virtualLoop struct {
	goLoop
	h *Hub // set by New; its Ref count and post queue are the outside work
}

func newVirtualLoop() *virtualLoop {
	return &virtualLoop{goLoop: goLoop{wake: make(chan struct{}, 1)}}
}

// UpdateNow does nothing: time stands still until the hub is idle.
func (l *virtualLoop) UpdateNow() {}

// outside reports whether work from outside the hub is announced: a Ref
// held or a Post queued.
func (l *virtualLoop) outside() bool {
	h := l.h
	return h != nil && (h.refs.Load() > 0 || h.postFlag.Load())
}

// Run fires the timers that are due. With block (the hub has nothing ready),
// it first waits in real time for a wake-up while outside work is announced
// (see WithVirtualClock), or while no timer is armed; otherwise it jumps the
// clock to the earliest deadline. It leaves a stale wake-up in the channel
// (the real loop consumes it): that costs one spurious return of a later
// wait, which the hub tolerates, and saves a channel operation per event.
func (l *virtualLoop) Run(block bool, fired []uint64) ([]uint64, error) {
	if block {
		if first, ok := l.first(); l.outside() || !ok {
			<-l.wake
		} else if first > l.now {
			l.now = first
		}
	}
	return l.popDue(l.now, fired), nil
}

// Close releases the heap; there is no runtime timer to stop.
func (l *virtualLoop) Close() error {
	l.reset()
	return nil
}

// runVirtualIdle is the virtual clock's short cut through the hub loop:
// while the hub is idle after firing timers (no callback, no idle waiter, no
// outside work, a timer that keeps the loop alive) and not verifying
// itself every turn, it jumps to the next deadline and fires what is due
// then, skipping the steps of a turn that would find nothing to do. It is
// the turn's order of events all the same: the timers due at one instant
// fire together, and anything they queue sends it back to the full turn. A
// discrete-event simulation spends its life here: a process resumes, arms
// its next delay and parks.
func (h *Hub) runVirtualIdle() {
	l := h.vloop
	for h.cbq.n == 0 && len(h.idlers) == 0 && h.refTimers > 0 && !h.mainDone && !h.verifyOn && !l.outside() {
		first, ok := l.first()
		if !ok {
			return
		}
		l.now = max(l.now, first)
		h.fired = l.popDue(l.now, h.fired[:0])
		// The next event's greenlet is known before this one runs: its
		// lines arrive while this one runs, instead of one miss after
		// another when it is resumed.
		if id, ok := l.peekNext(); ok && uint64(id) < uint64(len(h.timers)) {
			if t := h.timers[id]; t != nil {
				prefetchTimer(t)
			}
		}
		h.fire(h.fired)
	}
}

package sched

import (
	"math"
	"time"
)

// A Timer runs one action when its deadline passes: wake a parked G (a
// Token), throw an error into a G, or call a function in the hub. It is armed
// on the hub's Loop under a slot id the hub chooses.
//
// A Timer is embeddable: every G carries one (G.Timer) and the greenlet
// package's Timeout embeds one, so timed waits allocate nothing. Obtain a
// standalone one with Hub.NewTimer or by calling Init. A Timer keeps the loop
// alive (counts against LoopExit) unless SetRef(false).
//
// Only the hub's goroutine may use a Timer.
type Timer struct {
	h     *Hub
	slot  uint64
	state timerState
	unref bool

	// the action, set by one of the Set methods
	kind timerKind
	seq  uint32 // with g: the Token of a wake
	g    *G
	err  error
	fn   func()
}

type timerState uint8

const (
	timerIdle timerState = iota
	timerArmed
	timerFiring // fired by the loop, action not run yet
)

type timerKind uint8

const (
	timerNone timerKind = iota
	timerWake
	timerThrow
	timerFunc
	timerStart
)

// NewTimer returns an idle timer on h that calls fn in the hub when it fires.
// fn must not block (a blocking call there returns ErrBlockingSwitchOut);
// its panic is reported to the error handler.
func (h *Hub) NewTimer(fn func()) *Timer {
	t := &Timer{}
	t.Init(h)
	t.SetFunc(fn)
	return t
}

// Init binds an embedded timer to h. It is needed only for a Timer that is
// not a G's and not made by NewTimer.
func (t *Timer) Init(h *Hub) { t.h = h }

// SetWake makes the timer resume the park named by tok.
func (t *Timer) SetWake(tok Token) {
	t.kind, t.g, t.seq, t.err, t.fn = timerWake, tok.g, tok.seq, nil, nil
}

// SetThrow makes the timer deliver err to g's park at firing time, like a
// kill: gevent's Timeout throwing into the greenlet that started it.
func (t *Timer) SetThrow(g *G, err error) { t.kind, t.g, t.err, t.fn = timerThrow, g, err, nil }

// SetFunc makes the timer call fn in the hub.
func (t *Timer) SetFunc(fn func()) { t.kind, t.fn, t.g, t.err = timerFunc, fn, nil, nil }

// SetStart makes the timer start g (gevent's start_later).
func (t *Timer) SetStart(g *G) { t.kind, t.g, t.err, t.fn = timerStart, g, nil, nil }

// SetRef sets whether an armed timer keeps the loop alive: a timer with
// ref=false does not prevent LoopExit (gevent's ref=False).
func (t *Timer) SetRef(ref bool) {
	if t.state == timerArmed && t.unref == ref {
		if ref {
			t.h.refTimers++
		} else {
			t.h.refTimers--
		}
	}
	t.unref = !ref
}

// MaxDeadline is the latest deadline a timer can have, on the Hub.Now
// scale: a later one, or a duration that would reach past it (such as
// greenlet.Forever-1), is saturated to it, and a timer due then never fires
// in practice (it lies about a century and a half after the hub's clock
// started). It is half the int64 range so that a core may add its clock's
// base to a deadline without overflow.
const MaxDeadline int64 = math.MaxInt64 / 2

// Start arms the timer to fire after d (0 or less: at the next loop
// iteration, after the ready callbacks; a d reaching past MaxDeadline:
// at MaxDeadline, so never). The clock is refreshed first, as gevent's
// update=True does. Starting an armed timer moves its deadline. It panics
// once the hub is destroyed (the timer could never fire).
func (t *Timer) Start(d time.Duration) {
	h := t.h
	if h == nil {
		panic("hub: Timer.Start on a timer with no hub (use Hub.NewTimer or Init)")
	}
	h.mustLive("Timer.Start") // before the clock of a closed loop is read
	h.loop.UpdateNow()
	now := h.loop.Now()
	deadline := MaxDeadline
	if d := int64(max(d, 0)); d < MaxDeadline-now {
		deadline = now + d
	}
	t.StartAt(deadline)
}

// StartAt arms the timer for an absolute deadline on the loop's clock
// (Hub.Now); a deadline past MaxDeadline is MaxDeadline. It panics like
// Start.
func (t *Timer) StartAt(deadline int64) {
	h := t.h
	if h == nil {
		panic("hub: Timer.StartAt on a timer with no hub (use Hub.NewTimer or Init)")
	}
	h.mustLive("Timer.Start")
	deadline = min(deadline, MaxDeadline)
	if t.kind == timerNone {
		panic("hub: Timer.Start before any Set method chose its action")
	}
	switch t.state {
	case timerArmed:
		h.loop.Arm(t.slot, deadline)
		return
	case timerFiring:
		// Fired in this turn and not run yet: re-arming wins over firing.
		t.state = timerIdle
	}
	t.slot = h.allocSlot(t)
	t.state = timerArmed
	if !t.unref {
		h.refTimers++
	}
	h.loop.Arm(t.slot, deadline)
}

// Stop disarms the timer and reports whether it was armed (or had fired
// without its action having run yet). Stopping an idle timer does nothing.
func (t *Timer) Stop() bool {
	switch t.state {
	case timerArmed:
		h := t.h
		h.loop.Cancel(t.slot)
		h.freeSlot(t.slot)
		if !t.unref {
			h.refTimers--
		}
		t.state = timerIdle
		return true
	case timerFiring:
		t.state = timerIdle
		return true
	}
	return false
}

// Active reports whether the timer is armed and has not fired.
func (t *Timer) Active() bool { return t.state != timerIdle }

func (h *Hub) allocSlot(t *Timer) uint64 {
	if n := len(h.freeSlots); n > 0 {
		s := h.freeSlots[n-1]
		h.freeSlots = h.freeSlots[:n-1]
		h.timers[s] = t
		return s
	}
	h.timers = append(h.timers, t)
	return uint64(len(h.timers) - 1)
}

func (h *Hub) freeSlot(s uint64) {
	h.timers[s] = nil
	h.freeSlots = append(h.freeSlots, s)
}

// fire runs the timers the loop reported. It first takes every fired timer
// out of its slot, so that an action that cancels or re-arms another fired
// timer (or reuses its slot) sees a consistent state, then runs the actions
// of those still marked firing.
func (h *Hub) fire(ids []uint64) {
	if len(ids) == 1 && len(h.firing) == 0 {
		// One timer: no other action can cancel it meanwhile, so it runs
		// at once; most turns of a simulation fire exactly one.
		t := h.timers[ids[0]]
		if t == nil || t.state != timerArmed {
			return
		}
		h.freeSlot(ids[0])
		if !t.unref {
			h.refTimers--
		}
		t.state = timerIdle
		h.runAction(t)
		return
	}
	for _, id := range ids {
		t := h.timers[id]
		if t == nil || t.state != timerArmed {
			continue
		}
		h.freeSlot(id)
		if !t.unref {
			h.refTimers--
		}
		t.state = timerFiring
		h.firing = append(h.firing, t)
	}
	h.runFiring()
}

// runFiring runs the actions of the timers in h.firing. Each entry is
// cleared before its action runs, so that after a G's runtime.Goexit
// interrupted an action (see runGuarded) a second call runs only the rest.
func (h *Hub) runFiring() {
	for i, t := range h.firing {
		h.firing[i] = nil
		if t == nil || t.state != timerFiring {
			continue
		}
		t.state = timerIdle
		h.runAction(t)
	}
	h.firing = h.firing[:0]
}

// runAction runs the action of a fired timer, already idle.
func (h *Hub) runAction(t *Timer) {
	switch t.kind {
	case timerWake:
		h.resume(Token{t.g, t.seq})
	case timerThrow:
		h.throwNow(t.g, t.err)
	case timerStart:
		h.startNow(t.g)
	case timerFunc:
		h.call(t.fn, nil, nil, "timer callback")
	}
}

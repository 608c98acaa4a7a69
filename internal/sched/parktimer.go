package sched

import "time"

// A ParkTimer is the timeout of one blocking wait of a G: the G's own Timer
// armed to wake the G's park, or, as the zero value, no timeout at all. It
// carries the logic every timed wait shares, so that each wait's loop is the
// same few lines and differs only in what it waits for:
//
//	pt := g.ArmParkTimer(d) // or ParkTimer{}: untimed
//	for {
//		err := g.ParkFor(op)
//		if err != nil || done() || pt.Expired() {
//			pt.Stop() // every way out: it may still be armed
//			return ...
//		}
//		pt.Rewake() // a wake-up not meant for this wait: wait on
//	}
//
// The loop is written at each wait rather than in one function taking the
// condition as a closure: the park must stay in the wait's own frame, since
// every frame between a body and the coroutine switch costs a mispredicted
// return on each handoff (see ParkFor), and a helper holding the park costs
// an indirect call besides. The methods are small enough to inline, so an
// untimed wait pays one nil test per method and no call.
//
// Why the loop: a G may resume with its wait unfinished and its timer not
// fired, since a Token taken while the G runs names whatever park comes
// next, so a wake-up arranged for another wait can land on this one. The
// resume made the timer's Token stale, so the timer is given the new one
// (Rewake) before the G parks again, or its firing would be dropped and the
// timeout lost. A timer no longer active has fired: the wake-up was the
// wait's own timeout, told apart from an error delivered to the G (a Throw),
// which ParkFor returns.
type ParkTimer struct {
	g *G // nil: untimed
}

// ArmParkTimer arms g's own Timer to wake g's next park after d (see
// Timer.Start for d <= 0 and for a d reaching past MaxDeadline) and returns
// it as the wait's ParkTimer. g must be the running G, about to park; the
// caller must Stop the ParkTimer on every way out of its wait.
func (g *G) ArmParkTimer(d time.Duration) ParkTimer {
	t := &g.Timer
	t.SetWake(g.Token())
	t.Start(d)
	return ParkTimer{g}
}

// Expired reports whether p's timer has fired: after a park that returned no
// error and left its wait unfinished, the wake-up was p's timeout. It is
// false for the zero ParkTimer.
func (p ParkTimer) Expired() bool { return p.g != nil && !p.g.Timer.Active() }

// Rewake points p's timer, still armed, at the G's next park: the G resumed
// from the park it was armed for (which made that park's Token stale) and
// parks again for the same wait.
func (p ParkTimer) Rewake() {
	if p.g != nil {
		p.g.Timer.SetWake(p.g.Token())
	}
}

// Stop disarms p's timer if it is still armed (an expired one is idle, and
// stopping it does nothing).
func (p ParkTimer) Stop() {
	if p.g != nil {
		p.g.Timer.Stop()
	}
}

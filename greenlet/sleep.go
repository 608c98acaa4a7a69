package greenlet

import (
	"errors"
	"time"
)

// ErrNegativeSleep is returned by Sleep for a negative duration (gevent
// 0.13.6 raised IOError(22); modern gevent treats it as 0; a negative sleep
// is almost always a bug in a deadline computation, so the seed's error is
// kept).
var ErrNegativeSleep = errors.New("greenlet: Sleep: negative duration")

// Sleep parks cur for d. Sleep(cur, 0) yields: cur resumes in the same loop
// iteration, after the callbacks already queued (modern gevent; a sleep(0)
// loop is bounded by the hub's switch interval, so it cannot starve timers).
// A positive d refreshes the loop clock and waits on cur's timer, so it
// allocates nothing. It returns nil, or the error delivered to cur meanwhile
// (a kill, a Timeout), or ErrNegativeSleep.
func Sleep(cur *Greenlet, d time.Duration) error {
	if err := cur.check("Sleep", nil); err != nil {
		return err
	}
	if d < 0 {
		return ErrNegativeSleep
	}
	raw := &cur.raw
	if d == 0 {
		cur.h.Wake(raw.Token())
		return raw.Park()
	}
	t := &raw.Timer
	t.SetWake(raw.Token())
	t.Start(d)
	for {
		if err := raw.Park(); err != nil {
			t.Stop()
			return err
		}
		if !t.Active() {
			return nil
		}
		t.SetWake(raw.Token()) // woken for an older park; wait on
	}
}

// Idle parks cur until the loop has nothing else to do: no ready callback
// (gevent's idle()). A greenlet spawned before Idle is called runs first.
func Idle(cur *Greenlet) error {
	if err := cur.check("Idle", nil); err != nil {
		return err
	}
	cur.h.AddIdle(cur.raw.Token())
	return cur.raw.Park()
}

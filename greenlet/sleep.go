package greenlet

import (
	"time"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// ErrNegativeSleep is returned by Sleep for a negative duration (gevent
// 0.13.6 raised IOError(22); modern gevent treats it as 0; a negative sleep
// is almost always a bug in a deadline computation, so the seed's error is
// kept). A time.Duration cannot be NaN.
var ErrNegativeSleep = hub.ErrNegativeSleep

// Sleep parks cur for d. Sleep(cur, 0) yields: cur resumes in the same loop
// iteration, after the callbacks already queued (modern gevent; a sleep(0)
// loop is bounded by the hub's switch interval, so it cannot starve timers).
// A positive d refreshes the loop clock and waits on cur's timer, so it
// allocates nothing. It returns nil, or the error delivered to cur meanwhile
// (a kill, a Timeout), or ErrNegativeSleep.
func Sleep(cur *Greenlet, d time.Duration) error {
	// One call, so that Sleep inlines and a sleep(0) loop reaches the switch
	// through one frame less (see sched.G.ParkFor).
	return rawOf(cur).SleepFor(d, "greenlet: Sleep")
}

// rawOf returns cur's G, or nil for a nil cur (and a C greenlet, which has
// none), so that such a cur reaches the hub's misuse check.
func rawOf(cur *Greenlet) *sched.G {
	if cur == nil {
		return nil
	}
	return cur.raw
}

// Idle parks cur until the loop has nothing else to do: no ready callback
// (gevent's idle()). A greenlet spawned before Idle is called runs first.
func Idle(cur *Greenlet) error {
	if err := cur.check("Idle", nil); err != nil {
		return err
	}
	cur.h.AddIdle(cur.raw.Token())
	return cur.raw.ParkFor("greenlet: Idle")
}

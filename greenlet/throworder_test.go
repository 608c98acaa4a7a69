package greenlet_test

import (
	"errors"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// spin keeps cur running, without yielding to the hub, for at least d.
func spin(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}

// throws sleeps until n errors have been delivered to cur and returns them
// in the order they arrived, one per blocking call.
func throws(cur *greenlet.Greenlet, n int) []error {
	var got []error
	for len(got) < n {
		if err := greenlet.Sleep(cur, time.Minute); err != nil {
			got = append(got, err)
		}
	}
	return got
}

// Throws reach a greenlet in the order they were issued, one per blocking
// call: two timeouts whose deadlines both passed while it ran arrive in
// deadline order at its next two blocking calls, although the hub finds
// them due in the same loop pass.
func (s *Conformance) TestThrowOrderTimeouts() {
	errA, errB := errors.New("a"), errors.New("b")
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(cur *greenlet.Greenlet) (any, error) {
			t2 := greenlet.StartNew(cur, 2*time.Millisecond, errB)
			t1 := greenlet.StartNew(cur, time.Millisecond, errA)
			defer t1.Cancel()
			defer t2.Cancel()
			spin(3 * time.Millisecond)
			return throws(cur, 2), nil
		})
		s.Require().NoError(g.Join(main))
		s.Equal([]error{errA, errB}, g.Value())
		return nil
	})
}

// A kill issued before a timeout fires is delivered first, the timeout at
// the next blocking call: the kill's callback runs before the loop reports
// the timer, even when its deadline has passed meanwhile.
func (s *Conformance) TestThrowOrderKillThenTimeout() {
	errA, errK := errors.New("a"), errors.New("k")
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(cur *greenlet.Greenlet) (any, error) {
			t1 := greenlet.StartNew(cur, time.Millisecond, errA)
			defer t1.Cancel()
			cur.KillNowait(greenlet.WithError(errK))
			spin(2 * time.Millisecond)
			return throws(cur, 2), nil
		})
		s.Require().NoError(g.Join(main))
		s.Equal([]error{errK, errA}, g.Value())
		return nil
	})
}

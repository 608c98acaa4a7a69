package greenlet_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// §4.3: a started Timeout is delivered to the blocking call as itself;
// starting it again after it fired works; Close is fine afterwards; the
// silent flag matters only to Do.
func (s *Conformance) TestTimeoutDelivery() {
	s.run(func(main *greenlet.Greenlet) error {
		for _, t := range []*greenlet.Timeout{
			greenlet.NewTimeout(5*time.Millisecond, nil),
			greenlet.NewSilentTimeout(5 * time.Millisecond),
		} {
			s.False(t.Pending())
			t.Start(main)
			s.True(t.Pending())
			err := greenlet.Sleep(main, time.Hour)
			s.Same(t, err)
			s.False(t.Pending())
			t.Start(main)
			s.Same(t, greenlet.Sleep(main, time.Hour))
			t.Close()
			t.Close()
			s.Regexp(`^greenlet: Timeout.Start after Close`, panicMessage(func() { t.Start(main) }))
		}
		s.Equal("timeout after 5ms (silent)", greenlet.NewSilentTimeout(5*time.Millisecond).Error())
		s.Equal("timeout after 1s", greenlet.NewTimeout(time.Second, nil).Error())
		return nil
	})
}

// §4.3: a custom error is delivered instead; Cancel before expiry means
// nothing is delivered.
func (s *Conformance) TestTimeoutCustomAndCancel() {
	s.run(func(main *greenlet.Greenlet) error {
		custom := errors.New("XXX")
		t := greenlet.NewTimeout(5*time.Millisecond, custom)
		s.Contains(t.Error(), ": XXX")
		err := t.Do(main, func() error { return greenlet.Sleep(main, time.Hour) })
		s.Same(custom, err)
		s.True(t.IsTimeout(err))

		c := greenlet.StartNew(main, 5*time.Millisecond, nil)
		c.Cancel()
		s.False(c.Pending())
		s.NoError(greenlet.Sleep(main, 20*time.Millisecond))
		c.Start(main) // restartable after Cancel
		s.Same(c, greenlet.Sleep(main, time.Hour))
		c.Close()

		// a Timeout that never fires
		n := greenlet.NewTimeout(greenlet.Forever, nil)
		n.Start(main)
		s.False(n.Pending())
		s.NoError(greenlet.Sleep(main, time.Millisecond))
		n.Close()
		allocs := testing.AllocsPerRun(100, func() {
			t := greenlet.StartNew(main, greenlet.Forever, nil)
			t.Cancel()
			t.Close()
		})
		s.Zero(allocs, "a never-expiring Timeout allocates nothing")
		return nil
	})
}

// §4.3 with Timeout: pending inside, not after; silent swallows its own;
// a zero timeout fires at the next loop iteration.
func (s *Conformance) TestTimeoutDo() {
	s.run(func(main *greenlet.Greenlet) error {
		t := greenlet.NewTimeout(time.Hour, nil)
		s.NoError(t.Do(main, func() error {
			s.True(t.Pending())
			return greenlet.Sleep(main, time.Millisecond)
		}))
		s.False(t.Pending())

		silent := greenlet.NewSilentTimeout(10 * time.Millisecond)
		t0 := s.now(main)
		s.NoError(silent.Do(main, func() error { return greenlet.Sleep(main, time.Hour) }))
		s.within(s.now(main)-t0, 9*time.Millisecond, generous, "silent timeout")

		zero := greenlet.NewTimeout(0, nil)
		err := zero.Do(main, func() error { return greenlet.Sleep(main, time.Hour) })
		s.Same(zero, err)
		return nil
	})
}

// §2.4 nesting: outer first, inner first, both silent. The timers that
// must not fire are an hour long, so that a stalled machine cannot make them
// due together with the one that fires.
func (s *Conformance) TestTimeoutNesting() {
	const d = 5 * time.Millisecond
	const long = time.Hour
	s.run(func(main *greenlet.Greenlet) error {
		// outer fires first
		t1 := greenlet.NewTimeout(d, nil)
		t2 := greenlet.NewTimeout(long, nil)
		err := t1.Do(main, func() error {
			return t2.Do(main, func() error {
				err := greenlet.Sleep(main, long)
				s.False(t1.Pending())
				s.True(t2.Pending())
				return err
			})
		})
		s.Same(t1, err)
		s.False(t2.Pending())

		// inner fires first
		t1 = greenlet.NewTimeout(long, nil)
		t2 = greenlet.NewTimeout(d, nil)
		err = t1.Do(main, func() error {
			err := t2.Do(main, func() error { return greenlet.Sleep(main, long) })
			s.True(t1.Pending())
			return err
		})
		s.Same(t2, err)

		// both silent: the outer fires; the inner Do does not swallow it and
		// the code after the inner block is skipped
		after := false
		o := greenlet.NewSilentTimeout(d)
		err = o.Do(main, func() error {
			if err := greenlet.NewSilentTimeout(long).Do(main, func() error { return greenlet.Sleep(main, long) }); err != nil {
				return err
			}
			after = true
			return nil
		})
		s.NoError(err)
		s.False(after)
		return nil
	})
}

// §2.4 with_timeout.
func (s *Conformance) TestWithTimeout() {
	s.run(func(main *greenlet.Greenlet) error {
		sleep := func(d time.Duration) func() (any, error) {
			return func() (any, error) { return nil, greenlet.Sleep(main, d) }
		}
		_, err := greenlet.WithTimeout(main, 5*time.Millisecond, sleep(time.Hour))
		s.ErrorIs(err, greenlet.ErrTimeout)
		v, err := greenlet.WithTimeoutValue(main, 5*time.Millisecond, "X", sleep(time.Hour))
		s.NoError(err)
		s.Equal("X", v)
		v, err = greenlet.WithTimeoutValue(main, time.Hour, "X", sleep(time.Millisecond))
		s.NoError(err)
		s.Nil(v, "fn's own result")
		n, err := greenlet.WithTimeout(main, time.Hour, func() (int, error) { return 42, nil })
		s.NoError(err)
		s.Equal(42, n)
		// nested: the outer timeout is not swallowed by the inner value (the
		// inner one is too long to become due with it on a stalled machine)
		_, err = greenlet.WithTimeout(main, 5*time.Millisecond, func() (any, error) {
			return greenlet.WithTimeoutValue(main, time.Hour, 1, sleep(time.Hour))
		})
		var t *greenlet.Timeout
		s.Require().ErrorAs(err, &t)
		s.Equal(5*time.Millisecond, t.Duration())
		return nil
	})
}

// A leaked Timeout aimed at a greenlet that died has no effect.
func (s *Conformance) TestTimeoutForDeadGreenlet() {
	s.run(func(main *greenlet.Greenlet) error {
		var t *greenlet.Timeout
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			t = greenlet.StartNew(g, 5*time.Millisecond, nil)
			return nil, nil
		})
		s.NoError(g.Join(main))
		s.NoError(greenlet.Sleep(main, 20*time.Millisecond))
		s.False(t.Pending())
		return nil
	})
}

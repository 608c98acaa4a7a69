package greenlet_test

import (
	"errors"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// §2.1 join: returns at once when ready; after its timeout on a running
// greenlet (returning nil); join on self returns only through the timeout.
func (s *Conformance) TestJoin() {
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, sleeper(time.Hour, nil))
		t0 := s.now(main)
		ok, err := g.JoinTimeout(main, 20*time.Millisecond)
		s.NoError(err)
		s.False(ok, "JoinTimeout reports that g has not finished")
		s.within(s.now(main)-t0, 19*time.Millisecond, generous, "join(timeout)")
		s.False(g.Ready())
		self := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			_, err := g.JoinTimeout(g, 10*time.Millisecond)
			return "joined self", err
		})
		v, err := self.Get(main)
		s.NoError(err)
		s.Equal("joined self", v)
		g.KillNowait()
		s.NoError(g.Join(main))
		s.True(g.Ready())
		s.NoError(g.Join(main), "join on a ready greenlet")
		return nil
	})
}

// §4.1 test_outer_timeout_is_not_lost: an outer Timeout while waiting is
// returned as that same instance, by Join, Get and JoinAll.
func (s *Conformance) TestOuterTimeoutIsNotLost() {
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, sleeper(time.Hour, nil))
		waits := map[string]func() error{
			"Join": func() error { _, err := g.JoinTimeout(main, time.Hour); return err },
			"Get":  func() error { _, err := g.GetTimeout(main, time.Hour); return err },
			"JoinAll": func() error {
				_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{g}, greenlet.Within(time.Hour))
				return err
			},
			"Sleep": func() error { return greenlet.Sleep(main, time.Hour) },
		}
		for name, wait := range waits {
			t := greenlet.StartNew(main, time.Millisecond, nil)
			err := wait()
			s.Same(t, err, name)
			s.False(t.Pending(), name)
			t.Close()
		}
		return g.Kill(main)
	})
}

// §2.1 get and §4.1 AbstractGenericGetTestCase.
func (s *Conformance) TestGet() {
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, sleeper(time.Hour, nil))
		// get(block=False) is Ready with Value and Err
		s.False(g.Ready())
		// get(timeout): its own Timeout
		var t *greenlet.Timeout
		t0 := s.now(main)
		_, err := g.GetTimeout(main, 10*time.Millisecond)
		s.within(s.now(main)-t0, 9*time.Millisecond, generous, "get(timeout)")
		s.Require().ErrorAs(err, &t)
		s.True(t.Timeout())
		s.Equal(10*time.Millisecond, t.Duration())
		// a Timeout with a custom error passes that error
		custom := errors.New("expected error")
		to := greenlet.StartNew(main, 10*time.Millisecond, custom)
		_, err = g.Get(main)
		to.Close()
		s.Same(custom, err)
		// a killed greenlet's get returns the GreenletExit as its value
		s.NoError(g.Kill(main))
		v, err := g.Get(main)
		s.NoError(err)
		s.IsType(&greenlet.GreenletExit{}, v)
		return nil
	})
}

// JoinAll takes the greenlets already finished at once, in the order of gs
// and before any that finishes while it waits, and does not yield when they
// are enough, as Join of a finished greenlet does not.
func (s *Conformance) TestJoinAllTakesFinishedAtOnce() {
	s.run(func(main *greenlet.Greenlet) error {
		a := greenlet.Spawn(main, ret(1))
		b := greenlet.Spawn(main, ret(2))
		if _, err := greenlet.JoinAll(main, []*greenlet.Greenlet{a, b}); err != nil {
			return err
		}
		ran := false
		c := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { ran = true; return nil, nil })
		done, err := greenlet.JoinAll(main, []*greenlet.Greenlet{b, a})
		s.NoError(err)
		s.Equal([]*greenlet.Greenlet{b, a}, done)
		s.False(ran, "JoinAll of finished greenlets did not yield")

		done, err = greenlet.JoinAll(main, []*greenlet.Greenlet{c, b})
		s.NoError(err)
		s.Equal([]*greenlet.Greenlet{b, c}, done, "the finished one first, then c as it finishes")
		return nil
	})
}

// §3.2 joinall: completion order, duplicates, count, timeout, raise_error.
func (s *Conformance) TestJoinAll() {
	s.run(func(main *greenlet.Greenlet) error {
		a := greenlet.Spawn(main, ret(1))
		b := greenlet.Spawn(main, ret(2))
		done, err := greenlet.JoinAll(main, []*greenlet.Greenlet{a, b, a})
		s.NoError(err)
		s.Len(done, 3, "duplicates count each time")

		done, err = greenlet.JoinAll(main, []*greenlet.Greenlet{a, b}, greenlet.Count(3))
		s.NoError(err)
		s.Len(done, 2, "a Count above len(gs) waits for all")

		// completion order and the first error in that order: x, listed
		// first, would fail too, but only after an hour (a shorter sleep would
		// race with a stalled machine)
		first := errors.New("first")
		second := errors.New("second")
		x := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			if err := greenlet.Sleep(g, time.Hour); err != nil {
				return nil, err
			}
			return nil, first
		})
		y := greenlet.Spawn(main, fails(second))
		done, err = greenlet.JoinAll(main, []*greenlet.Greenlet{x, y}, greenlet.StopOnError())
		s.Same(second, err)
		s.Equal([]*greenlet.Greenlet{y}, done)
		s.False(x.Ready(), "the others keep running")

		// count=1 without raise_error returns at the first completion
		sl := greenlet.Spawn(main, sleeper(time.Hour, nil))
		r := greenlet.Spawn(main, fails(errors.New("raiser")))
		done, err = greenlet.JoinAll(main, []*greenlet.Greenlet{sl, r}, greenlet.Count(1))
		s.NoError(err)
		s.Equal([]*greenlet.Greenlet{r}, done)
		s.False(sl.Ready())

		// timeout: the partial list, no error
		t0 := s.now(main)
		done, err = greenlet.JoinAll(main, []*greenlet.Greenlet{sl, x}, greenlet.Within(10*time.Millisecond))
		s.NoError(err)
		s.Empty(done)
		s.within(s.now(main)-t0, 9*time.Millisecond, generous, "joinall(timeout)")

		// never-started greenlets time out too (§4.1)
		never := greenlet.New(main, ret(nil))
		done, err = greenlet.JoinAll(main, []*greenlet.Greenlet{never}, greenlet.Within(10*time.Millisecond))
		s.NoError(err)
		s.Empty(done)

		s.NoError(greenlet.KillAll(main, []*greenlet.Greenlet{sl, x, never}))
		return nil
	})
	s.Len(s.takeHandled(), 2) // second and raiser; x was killed before failing
}

// §1.7, §3.3: LoopExit in main when nothing can wake it; the hub stays
// usable afterwards.
func (s *Conformance) TestLoopExit() {
	s.run(func(main *greenlet.Greenlet) error {
		never := greenlet.New(main, ret(nil))
		err := never.Join(main)
		s.ErrorIs(err, greenlet.ErrLoopExit)
		s.Contains(err.Error(), "would block forever")
		// a greenlet parked forever does not keep the loop alive either
		stuck := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, never.Join(g)
		})
		_, err = stuck.Get(main)
		s.ErrorIs(err, greenlet.ErrLoopExit)
		// usable again
		v, err := greenlet.Spawn(main, sleeper(time.Millisecond, 7)).Get(main)
		s.NoError(err)
		s.Equal(7, v)
		return nil
	})
}

// After main returns, parked greenlets get ErrHubDestroyed and run their
// deferred code; never-run ones are dropped; nothing leaks (TearDownTest).
func (s *Conformance) TestRunStopsLeftovers() {
	var got error
	cleaned := false
	ran := false
	s.run(func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			defer func() { cleaned = true }()
			got = greenlet.Sleep(g, time.Hour)
			// later blocking calls fail at once
			s.ErrorIs(greenlet.Sleep(g, time.Hour), greenlet.ErrHubDestroyed)
			return nil, got
		})
		s.NoError(greenlet.Sleep(main, 0))
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { ran = true; return nil, nil })
		return nil
	})
	s.ErrorIs(got, greenlet.ErrHubDestroyed)
	s.True(greenlet.IsExit(got))
	s.True(cleaned)
	s.False(ran)
}

// 0.13.6 shutdown(): runs the hub until nothing is left, then returns; the
// hub stays usable.
func (s *Conformance) TestShutdown() {
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, sleeper(20*time.Millisecond, nil))
		t0 := s.now(main)
		s.NoError(greenlet.Shutdown(main))
		s.GreaterOrEqual(s.now(main)-t0, 19*time.Millisecond)
		s.True(g.Ready())
		s.NoError(greenlet.Shutdown(main), "a second shutdown is silent")
		_, err := greenlet.Spawn(main, ret(nil)).Get(main)
		return err
	})
}

// §4.4 wait()/hub.join: true when the loop runs out of work, again and
// again; false after its timeout with work pending; the hub stays usable.
func (s *Conformance) TestWait() {
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, ret(5))
		done, err := greenlet.WaitTimeout(main, 10*time.Second)
		s.NoError(err)
		s.True(done)
		s.True(g.Dead())
		s.NoError(greenlet.Wait(main))
		x := greenlet.SpawnLater(main, time.Hour, ret(nil))
		t0 := s.now(main)
		done, err = greenlet.WaitTimeout(main, 20*time.Millisecond)
		s.NoError(err)
		s.False(done)
		s.within(s.now(main)-t0, 19*time.Millisecond, generous, "wait(timeout)")
		s.False(x.Dead())
		s.NoError(x.Kill(main))
		s.NoError(greenlet.Wait(main))
		msg := panicMessage(func() {
			_ = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				_, err := greenlet.WaitTimeout(g, 0)
				return nil, err
			}).Join(main)
		})
		s.Empty(msg)
		return nil
	})
	h := s.takeHandled()
	s.Require().Len(h, 1, "Wait from a non-main greenlet panics inside it")
	s.Contains(h[0].err.Error(), "greenlet: WaitTimeout called by")
}

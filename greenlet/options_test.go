package greenlet_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// Every call that takes WaitOptions panics on an option it does not take, a
// repeated one or a zero WaitOption before it has any effect: nothing is
// killed (not even a greenlet that never ran, which a kill ends at once),
// linked or left in a group. Count and WithError reject their bad
// arguments when made.
func (s *Conformance) TestWaitOptionMisusePanicsBeforeAnyEffect() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		a := greenlet.Spawn(main, sleeper(time.Hour, nil))
		grp := greenlet.NewGroup(h)
		b, err := grp.Spawn(main, sleeper(time.Hour, nil))
		s.Require().NoError(err)
		s.NoError(greenlet.Sleep(main, 0)) // a and b are parked
		fresh := greenlet.New(main, ret(nil))
		ev := greenlet.NewEvent(h)
		gs := []*greenlet.Greenlet{fresh, a}
		objs := []greenlet.Waitable{a, ev}
		boom := errors.New("boom")
		cases := map[string]func(){
			"greenlet: Count does not apply to Kill":       func() { _ = fresh.Kill(main, greenlet.Count(1)) },
			"greenlet: StopOnError does not apply to Kill": func() { _ = a.Kill(main, greenlet.StopOnError()) },
			"greenlet: Within does not apply to KillNowait": func() {
				fresh.KillNowait(greenlet.WithError(boom), greenlet.Within(0))
			},
			"greenlet: Count does not apply to KillAll":        func() { _ = greenlet.KillAll(main, gs, greenlet.Count(1)) },
			"greenlet: Within does not apply to KillAllNowait": func() { greenlet.KillAllNowait(gs, greenlet.Within(0)) },
			"greenlet: WithError does not apply to JoinAll": func() {
				_, _ = greenlet.JoinAll(main, gs, greenlet.Within(0), greenlet.WithError(boom))
			},
			"greenlet: StopOnError does not apply to WaitObjects": func() {
				_, _ = greenlet.WaitObjects(main, objs, greenlet.StopOnError())
			},
			"greenlet: Count does not apply to IWait":             func() { greenlet.IWait(main, objs, greenlet.Count(1)).Close() },
			"greenlet: Count does not apply to Group.Join":        func() { _, _ = grp.Join(main, greenlet.Count(1)) },
			"greenlet: WithError does not apply to Group.Join":    func() { _, _ = grp.Join(main, greenlet.WithError(boom)) },
			"greenlet: StopOnError does not apply to Group.Kill":  func() { _ = grp.Kill(main, greenlet.StopOnError()) },
			"greenlet: Within does not apply to Group.KillNowait": func() { grp.KillNowait(greenlet.Within(0)) },
			"greenlet: Kill: Within given twice":                  func() { _ = fresh.Kill(main, greenlet.Within(time.Hour), greenlet.Within(0)) },
			"greenlet: KillAll: WithError given twice":            func() { _ = greenlet.KillAll(main, gs, greenlet.WithError(boom), greenlet.WithError(boom)) },
			"greenlet: JoinAll: a zero WaitOption (make options with Within, Count, StopOnError or WithError)": func() {
				_, _ = greenlet.JoinAll(main, gs, greenlet.WaitOption{})
			},
			"greenlet: Count(0): n must be at least 1":                               func() { greenlet.Count(0) },
			"greenlet: Count(-1): n must be at least 1":                              func() { greenlet.Count(-1) },
			"greenlet: WithError(nil): omit the option for the default GreenletExit": func() { greenlet.WithError(nil) },
		}
		for want, f := range cases {
			s.Equal(want, panicMessage(f), want)
		}
		s.NoError(greenlet.Sleep(main, 0))
		for _, g := range []*greenlet.Greenlet{fresh, a, b} {
			s.False(g.Ready(), "%v was killed by a misused call", g)
		}
		s.Equal(0, fresh.HasLinks(), "a misused call left a link")
		s.Equal(0, a.HasLinks(), "a misused call left a link")
		s.Equal(1, b.HasLinks(), "b keeps only its group membership link")
		s.Equal(0, ev.LinkCount(), "a misused call left a link on the event")
		s.Equal(1, grp.Len())
		fresh.KillNowait()
		return greenlet.KillAll(main, []*greenlet.Greenlet{a, b})
	})
}

// Within bounds each call that takes it, zero included (it expires at the
// next loop iteration, without hanging); the call reports what it has.
func (s *Conformance) TestWithinBoundsEveryCall() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		a := greenlet.Spawn(main, sleeper(time.Hour, nil))
		grp := greenlet.NewGroup(h)
		b, err := grp.Spawn(main, sleeper(time.Hour, nil))
		s.Require().NoError(err)
		s.NoError(greenlet.Sleep(main, 0))
		for _, d := range []time.Duration{0, time.Millisecond} {
			done, err := greenlet.JoinAll(main, []*greenlet.Greenlet{a, b}, greenlet.Within(d))
			s.NoError(err)
			s.Empty(done)
			ready, err := greenlet.WaitObjects(main, []greenlet.Waitable{a}, greenlet.Within(d), greenlet.Count(1))
			s.NoError(err)
			s.Empty(ready)
			it := greenlet.IWait(main, []greenlet.Waitable{a}, greenlet.Within(d))
			s.False(it.Next(main))
			s.NoError(it.Err())
			empty, err := grp.Join(main, greenlet.Within(d))
			s.NoError(err)
			s.False(empty)
			ok, err := a.JoinTimeout(main, d)
			s.NoError(err)
			s.False(ok)
		}
		return greenlet.KillAll(main, []*greenlet.Greenlet{a, b})
	})
}

// Passing options allocates nothing: they are small values, read and
// dropped by the call.
func (s *Conformance) TestWaitOptionsAllocateNothing() {
	s.run(func(main *greenlet.Greenlet) error {
		done := greenlet.Spawn(main, ret(nil))
		s.Require().NoError(done.Join(main))
		grp := greenlet.NewGroup(main.Hub())
		stop := errors.New("stop")
		allocs := testing.AllocsPerRun(100, func() {
			_ = done.Kill(main, greenlet.WithError(stop), greenlet.Within(time.Second))
			done.KillNowait(greenlet.WithError(stop))
			_, _ = grp.Join(main, greenlet.Within(time.Second), greenlet.StopOnError())
		})
		s.Zero(allocs, "options allocated")
		return nil
	})
}

package greenlet_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/internal/sched"
)

// §4.2 TestKill matrix: {never started, started, started later} x {Kill,
// KillAll} x {block} x {GreenletExit, an error}: the body never runs, the
// state is final at once and stays so, a second kill is harmless, the link
// fires exactly once; modern gevent: no yield.
func (s *Conformance) TestKillBeforeStartMatrix() {
	custom := errors.New("custom")
	for _, start := range []string{"never", "start", "later"} {
		for _, how := range []string{"Kill", "KillAll"} {
			for _, block := range []bool{true, false} {
				for _, kerr := range []error{nil, custom} {
					name := fmt.Sprintf("%s/%s/block=%v/err=%v", start, how, block, kerr)
					s.run(func(main *greenlet.Greenlet) error {
						ran := false
						var linked []*greenlet.Greenlet
						g := greenlet.New(main, func(*greenlet.Greenlet) (any, error) { ran = true; return nil, nil })
						g.Rawlink(func(src *greenlet.Greenlet) { linked = append(linked, src) })
						switch start {
						case "start":
							g.Start()
						case "later":
							g.StartLater(200 * time.Millisecond)
						}
						var other bool
						yielder := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { other = true; return nil, nil })
						kill := func(how string) error {
							var opts []greenlet.WaitOption
							if kerr != nil {
								opts = append(opts, greenlet.WithError(kerr))
							}
							switch {
							case how == "Kill" && block:
								return g.Kill(main, opts...)
							case how == "Kill":
								g.KillNowait(opts...)
							case block:
								return greenlet.KillAll(main, []*greenlet.Greenlet{g}, opts...)
							default:
								greenlet.KillAllNowait([]*greenlet.Greenlet{g}, opts...)
							}
							return nil
						}
						s.NoError(kill(how), name)
						s.False(other, name+": kill before start does not yield")
						check := func(when string) {
							s.False(g.Started(), name+when)
							s.True(g.Dead(), name+when)
							s.True(g.Ready(), name+when)
							if kerr == nil {
								s.True(g.Successful(), name+when)
								s.IsType(&greenlet.GreenletExit{}, g.Value(), name+when)
								s.NoError(g.Err(), name+when)
							} else {
								s.False(g.Successful(), name+when)
								s.Same(custom, g.Err(), name+when)
							}
						}
						check("")
						s.NoError(greenlet.Sleep(main, 10*time.Millisecond))
						check(" after sleep")
						s.NoError(kill("Kill"), name+": second kill")
						s.NoError(greenlet.Sleep(main, 0))
						s.False(ran, name+": body never runs")
						s.Equal([]*greenlet.Greenlet{g}, linked, name+": link fires once")
						return yielder.Join(main)
					})
					if kerr != nil {
						s.Len(s.takeHandled(), 1, name+": the failure is reported")
					}
				}
			}
		}
	}
}

// §2.1 kill edge cases on a running greenlet.
func (s *Conformance) TestKillRunning() {
	s.run(func(main *greenlet.Greenlet) error {
		// block=false: dead only after the hub ran the kill
		g := greenlet.Spawn(main, sleeper(time.Hour, nil))
		s.NoError(greenlet.Sleep(main, 0))
		g.KillNowait()
		s.False(g.Dead())
		s.NoError(greenlet.Sleep(main, 0))
		s.True(g.Dead())
		s.True(g.Successful())

		// a victim that survives: kill(timeout) returns after the timeout
		var kills int
		stubborn := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for {
				err := greenlet.Sleep(g, time.Hour)
				if greenlet.IsExit(err) && kills < 2 {
					kills++
					continue
				}
				return nil, err
			}
		})
		s.NoError(greenlet.Sleep(main, 0))
		t0 := s.now(main)
		s.NoError(stubborn.Kill(main, greenlet.Within(10*time.Millisecond)))
		s.GreaterOrEqual(s.now(main)-t0, 9*time.Millisecond)
		s.False(stubborn.Dead())
		s.Equal(1, kills)
		s.NoError(stubborn.Kill(main, greenlet.Within(10*time.Millisecond)))
		s.NoError(stubborn.Kill(main))
		s.True(stubborn.Dead())

		// kill of self inside the greenlet
		self := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			err := g.Kill(g)
			return "not reached", err
		})
		v, err := self.Get(main)
		s.NoError(err)
		s.IsType(&greenlet.GreenletExit{}, v)

		// kill with a custom error: a failure (#607)
		boom := errors.New("boom")
		f := greenlet.Spawn(main, sleeper(time.Hour, nil))
		s.NoError(greenlet.Sleep(main, 0))
		s.NoError(f.Kill(main, greenlet.WithError(boom)))
		s.False(f.Successful())
		s.Same(boom, f.Err())
		return nil
	})
	s.Len(s.takeHandled(), 1)
}

// §2.1: kill from a hub callback with block: BlockingSwitchOut, the victim
// still dies.
func (s *Conformance) TestKillFromCallback() {
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, sleeper(time.Hour, nil))
		s.NoError(greenlet.Sleep(main, 0))
		var kerr error
		sched.Of(main.Hub()).RunCallback(func() { kerr = g.Kill(main) })
		s.NoError(g.Join(main))
		s.ErrorIs(kerr, greenlet.ErrBlockingSwitchOut)
		s.True(g.Dead())
		return nil
	})
}

// §3.2 killall after start: a timeout with survivors is an error; block=false
// kills by the next pass.
func (s *Conformance) TestKillAll() {
	s.run(func(main *greenlet.Greenlet) error {
		stubborn := func(g *greenlet.Greenlet) (any, error) {
			if err := greenlet.Sleep(g, time.Hour); !greenlet.IsExit(err) {
				return nil, err
			}
			return nil, greenlet.Sleep(g, time.Hour)
		}
		gs := []*greenlet.Greenlet{greenlet.Spawn(main, stubborn), greenlet.Spawn(main, stubborn)}
		s.NoError(greenlet.Sleep(main, 0))
		err := greenlet.KillAll(main, gs, greenlet.Within(10*time.Millisecond))
		var t *greenlet.Timeout
		s.Require().ErrorAs(err, &t, "killall's own timeout is an error")
		for _, g := range gs {
			s.False(g.Dead())
		}
		greenlet.KillAllNowait(gs)
		s.NoError(greenlet.Sleep(main, 0))
		for _, g := range gs {
			s.True(g.Dead())
		}
		// raw greenlets and dead ones are fine
		s.NoError(greenlet.KillAll(main, gs))
		return nil
	})
}

// A panic message for every misuse starts with the package name.
func (s *Conformance) TestMisusePanics() {
	s.run(func(main *greenlet.Greenlet) error {
		other := greenlet.Spawn(main, sleeper(time.Hour, nil))
		s.NoError(greenlet.Sleep(main, 0))
		msgs := []string{
			panicMessage(func() { _ = greenlet.Sleep(other, 0) }),
			panicMessage(func() { _ = other.Join(other) }),
			panicMessage(func() { _ = greenlet.Sleep(nil, 0) }),
			panicMessage(func() { greenlet.New(main, nil) }),
			panicMessage(func() { other.Rawlink(nil) }),
			panicMessage(func() {
				t := greenlet.StartNew(main, time.Hour, nil)
				defer t.Close()
				t.Start(main)
			}),
		}
		for i, m := range msgs {
			s.Regexp(`^greenlet: `, m, "misuse %d", i)
		}
		s.Contains(msgs[0], "is not running")
		// a greenlet of another hub
		err := greenlet.Run(func(m2 *greenlet.Greenlet) error {
			msg := panicMessage(func() { _ = other.Join(m2) })
			s.Regexp(`^greenlet: Join: .* belongs to another hub`, msg)
			return nil
		}, s.coreOpts()...)
		s.NoError(err)
		// a raw G parked by the wrong caller
		msg := panicMessage(func() { _ = other.Raw().Park() })
		s.Regexp(`^hub: Park: `, msg)
		var w sched.Waiter
		waiter := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return w.Get(g.Raw()) })
		s.NoError(greenlet.Sleep(main, 0))
		msg = panicMessage(func() { _, _ = w.Get(main.Raw()) })
		s.Regexp(`^hub: Waiter.Get: .* is already waiting`, msg)
		w.Switch(nil)
		return greenlet.KillAll(main, []*greenlet.Greenlet{other, waiter})
	})
}

package greenlet_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// §4.6 links run in the order added (FIFO) for 2, 3, 4 and 1000 links, each
// exactly once, and all user links run before the joiner wakes.
func (s *Conformance) TestLinkOrderFIFO() {
	for _, n := range []int{2, 3, 4, 1000} {
		s.run(func(main *greenlet.Greenlet) error {
			var got []int
			g := greenlet.Spawn(main, ret(nil))
			for i := 0; i < n; i++ {
				g.Rawlink(func(*greenlet.Greenlet) { got = append(got, i) })
			}
			s.NoError(g.Join(main))
			s.Len(got, n, "links ran before the joiner woke")
			for i := range got {
				if !s.Equal(i, got[i]) {
					break
				}
			}
			s.NoError(greenlet.Sleep(main, 0))
			s.Len(got, n, "exactly once")
			return nil
		})
	}
}

// §2.1: links added after death are scheduled, never called synchronously;
// a link removed by an earlier one is not called; a failing link is logged
// and the others still run; Unlink and HasLinks.
func (s *Conformance) TestLinkEdges() {
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, ret(25))
		s.NoError(g.Join(main))
		var got []string
		g.Rawlink(func(*greenlet.Greenlet) { got = append(got, "late") })
		s.Empty(got, "not synchronous on a dead greenlet")
		s.NoError(greenlet.Sleep(main, 0))
		s.Equal([]string{"late"}, got)

		got = nil
		h := greenlet.Spawn(main, ret(nil))
		var second greenlet.LinkID
		h.Rawlink(func(*greenlet.Greenlet) { got = append(got, "first"); h.Unlink(second) })
		second = h.Rawlink(func(*greenlet.Greenlet) { got = append(got, "second") })
		h.Rawlink(func(*greenlet.Greenlet) { panic("bad link") })
		h.Rawlink(func(*greenlet.Greenlet) { got = append(got, "third") })
		s.Equal(4, h.HasLinks())
		s.NoError(h.Join(main))
		s.Equal([]string{"first", "third"}, got)

		u := greenlet.Spawn(main, ret(nil))
		id := u.Rawlink(func(*greenlet.Greenlet) { got = append(got, "unlinked") })
		s.Equal(1, u.HasLinks())
		s.True(u.Unlink(id))
		s.False(u.Unlink(id))
		s.Equal(0, u.HasLinks())
		s.NoError(u.Join(main))
		s.NotContains(got, "unlinked")
		return nil
	})
	hs := s.takeHandled()
	s.Require().Len(hs, 1)
	s.Contains(fmt.Sprint(hs[0].ctx), "link of <Greenlet")
}

// §4.2 return/kill/raise + link, link_value, link_exception: callables run in
// new greenlets (they may block), and filter by outcome.
func (s *Conformance) TestLinkFilters() {
	boom := errors.New("boom")
	cases := []struct {
		name string
		body greenlet.Func
		kill bool
		want []string
	}{
		{"return", ret(25), false, []string{"link", "value"}},
		{"kill", sleeper(time.Hour, nil), true, []string{"link", "value"}},
		{"raise", fails(boom), false, []string{"link", "exception"}},
	}
	for _, c := range cases {
		s.run(func(main *greenlet.Greenlet) error {
			var got []string
			rec := func(what string) func(cur, src *greenlet.Greenlet) error {
				return func(cur, src *greenlet.Greenlet) error {
					if err := greenlet.Sleep(cur, time.Millisecond); err != nil { // may block
						return err
					}
					got = append(got, what)
					return nil
				}
			}
			g := greenlet.Spawn(main, c.body)
			g.Link(rec("link"))
			g.LinkValue(rec("value"))
			g.LinkException(rec("exception"))
			if c.kill {
				s.NoError(greenlet.Sleep(main, 0))
				s.NoError(g.Kill(main))
			}
			s.NoError(g.Join(main))
			// Until the link greenlets are done, however long they take.
			idle := func() {
				s.NoError(greenlet.Wait(main))
			}
			idle()
			s.Equal(c.want, got, c.name)
			// again on the dead greenlet
			got = nil
			g.Link(rec("link"))
			g.LinkValue(rec("value"))
			g.LinkException(rec("exception"))
			idle()
			s.Equal(c.want, got, c.name+" after death")
			return nil
		})
		if c.name == "raise" {
			s.Len(s.takeHandled(), 1)
		}
	}
}

// §2.1 seed link-to-greenlet: LinkedCompleted / LinkedKilled / LinkedFailed
// delivered at the receiver's blocking call; SpawnLink* link to the caller.
func (s *Conformance) TestLinkedExited() {
	boom := errors.New("boom")
	s.run(func(main *greenlet.Greenlet) error {
		// completed
		receiver := greenlet.Spawn(main, sleeper(time.Hour, nil))
		src := greenlet.Spawn(main, ret(1))
		src.LinkTo(receiver, greenlet.OnAny)
		_, err := receiver.Get(main)
		var done *greenlet.LinkedCompleted
		s.Require().ErrorAs(err, &done)
		s.Same(src, done.Source)
		s.ErrorIs(err, greenlet.LinkedExited)
		s.Regexp(`^<Greenlet at 0x[0-9a-f]+: .*> completed successfully$`, err.Error())

		// killed: a LinkedKilled, which is also a LinkedCompleted
		receiver = greenlet.Spawn(main, sleeper(time.Hour, nil))
		src = greenlet.Spawn(main, sleeper(time.Hour, nil))
		src.LinkTo(receiver, greenlet.OnValue)
		s.NoError(greenlet.Sleep(main, 0))
		src.KillNowait()
		_, err = receiver.Get(main)
		var killed *greenlet.LinkedKilled
		s.Require().ErrorAs(err, &killed)
		s.ErrorAs(err, &done)
		s.Contains(err.Error(), "returned *greenlet.GreenletExit")

		// failed, linked to a receiver that never started: it is killed
		// before it runs, with the LinkedFailed as its failure
		ran := false
		receiver = greenlet.New(main, func(*greenlet.Greenlet) (any, error) { ran = true; return nil, nil })
		src = greenlet.Spawn(main, fails(boom))
		src.LinkTo(receiver, greenlet.OnException)
		s.NoError(src.Join(main))
		s.NoError(greenlet.Sleep(main, 0))
		var failed *greenlet.LinkedFailed
		s.Require().ErrorAs(receiver.Err(), &failed)
		s.ErrorIs(receiver.Err(), boom)
		s.False(ran)

		// filters that do not match deliver nothing
		receiver = greenlet.Spawn(main, sleeper(20*time.Millisecond, "quiet"))
		greenlet.Spawn(main, ret(nil)).LinkTo(receiver, greenlet.OnException)
		v, err := receiver.Get(main)
		s.NoError(err)
		s.Equal("quiet", v)

		// SpawnLink* to the caller
		var got []error
		w := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			greenlet.SpawnLink(g, ret(nil))
			greenlet.SpawnLinkValue(g, fails(boom)) // filtered out
			greenlet.SpawnLinkException(g, fails(boom))
			for range 2 {
				got = append(got, greenlet.Sleep(g, time.Hour))
			}
			return nil, nil
		})
		s.NoError(w.Join(main))
		s.Require().Len(got, 2)
		s.ErrorAs(got[0], &done)
		s.ErrorAs(got[1], &failed)
		return nil
	})
	s.Len(s.takeHandled(), 6) // boom x3; three receivers fail with the Linked* error they got
}

// Blocking inside a rawlink callback: BlockingSwitchOut (§1.8).
func (s *Conformance) TestBlockingInRawlink() {
	s.run(func(main *greenlet.Greenlet) error {
		var err error
		g := greenlet.Spawn(main, ret(nil))
		g.Rawlink(func(*greenlet.Greenlet) { err = greenlet.Sleep(main, time.Millisecond) })
		s.NoError(g.Join(main))
		s.ErrorIs(err, greenlet.ErrBlockingSwitchOut)
		return nil
	})
}

// §3.1 context manager: greenlet.Scope.
func (s *Conformance) TestScope() {
	boom := errors.New("boom")
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, sleeper(5*time.Millisecond, nil))
		s.NoError(g.Scope(main, func() error { return nil }))
		s.True(g.Dead(), "finished after the block")

		f := greenlet.Spawn(main, fails(boom))
		s.NoError(f.Scope(main, func() error { return nil }), "no error at the scope")
		_, err := f.Get(main)
		s.Same(boom, err)

		bodyErr := errors.New("body")
		k := greenlet.Spawn(main, sleeper(time.Hour, nil))
		err = k.Scope(main, func() error { _ = greenlet.Sleep(main, 0); return bodyErr })
		s.Same(bodyErr, err)
		s.False(k.Successful())
		_, err = k.Get(main)
		s.Same(bodyErr, err, "g fails with the body's error")
		return nil
	})
	s.Len(s.takeHandled(), 2)
}

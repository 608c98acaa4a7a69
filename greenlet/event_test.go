package greenlet_test

import (
	"errors"
	"github.com/gevent-go/gevent/internal/sched"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// §4.11, §4.1: Event.Wait with a timeout on an unset event returns false
// after about the timeout; AsyncResult.Wait returns nil, Get a *Timeout;
// Get without block returns a Timeout at once.
func (s *Conformance) TestEventWaitTimeout() {
	s.run(func(main *greenlet.Greenlet) error {
		e := greenlet.NewEvent(main.Hub())
		t0 := s.now(main)
		ok, err := e.WaitTimeout(main, 20*time.Millisecond)
		s.NoError(err)
		s.False(ok)
		s.within(s.now(main)-t0, 19*time.Millisecond, generous, "Event.Wait(timeout)")
		s.Equal(0, e.LinkCount(), "a timed-out waiter leaves no link")

		r := greenlet.NewAsyncResult(main.Hub())
		v, err := r.WaitTimeout(main, 10*time.Millisecond)
		s.NoError(err)
		s.Nil(v)
		_, err = r.GetTimeout(main, 10*time.Millisecond)
		s.ErrorIs(err, greenlet.ErrTimeout)
		s.Nil(r.Err())
		s.False(r.Ready())
		return nil
	})
}

// §4.1 test_outer_timeout_is_not_lost for Event.Wait, AsyncResult.Get/Wait
// and WaitObjects; §4.1 get(timeout) with a custom Timeout error.
func (s *Conformance) TestEventOuterTimeout() {
	s.run(func(main *greenlet.Greenlet) error {
		e := greenlet.NewEvent(main.Hub())
		r := greenlet.NewAsyncResult(main.Hub())
		waits := map[string]func() error{
			"Event.Wait":       func() error { _, err := e.WaitTimeout(main, time.Hour); return err },
			"AsyncResult.Get":  func() error { _, err := r.GetTimeout(main, time.Hour); return err },
			"AsyncResult.Wait": func() error { _, err := r.WaitTimeout(main, time.Hour); return err },
			"WaitObjects": func() error {
				_, err := greenlet.WaitObjects(main, []greenlet.Waitable{e, r}, greenlet.Within(time.Hour))
				return err
			},
		}
		for name, wait := range waits {
			t := greenlet.StartNew(main, time.Millisecond, nil)
			s.Same(t, wait(), name)
			t.Close()
			s.Equal(0, e.LinkCount(), name)
			s.Equal(0, r.LinkCount(), name)
		}
		custom := errors.New("expected error")
		t := greenlet.StartNew(main, 0, custom)
		_, err := r.Get(main)
		t.Close()
		s.Same(custom, err, "with Timeout.start_new(0, timer_exc): ar.get()")
		return nil
	})
}

// §4.11: N waiters, Set immediately followed by Clear: every waiter wakes
// with true (Wait without an error, WaitTimeout with true), in the order
// they started waiting.
func (s *Conformance) TestEventSetClearWakesAll() {
	for _, n := range []int{1, 100, 1000} {
		s.run(func(main *greenlet.Greenlet) error {
			e := greenlet.NewEvent(main.Hub())
			var order []int
			gs := make([]*greenlet.Greenlet, n)
			for i := range gs {
				gs[i] = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
					var ok bool
					var err error
					if i%2 == 0 {
						err = e.Wait(g)
						ok = err == nil
					} else {
						ok, err = e.WaitTimeout(g, time.Hour)
					}
					order = append(order, i)
					return ok, err
				})
			}
			s.NoError(greenlet.Sleep(main, 0))
			e.Set()
			e.Clear()
			_, err := greenlet.JoinAll(main, gs, greenlet.StopOnError())
			s.NoError(err)
			for i, g := range gs {
				s.Equal(true, g.Value(), "waiter %d", i)
			}
			s.Len(order, n)
			for i := range order {
				if order[i] != i {
					s.Failf("waiters woke out of order", "n=%d: %v", n, order[:min(len(order), 20)])
					break
				}
			}
			return nil
		})
	}
}

// §4.11 (#1520): two waiters blocked, Set, then main waits too: the
// existing waiters run first. A set event with no waiter returns at once
// without switching.
func (s *Conformance) TestEventExistingWaitersFirst() {
	s.run(func(main *greenlet.Greenlet) error {
		e := greenlet.NewEvent(main.Hub())
		var tr tracer
		for i := 1; i <= 2; i++ {
			greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				err := e.Wait(g)
				tr.add("%d", i)
				return nil, err
			})
		}
		s.NoError(greenlet.Sleep(main, 0))
		e.Set()
		s.NoError(e.Wait(main))
		tr.add("3")
		s.Equal([]string{"1", "2", "3"}, tr.ev)

		// No switch: a greenlet spawned now has not run after Wait.
		ran := false
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { ran = true; return nil, nil })
		s.NoError(e.Wait(main))
		s.False(ran, "Wait on a set event with no waiter switched")
		return greenlet.Sleep(main, 0)
	})
}

// §4.11 (#771): a waiter clears the event while the notification runs; a
// later WaitObjects with a timeout does not report the event. WaitObjects
// twice on a set event reports it both times.
func (s *Conformance) TestEventClearDuringNotify() {
	s.run(func(main *greenlet.Greenlet) error {
		e := greenlet.NewEvent(main.Hub())
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			err := e.Wait(g)
			e.Clear()
			return nil, err
		})
		s.NoError(greenlet.Sleep(main, 0))
		e.Set()
		s.NoError(g.Join(main))
		got, err := greenlet.WaitObjects(main, []greenlet.Waitable{e}, greenlet.Within(10*time.Millisecond))
		s.NoError(err)
		s.Empty(got)

		e.Set()
		for range 2 {
			got, err = greenlet.WaitObjects(main, []greenlet.Waitable{e})
			s.NoError(err)
			s.Equal([]greenlet.Waitable{e}, got)
		}
		return nil
	})
}

// §4.11: Rawlink of nil panics; Unlink twice is harmless; a raw link runs
// once, asynchronously, also on an already-set event.
func (s *Conformance) TestEventRawlink() {
	s.run(func(main *greenlet.Greenlet) error {
		r := greenlet.NewAsyncResult(main.Hub())
		s.Equal("greenlet: Rawlink of a nil function", panicMessage(func() { r.Rawlink(nil) }))
		id := r.Rawlink(func() { s.Fail("unlinked link ran") })
		s.True(r.Unlink(id))
		s.False(r.Unlink(id))

		e := greenlet.NewEvent(main.Hub())
		e.Set()
		calls := 0
		e.Rawlink(func() { calls++ })
		s.Equal(0, calls, "a raw link on a set event runs asynchronously")
		s.NoError(greenlet.Sleep(main, 0))
		s.Equal(1, calls)
		e.Set()
		s.NoError(greenlet.Sleep(main, 0))
		s.Equal(1, calls, "a raw link runs once")
		return nil
	})
}

// §4.11: a blocking wait inside a hub callback returns ErrBlockingSwitchOut.
func (s *Conformance) TestEventBlockingInCallback() {
	s.run(func(main *greenlet.Greenlet) error {
		e := greenlet.NewEvent(main.Hub())
		done := greenlet.NewEvent(main.Hub())
		var got error
		sched.Of(main.Hub()).RunCallback(func() {
			got = e.Wait(main)
			done.Set()
		})
		err := done.Wait(main)
		s.NoError(err)
		s.ErrorIs(got, greenlet.ErrBlockingSwitchOut)
		return nil
	})
}

// §4.11 and §5: AsyncResult before set; re-settable; SetException with a
// waiter blocked in Get delivers the same instance; a greenlet links to
// results with Rawlink(r.Receive) for success and failure.
func (s *Conformance) TestAsyncResult() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		r := greenlet.NewAsyncResult(h)
		s.Nil(r.Err())
		s.False(r.Successful())
		r.Set(1)
		r.Set(2)
		v, err := r.Get(main)
		s.NoError(err)
		s.Equal(2, v)
		s.True(r.Successful())

		r2 := greenlet.NewAsyncResult(h)
		obj := errors.New("obj")
		w := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			_, err := r2.Get(g)
			return err, nil
		})
		s.NoError(greenlet.Sleep(main, 0))
		r2.SetException(obj)
		s.settle(main)
		s.Same(obj, w.Value())
		v, err = r2.Wait(main)
		s.NoError(err)
		s.Nil(v, "Wait on a failure returns nil")

		ok := greenlet.Spawn(main, ret(1))
		okRes := greenlet.NewAsyncResult(h)
		ok.Rawlink(okRes.Receive)
		v, err = okRes.GetTimeout(main, time.Second)
		s.NoError(err)
		s.Equal(1, v)

		boom := errors.New("boom")
		bad := greenlet.Spawn(main, fails(boom))
		badRes := greenlet.NewAsyncResult(h)
		bad.Rawlink(badRes.Receive)
		_, err = badRes.GetTimeout(main, time.Second)
		s.Same(boom, err)
		s.Len(s.takeHandled(), 1, "the greenlet's failure is reported once")
		return nil
	})
}

// §4.11: WaitObjects over events and results set one every 2 ms by a
// sender: the result length is min(count, objects, timeout/period), in
// readiness order; with a count the sender is still alive.
func (s *Conformance) TestWaitObjectsCount() {
	for _, tc := range []struct {
		count int
		want  int
	}{{-1, 6}, {1, 1}, {2, 2}} {
		s.run(func(main *greenlet.Greenlet) error {
			h := main.Hub()
			var objs []greenlet.Waitable
			var set []func()
			for i := range 6 {
				if i%2 == 0 {
					e := greenlet.NewEvent(h)
					objs, set = append(objs, e), append(set, e.Set)
				} else {
					r := greenlet.NewAsyncResult(h)
					objs, set = append(objs, r), append(set, func() { r.Set(i) })
				}
			}
			sender := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				for i := len(set) - 1; i >= 0; i-- {
					if err := greenlet.Sleep(g, 2*time.Millisecond); err != nil {
						return nil, err
					}
					set[i]()
				}
				return nil, nil
			})
			var opts []greenlet.WaitOption
			if tc.count > 0 {
				opts = append(opts, greenlet.Count(tc.count))
			}
			got, err := greenlet.WaitObjects(main, objs, opts...)
			s.NoError(err)
			s.Len(got, tc.want)
			for i, o := range got {
				s.Same(objs[len(objs)-1-i], o, "readiness order")
			}
			if tc.count > 0 {
				s.False(sender.Dead(), "the sender is still alive with a count")
			}
			return sender.Kill(main)
		})
	}
}

// §4.4: WaitObjects over a greenlet and an event set 20 ms later; IWait
// over greenlets (one finished, one failing) with a sleep between items
// yields them all (#467); the links are removed on Close.
func (s *Conformance) TestIWait() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		e := greenlet.NewEvent(h)
		greenlet.SpawnLater(main, 20*time.Millisecond, func(*greenlet.Greenlet) (any, error) { e.Set(); return nil, nil })
		slow := greenlet.Spawn(main, sleeper(time.Hour, nil))
		got, err := greenlet.WaitObjects(main, []greenlet.Waitable{slow, e}, greenlet.Count(1))
		s.NoError(err)
		s.Equal([]greenlet.Waitable{e}, got)
		s.Equal(0, slow.HasLinks())

		done := greenlet.Spawn(main, ret(1))
		s.NoError(done.Join(main))
		gs := []greenlet.Waitable{
			done,
			greenlet.Spawn(main, sleeper(time.Millisecond, 2)),
			greenlet.Spawn(main, fails(errors.New("ValueError"))),
			greenlet.Spawn(main, sleeper(5*time.Millisecond, 4)),
		}
		it := greenlet.IWait(main, gs)
		n := 0
		for it.Next(main) {
			n++
			s.NoError(greenlet.Sleep(main, 10*time.Millisecond))
		}
		s.NoError(it.Err())
		s.Equal(4, n)
		it.Close()
		s.Len(s.takeHandled(), 1)

		s1, s2 := greenlet.NewSemaphore(h, 0), greenlet.NewSemaphore(h, 0)
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { s1.Release(); return nil, nil })
		it = greenlet.IWait(main, []greenlet.Waitable{s1, s2}, greenlet.Within(time.Second))
		s.True(it.Next(main))
		s.Same(s1, it.Value())
		s.Equal(1, s2.LinkCount())
		it.Close()
		s.Equal(0, s2.LinkCount())
		s.False(it.Next(main))

		s3 := greenlet.NewSemaphore(h, 1)
		it = greenlet.IWait(main, []greenlet.Waitable{s3, s2})
		for o := range it.All(main) {
			s.Same(s3, o)
			break
		}
		s.Equal(0, s2.LinkCount(), "break closes the iterator")
		s.NoError(it.Err())

		it = greenlet.IWait(main, []greenlet.Waitable{s2}, greenlet.Within(10*time.Millisecond))
		s.False(it.Next(main), "timeout")
		s.NoError(it.Err())
		s.Equal(0, s2.LinkCount())
		return slow.Kill(main)
	})
}

// §4.11 cross-thread: an Event and an AsyncResult set from another
// goroutine through Hub.Post wake the waiter, waiting directly (timed and
// untimed) or in a spawned greenlet.
func (s *Conformance) TestEventCrossThread() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		fromOutside := func(fn func()) {
			h.Ref()
			go func() {
				time.Sleep(time.Millisecond)
				_ = h.Post(func() { fn(); h.Unref() })
			}()
		}
		e := greenlet.NewEvent(h)
		fromOutside(e.Set)
		s.NoError(e.Wait(main))

		r := greenlet.NewAsyncResult(h)
		fromOutside(func() { r.Set("from main") })
		v, err := r.GetTimeout(main, 5*time.Second)
		s.NoError(err)
		s.Equal("from main", v)

		r2 := greenlet.NewAsyncResult(h)
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return r2.Get(g) })
		fromOutside(func() { r2.Set(true) })
		v, err = g.Get(main)
		s.NoError(err)
		s.Equal(true, v)
		return nil
	})
}

// Semaphore.Wait and Pool.WaitAvailable wake, without taking the slot, once
// a slot frees.
func (s *Conformance) TestSemaphoreWait() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		p := greenlet.NewPool(h, 1)
		_, err := p.Spawn(main, sleeper(time.Millisecond, nil))
		s.NoError(err)
		n, err := p.WaitAvailable(main)
		s.NoError(err)
		s.Equal(1, n)
		s.Equal(1, p.FreeCount(), "WaitAvailable does not take the slot")
		return nil
	})
}

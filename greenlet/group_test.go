package greenlet_test

import (
	"errors"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// §4.13 Group: Len follows spawns and ends; Join with raiseError waits for
// all and returns a member's failure; Join(timeout) on a busy group is
// false; an empty group joins at once.
func (s *Conformance) TestGroupJoin() {
	s.run(func(main *greenlet.Greenlet) error {
		grp := greenlet.NewGroup(main.Hub())
		ok, err := grp.Join(main)
		s.True(ok)
		s.NoError(err)
		boom := errors.New("boom")
		// From before the spawns: a member's sleep starts after them.
		t0 := s.now(main)
		grp.Spawn(main, sleeper(5*time.Millisecond, 1))
		grp.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			if err := greenlet.Sleep(g, 10*time.Millisecond); err != nil {
				return nil, err
			}
			return nil, boom
		})
		s.Equal(2, grp.Len())
		ok, err = grp.Join(main, greenlet.Within(time.Millisecond))
		s.False(ok)
		s.NoError(err)
		ok, err = grp.Join(main, greenlet.StopOnError())
		s.True(ok)
		s.Same(boom, err)
		s.GreaterOrEqual(s.now(main)-t0, 9*time.Millisecond, "raiseError waits for every member")
		s.Equal(0, grp.Len())
		s.Len(s.takeHandled(), 1)
		return nil
	})
}

// §4.13 Group.Kill: fast; block=false leaves Len until the next pass;
// a member is killed once however often the group is killed; the group's own timeout is swallowed but
// an outer one is not.
func (s *Conformance) TestGroupKill() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		grp := greenlet.NewGroup(h)
		grp.Spawn(main, sleeper(time.Hour, nil))
		grp.Spawn(main, sleeper(time.Hour, nil))
		s.NoError(greenlet.Sleep(main, 0))
		grp.KillNowait()
		s.Equal(2, grp.Len())
		ok, err := grp.Join(main, greenlet.Within(time.Second))
		s.True(ok)
		s.NoError(err)

		kills := 0
		stubborn := func(g *greenlet.Greenlet) (any, error) {
			for {
				err := greenlet.Sleep(g, time.Hour)
				if !greenlet.IsExit(err) {
					return nil, nil // survives GreenletExit only
				}
				kills++
			}
		}
		g, _ := grp.Spawn(main, stubborn)
		s.NoError(greenlet.Sleep(main, 0))
		grp.KillNowait()
		grp.KillNowait()
		s.settle(main)
		s.Equal(1, kills, "the kill is delivered once")

		// Its own timeout is swallowed; the member survives.
		s.NoError(grp.Kill(main, greenlet.Within(10*time.Millisecond)))
		s.Equal(1, grp.Len())
		// An outer timeout is not.
		t := greenlet.StartNew(main, 5*time.Millisecond, nil)
		err = grp.Kill(main, greenlet.Within(time.Second))
		t.Close()
		s.Same(t, err)
		g.KillNowait(greenlet.WithError(errors.New("stop")))
		s.NoError(g.Join(main))
		s.Equal(0, grp.Len())
		return nil
	})
}

// §4.13 Pool: FreeCount, Full, Spawn blocking the caller while full, Join
// with a timeout, Add with PoolFull, Discard freeing the slot, size 0.
func (s *Conformance) TestPool() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		p := greenlet.NewPool(h, 2)
		s.Equal(2, p.FreeCount())
		g, err := p.Spawn(main, ret(1))
		s.NoError(err)
		s.Equal(1, p.FreeCount())
		v, err := g.Get(main)
		s.NoError(err)
		s.Equal(1, v)
		s.settle(main)
		s.Equal(2, p.FreeCount())

		var r []int
		var tr tracer
		for i := 1; i <= 3; i++ {
			_, err := p.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				if err := greenlet.Sleep(g, time.Millisecond); err != nil {
					return nil, err
				}
				r = append(r, i)
				return nil, nil
			})
			s.NoError(err)
			tr.add("spawned %d free %d", i, p.FreeCount())
		}
		// The third Spawn waits until a member leaves; by then both may have.
		s.Equal([]string{"spawned 1 free 1", "spawned 2 free 0"}, tr.ev[:2])
		s.NotEmpty(r, "the third Spawn waited for a slot")
		ok, err := p.Join(main)
		s.True(ok)
		s.NoError(err)
		s.ElementsMatch([]int{1, 2, 3}, r)

		p1 := greenlet.NewPool(h, 1)
		busy, err := p1.Spawn(main, sleeper(time.Hour, nil))
		s.NoError(err)
		ok, err = p1.Join(main, greenlet.Within(5*time.Millisecond))
		s.False(ok)
		s.NoError(err)
		other := greenlet.New(main, ret(2))
		s.False(p1.TryAdd(other))
		ok, err = p1.AddTimeout(main, other, 5*time.Millisecond)
		s.False(ok)
		s.NoError(err)
		ok, err = p1.StartTimeout(main, other, 5*time.Millisecond)
		s.False(ok)
		s.NoError(err)
		s.False(other.Started(), "a greenlet StartTimeout could not add is not started")
		t := greenlet.StartNew(main, 5*time.Millisecond, nil)
		err = p1.Add(main, other)
		t.Close()
		s.Same(t, err)
		p1.Discard(busy)
		s.Equal(0, p1.Len())
		s.Equal(1, p1.FreeCount())
		s.NoError(busy.Kill(main))
		s.Equal(1, p1.FreeCount(), "a discarded member does not free its slot twice")
		s.True(p1.TryAdd(other))
		other.Start()
		s.NoError(other.Join(main))

		s.Equal("greenlet: NewPool: negative size", panicMessage(func() { greenlet.NewPool(h, -1) }))
		s.Equal("greenlet: Group.Add on a Pool's group bypasses its slots; use Pool.Add",
			panicMessage(func() { p1.Group.Add(other) }))
		p0 := greenlet.NewPool(h, 0)
		s.Equal(0, p0.FreeCount())
		s.True(p0.Full())
		n, err := p0.WaitAvailableTimeout(main, 5*time.Millisecond)
		s.NoError(err)
		s.Equal(0, n)
		return nil
	})
}

// Semaphore: FIFO hand-off (a late Acquire does not barge in), timeouts,
// non-blocking Acquire, bounded Release misuse, a killed waiter gives back
// a slot it was granted.
func (s *Conformance) TestSemaphore() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		sem := greenlet.NewBoundedSemaphore(h, 1)
		s.NoError(sem.Acquire(main))
		s.True(sem.Locked())
		s.False(sem.TryAcquire())
		ok, err := sem.AcquireTimeout(main, 5*time.Millisecond)
		s.False(ok)
		s.NoError(err)

		var tr tracer
		var gs []*greenlet.Greenlet
		for i := range 3 {
			gs = append(gs, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				if err := sem.Acquire(g); err != nil {
					return nil, err
				}
				tr.add("got %d", i)
				if err := greenlet.Sleep(g, 0); err != nil {
					return nil, err
				}
				sem.Release()
				return nil, nil
			}))
		}
		s.NoError(greenlet.Sleep(main, 0))
		sem.Release()
		ok = sem.TryAcquire()
		s.False(ok, "a late Acquire does not take a slot handed to a waiter")
		_, err = greenlet.JoinAll(main, gs, greenlet.StopOnError())
		s.NoError(err)
		s.Equal([]string{"got 0", "got 1", "got 2"}, tr.ev)
		s.settle(main)
		s.Equal(1, sem.Counter())
		s.Equal("greenlet: BoundedSemaphore released too many times", panicMessage(func() { sem.Release() }))

		// A waiter killed after being granted the slot gives it back.
		ok = sem.TryAcquire()
		s.True(ok)
		w := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, sem.Acquire(g) })
		s.NoError(greenlet.Sleep(main, 0))
		sem.Release()
		w.KillNowait()
		s.NoError(w.Join(main))
		s.settle(main)
		s.Equal(1, sem.Counter())

		lock := greenlet.NewLock(h)
		s.NoError(lock.Acquire(main))
		s.Equal(0, lock.Release()-1)
		return nil
	})
}

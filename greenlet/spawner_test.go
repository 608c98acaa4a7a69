package greenlet_test

import (
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// Group and Pool are both Spawners: SpawnTypedIn spawns a typed body in
// either; the Pool's waits for a free slot (the caller is held back), the
// Group's never waits and may be called with a nil cur from a hub callback.
func (s *Conformance) TestSpawnerGroupAndPool() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		grp := greenlet.NewGroup(h)
		pool := greenlet.NewPool(h, 1)
		for _, sp := range []greenlet.Spawner{grp, pool} {
			t, err := greenlet.SpawnTypedIn(main, sp, func(*greenlet.Greenlet) (int, error) { return 7, nil })
			s.Require().NoError(err)
			v, err := t.Get(main)
			s.NoError(err)
			s.Equal(7, v)
		}
		// A full pool holds the spawner back until a slot frees.
		blocker, err := pool.Spawn(main, sleeper(20*time.Millisecond, nil))
		s.Require().NoError(err)
		start := s.now(main)
		t, err := greenlet.SpawnTypedIn(main, pool, func(*greenlet.Greenlet) (string, error) { return "late", nil })
		s.Require().NoError(err)
		s.True(blocker.Ready(), "SpawnTypedIn on a full pool waited for the slot")
		s.GreaterOrEqual(s.now(main)-start, 19*time.Millisecond)
		v, err := t.GetTimeout(main, generous)
		s.NoError(err)
		s.Equal("late", v)
		// A Group spawns from a hub callback, with no calling greenlet.
		var fromCallback *greenlet.Greenlet
		s.Require().NoError(h.Post(func() {
			fromCallback, err = grp.Spawn(nil, ret("cb"))
		}))
		for deadline := s.now(main) + generous; fromCallback == nil && s.now(main) < deadline; {
			s.Require().NoError(greenlet.Sleep(main, time.Millisecond))
		}
		s.Require().NoError(err)
		s.Require().NotNil(fromCallback, "the callback ran")
		got, err := fromCallback.Get(main)
		s.NoError(err)
		s.Equal("cb", got)
		ok, err := grp.Join(main)
		s.True(ok)
		return err
	})
}

// A Pool's TryAdd takes a free slot without waiting; AddTimeout and
// StartTimeout report false, with no error, when none frees up in time,
// and StartTimeout then leaves the greenlet unstarted.
func (s *Conformance) TestPoolTryAddAndTimeouts() {
	s.run(func(main *greenlet.Greenlet) error {
		pool := greenlet.NewPool(main.Hub(), 1)
		a := greenlet.New(main, sleeper(time.Hour, nil))
		s.True(pool.TryAdd(a))
		s.True(pool.TryAdd(a), "a member is a member")
		b := greenlet.New(main, ret(nil))
		s.False(pool.TryAdd(b))
		ok, err := pool.AddTimeout(main, b, time.Millisecond)
		s.NoError(err)
		s.False(ok)
		ok, err = pool.StartTimeout(main, b, 0)
		s.NoError(err)
		s.False(ok)
		s.False(b.Started())
		n, err := pool.WaitAvailableTimeout(main, time.Millisecond)
		s.NoError(err)
		s.Equal(0, n)
		a.Start()
		s.NoError(a.Kill(main))
		n, err = pool.WaitAvailable(main)
		s.NoError(err)
		s.Equal(1, n)
		ok, err = pool.StartTimeout(main, b, time.Hour)
		s.NoError(err)
		s.True(ok)
		s.True(b.Started())
		return b.Join(main)
	})
}

// JoinTimeout reports whether the greenlet finished: true for one that
// finishes in time, false after the timeout.
func (s *Conformance) TestJoinTimeoutReports() {
	s.run(func(main *greenlet.Greenlet) error {
		quick := greenlet.Spawn(main, sleeper(time.Millisecond, nil))
		ok, err := quick.JoinTimeout(main, generous)
		s.NoError(err)
		s.True(ok)
		slow := greenlet.Spawn(main, sleeper(time.Hour, nil))
		ok, err = slow.JoinTimeout(main, time.Millisecond)
		s.NoError(err)
		s.False(ok)
		return slow.Kill(main)
	})
}

// A blocking iterator takes the greenlet that made it; another one panics
// before the iterator changes.
func (s *Conformance) TestIteratorsTakeTheirGreenlet() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		g := greenlet.Spawn(main, ret(1))
		other := greenlet.New(main, ret(nil))
		it := greenlet.IWait(main, []greenlet.Waitable{g})
		defer it.Close()
		s.Contains(panicMessage(func() { it.Next(other) }), "greenlet: IWait.Next: called with")
		s.Contains(panicMessage(func() { it.All(other) }), "greenlet: IWait.All: called with")
		s.True(it.Next(main))
		s.Same(g, it.Value())
		pool := greenlet.NewPool(h, 2)
		mi := greenlet.Imap(main, pool, []int{1, 2}, func(_ *greenlet.Greenlet, x int) (int, error) { return x * 10, nil })
		s.Contains(panicMessage(func() { mi.Next(other) }), "greenlet: MapIter.Next: called with")
		var got []int
		for mi.Next(main) {
			got = append(got, mi.Result().Value)
		}
		s.Equal([]int{10, 20}, got)
		s.NoError(mi.Err())
		s.NoError(mi.Close(main))
		other.KillNowait()
		return nil
	})
}

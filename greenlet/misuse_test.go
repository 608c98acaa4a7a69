package greenlet_test

import (
	"errors"
	"math"
	"strings"
	"syscall"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// runOnForeignHub runs body as the main greenlet of a second hub of the suite's
// core, nested in the current greenlet (the foreign greenlet of the misuse
// tests below).
func (s *Conformance) runOnForeignHub(body func(m2 *greenlet.Greenlet)) {
	h2 := s.newHub()
	s.Require().NoError(greenlet.RunOn(h2, func(m2 *greenlet.Greenlet) error {
		body(m2)
		return nil
	}))
}

// Every sync object checks that the calling greenlet belongs to its hub,
// with a panic raised before the call has any effect (a foreign greenlet
// parked in a wait list of this hub would crash the process).
func (s *Conformance) TestSyncObjectsRejectAForeignGreenlet() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		q := greenlet.NewQueue[int](h, greenlet.MaxSize(1))
		full := greenlet.NewQueue[int](h, greenlet.MaxSize(1))
		s.NoError(full.PutNowait(1))
		lq := greenlet.NewLifoQueue[int](h)
		pq := greenlet.NewPriorityQueue[int](h, func(a, b int) bool { return a < b })
		c := greenlet.NewChannel[int](h)
		sem := greenlet.NewSemaphore(h, 0)
		bsem := greenlet.NewBoundedSemaphore(h, 1)
		lock := greenlet.NewLock(h)
		s.True(lock.TryAcquire())
		ev := greenlet.NewEvent(h)
		ar := greenlet.NewAsyncResult(h)
		grp := greenlet.NewGroup(h)
		member, _ := grp.Spawn(main, sleeper(time.Hour, nil))
		pool := greenlet.NewPool(h, 0)
		local := greenlet.Spawn(main, sleeper(time.Hour, nil))
		s.runOnForeignHub(func(m2 *greenlet.Greenlet) {
			cases := map[string]func(){
				"Queue.Put":          func() { _ = q.Put(m2, 1) },
				"Queue.Put full":     func() { _ = full.Put(m2, 2) },
				"Queue.Get":          func() { _, _ = q.Get(m2) },
				"Queue.Peek":         func() { _, _ = q.Peek(m2) },
				"Queue.Join":         func() { _ = full.Join(m2) },
				"LifoQueue.Get":      func() { _, _ = lq.Get(m2) },
				"PriorityQueue.Get":  func() { _, _ = pq.Get(m2) },
				"Channel.Put":        func() { _ = c.Put(m2, 1) },
				"Channel.Get":        func() { _, _ = c.Get(m2) },
				"Semaphore.Acquire":  func() { _ = sem.Acquire(m2) },
				"Semaphore.Wait":     func() { _, _ = sem.Wait(m2) },
				"Bounded.Acquire":    func() { _ = bsem.Acquire(m2) },
				"Lock.Acquire":       func() { _ = lock.Acquire(m2) },
				"Event.Wait":         func() { _ = ev.Wait(m2) },
				"AsyncResult.Get":    func() { _, _ = ar.Get(m2) },
				"AsyncResult.Wait":   func() { _, _ = ar.Wait(m2) },
				"Group.Join":         func() { _, _ = grp.Join(m2) },
				"Group.Kill":         func() { _ = grp.Kill(m2) },
				"Group.Killone":      func() { _ = member.Kill(m2) },
				"Pool.Spawn":         func() { _, _ = pool.Spawn(m2, ret(nil)) },
				"Pool.WaitAvailable": func() { _, _ = pool.WaitAvailable(m2) },
				"Pool.Add":           func() { _ = pool.Add(m2, local) },
				"WaitObjects Event":  func() { _, _ = greenlet.WaitObjects(m2, []greenlet.Waitable{ev}) },
				"WaitObjects Sem":    func() { _, _ = greenlet.WaitObjects(m2, []greenlet.Waitable{sem}) },
				"WaitObjects Result": func() { _, _ = greenlet.WaitObjects(m2, []greenlet.Waitable{ar}) },
				"WaitObjects Greenlet": func() {
					_, _ = greenlet.WaitObjects(m2, []greenlet.Waitable{local})
				},
				"IWait": func() { greenlet.IWait(m2, []greenlet.Waitable{ev}).Close() },
			}
			for name, f := range cases {
				msg := panicMessage(f)
				s.True(strings.HasPrefix(msg, "greenlet: ") && strings.Contains(msg, "belongs to another hub"), "%s: %q", name, msg)
			}
		})
		// Nothing changed on this hub.
		s.Equal(0, q.Len())
		s.Equal(1, full.Len())
		s.True(c.Empty())
		s.Equal(0, sem.Counter())
		s.Equal(1, bsem.Counter())
		s.Equal(0, ev.LinkCount()+ar.LinkCount()+sem.LinkCount())
		s.Equal(1, grp.Len())
		s.False(member.Ready())
		s.Equal(0, pool.Len())
		s.Equal(0, local.HasLinks())
		return greenlet.KillAll(main, []*greenlet.Greenlet{member, local})
	})
}

// Misuse of Kill, KillAll, KillAllNowait, JoinAll, Pool.Add and WaitObjects
// panics before anything is killed, linked or taken.
func (s *Conformance) TestMisusePanicsBeforeAnyEffect() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		a := greenlet.Spawn(main, sleeper(time.Hour, nil))
		b := greenlet.Spawn(main, sleeper(time.Hour, nil))
		idle := greenlet.Spawn(main, sleeper(time.Hour, nil)) // parked: not running
		s.NoError(greenlet.Sleep(main, 0))
		grp := greenlet.NewGroup(h)
		grp.Add(b)
		pool := greenlet.NewPool(h, 1)
		ev := greenlet.NewEvent(h)
		var foreign *greenlet.Greenlet
		s.runOnForeignHub(func(m2 *greenlet.Greenlet) {
			foreign = greenlet.Spawn(m2, ret(nil))
			for name, f := range map[string]func(){
				"Kill wrong hub":    func() { _ = a.Kill(m2) },
				"KillAll wrong hub": func() { _ = greenlet.KillAll(m2, []*greenlet.Greenlet{a, b}) },
			} {
				s.Contains(panicMessage(f), "belongs to another hub", name)
			}
			_, _ = foreign.Get(m2)
		})
		cases := map[string]func(){
			"greenlet: Kill: nil calling greenlet (pass the greenlet making the call)": func() { _ = a.Kill(nil) },
			"greenlet: Kill: " + idle.String() + " is not running (" + main.String() + " is); a blocking call must name the calling greenlet": func() {
				_ = a.Kill(idle)
			},
			"greenlet: KillAll: nil calling greenlet (pass the greenlet making the call)": func() {
				_ = greenlet.KillAll(nil, []*greenlet.Greenlet{a, b})
			},
			"greenlet: KillAll: " + idle.String() + " is not running (" + main.String() + " is); a blocking call must name the calling greenlet": func() {
				_ = greenlet.KillAll(idle, []*greenlet.Greenlet{a, b})
			},
			"greenlet: KillAllNowait: nil greenlet at index 2": func() {
				greenlet.KillAllNowait([]*greenlet.Greenlet{a, b, nil})
			},
			"greenlet: KillAll: " + foreign.String() + " belongs to another hub than " + main.String(): func() {
				_ = greenlet.KillAll(main, []*greenlet.Greenlet{a, foreign})
			},
			"greenlet: JoinAll: " + foreign.String() + " belongs to another hub than " + main.String(): func() {
				_, _ = greenlet.JoinAll(main, []*greenlet.Greenlet{a, b, foreign})
			},
			"greenlet: JoinAll: nil greenlet at index 1": func() {
				_, _ = greenlet.JoinAll(main, []*greenlet.Greenlet{a, nil})
			},
			"greenlet: KillAllNowait: " + foreign.String() + " belongs to another hub than " + a.String(): func() {
				greenlet.KillAllNowait([]*greenlet.Greenlet{a, foreign})
			},
			"greenlet: Pool.Add: " + foreign.String() + " belongs to another hub": func() {
				_ = pool.Add(main, foreign)
			},
			"greenlet: WaitObjects: greenlet_test.notLinkable is neither a *Greenlet nor a Linkable": func() {
				_, _ = greenlet.WaitObjects(main, []greenlet.Waitable{ev, a, notLinkable{}})
			},
		}
		for want, f := range cases {
			s.Equal(want, panicMessage(f), want)
		}
		s.NoError(greenlet.Sleep(main, 0))
		s.False(a.Ready(), "a was killed by a misused call")
		s.False(b.Ready(), "b was killed by a misused call")
		s.Equal(0, a.HasLinks(), "a misused call left a link on a")
		s.Equal(1, b.HasLinks(), "b keeps only its group membership link")
		s.Equal(0, ev.LinkCount())
		s.Equal(1, pool.FreeCount())
		return greenlet.KillAll(main, []*greenlet.Greenlet{a, b, idle})
	})
}

// A greenlet that stops waiting early (killed, timed out) leaves nothing
// behind: no link on the greenlet it joined, no armed timer.
func (s *Conformance) TestEarlyReturnsLeaveNoLinkOrTimer() {
	s.run(func(main *greenlet.Greenlet) error {
		target := greenlet.Spawn(main, sleeper(time.Hour, nil))
		joiner := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, target.Join(g)
		})
		allJoiner := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			_, err := greenlet.JoinAll(g, []*greenlet.Greenlet{target, target}, greenlet.Within(time.Hour))
			return nil, err
		})
		getter := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			_, err := target.GetTimeout(g, time.Hour)
			return nil, err
		})
		s.NoError(greenlet.Sleep(main, 0))
		s.Equal(4, target.HasLinks())
		s.NoError(greenlet.KillAll(main, []*greenlet.Greenlet{joiner, allJoiner, getter}))
		s.Equal(0, target.HasLinks(), "a killed joiner left its link")
		timedOut := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			_, err := greenlet.JoinAll(g, []*greenlet.Greenlet{target}, greenlet.Within(time.Millisecond))
			return nil, err
		})
		s.NoError(timedOut.Join(main))
		s.Equal(0, target.HasLinks(), "a timed-out JoinAll left its link")
		s.NoError(target.Kill(main))
		// JoinAll returning early (all done) stops its timer: nothing is
		// left to keep the loop alive, so waiting forever ends in LoopExit
		// at once rather than when an hour-long timer fires.
		done := greenlet.Spawn(main, ret(1))
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{done}, greenlet.Within(time.Hour))
		s.NoError(err)
		err = greenlet.NewEvent(main.Hub()).Wait(main)
		s.ErrorIs(err, greenlet.ErrLoopExit)
		return nil
	})
}

// A kill delivered together with a Shutdown's wake-up is not swallowed: the
// killed putter or getter ends with the GreenletExit, not ErrShutDown.
func (s *Conformance) TestQueueShutdownDoesNotSwallowAKill() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		full := greenlet.NewQueue[int](h, greenlet.MaxSize(1))
		s.NoError(full.PutNowait(0))
		empty := greenlet.NewQueue[int](h, greenlet.MaxSize(1))
		putter := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, full.Put(g, 1)
		})
		getter := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			_, err := empty.Get(g)
			return nil, err
		})
		s.NoError(greenlet.Sleep(main, 0))
		// The kills are queued first, then the shutdowns pop both waiters:
		// each resumes granted by the shutdown and with the kill.
		putter.KillNowait()
		getter.KillNowait()
		full.Shutdown()
		empty.Shutdown()
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{putter, getter})
		s.NoError(err)
		for _, g := range []*greenlet.Greenlet{putter, getter} {
			s.True(g.Successful(), "%v: %v", g, g.Err())
			var exit *greenlet.GreenletExit
			s.ErrorAs(g.Value().(error), &exit)
		}
		return nil
	})
}

// A failed greenlet has no value, whatever its body returned beside the
// error (gevent: value is None after an exception).
func (s *Conformance) TestValueIsNilAfterAFailure() {
	s.run(func(main *greenlet.Greenlet) error {
		boom := errors.New("boom")
		g := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { return 42, boom })
		t := greenlet.SpawnTyped(main, func(*greenlet.Greenlet) (int, error) { return 7, boom })
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{g, t.Greenlet})
		s.NoError(err)
		s.Nil(g.Value())
		s.Equal(0, t.Value())
		s.ErrorIs(g.Err(), boom)
		v, err := t.Get(main)
		s.Equal(0, v)
		s.ErrorIs(err, boom)
		s.Len(s.takeHandled(), 2)
		return nil
	})
}

// Nil arguments and zero values get a message naming the problem, not a
// nil-pointer panic or a misleading one.
func (s *Conformance) TestNilAndZeroValueMessages() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		var nilG *greenlet.Greenlet
		cases := map[string]func(){
			"greenlet: KillNowait: nil greenlet":  func() { nilG.KillNowait() },
			"greenlet: JoinTimeout: nil greenlet": func() { _, _ = nilG.JoinTimeout(main, 0) },
			"greenlet: Join: nil greenlet":        func() { _ = nilG.Join(main) },
			"greenlet: Get: nil greenlet":         func() { _, _ = nilG.Get(main) },
			"greenlet: Kill: nil greenlet ":       func() { _ = nilG.Kill(main, greenlet.Within(0)) },
			"greenlet: Signal with a nil greenlet (pass a greenlet of the hub to run the handler on)": func() {
				greenlet.Signal(nil, syscall.SIGUSR2, func(*greenlet.Greenlet) error { return nil })
			},
			"greenlet: KillAllNowait: nil greenlet at index 0": func() { greenlet.KillAllNowait([]*greenlet.Greenlet{nil}) },
			"greenlet: JoinAll: nil greenlet at index 0": func() {
				_, _ = greenlet.JoinAll(main, []*greenlet.Greenlet{nil}, greenlet.Within(0))
			},
			"greenlet: Queue.Put on a zero Queue, which is not usable; create it with NewQueue": func() {
				var q greenlet.Queue[int]
				_ = q.Put(main, 1)
			},
			"greenlet: Queue.Get on a zero Queue, which is not usable; create it with NewQueue": func() {
				var q greenlet.Queue[int]
				_, _ = q.Get(main)
			},
			"greenlet: Channel.Put on a zero Channel, which is not usable; create it with NewChannel": func() {
				var c greenlet.Channel[int]
				_ = c.Put(main, 1)
			},
			"greenlet: Semaphore.Release on a zero Semaphore, which is not usable; create it with NewSemaphore": func() {
				var sem greenlet.Semaphore
				sem.Release()
			},
			"greenlet: Semaphore.Acquire on a zero Semaphore, which is not usable; create it with NewSemaphore": func() {
				var sem greenlet.Semaphore
				_ = sem.Acquire(main)
			},
			"greenlet: Event.Wait on a zero Event, which is not usable; create it with NewEvent": func() {
				var e greenlet.Event
				_ = e.Wait(main)
			},
			"greenlet: Event.Set on a zero Event, which is not usable; create it with NewEvent": func() {
				var e greenlet.Event
				e.Set()
			},
			"greenlet: AsyncResult.Set on a zero AsyncResult, which is not usable; create it with NewAsyncResult": func() {
				var r greenlet.AsyncResult
				r.Set(1)
			},
			"greenlet: Group.Spawn on a zero Group, which is not usable; create it with NewGroup": func() {
				var grp greenlet.Group
				grp.Spawn(main, ret(nil))
			},
			"greenlet: Pool.Spawn on a zero Pool, which is not usable; create it with NewPool": func() {
				var p greenlet.Pool
				_, _ = p.Spawn(main, ret(nil))
			},
			"greenlet: Group.Add: nil greenlet": func() { greenlet.NewGroup(h).Add(nil) },
			"greenlet: Semaphore released past math.MaxInt free slots": func() {
				greenlet.NewSemaphore(h, math.MaxInt).Release()
			},
			"greenlet: WaitObjects: nil object at index 1": func() {
				_, _ = greenlet.WaitObjects(main, []greenlet.Waitable{greenlet.NewEvent(h), nilG}, greenlet.Within(0))
			},
			"greenlet: WaitObjects: zero *greenlet.Event at index 0, which is not usable (use its constructor)": func() {
				_, _ = greenlet.WaitObjects(main, []greenlet.Waitable{&greenlet.Event{}}, greenlet.Within(0))
			},
		}
		for want, f := range cases {
			s.Equal(strings.TrimSpace(want), panicMessage(f), want)
		}
		return nil
	})
}

package greenlet_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/greenlettest"
)

// The timing logic of the API on a virtual clock (greenlettest): which
// deadline fires, in which order, and exactly when. On a real clock these
// facts can only be asserted as lower bounds and unordered sets, since a
// busy machine stalls; here they are exact, and the delays can be long
// (minutes) at no cost. The conformance suite keeps the real-time lanes of
// the same behaviour on every core.

// elapsed returns a reader of the virtual time passed since the call.
func elapsed(main *greenlet.Greenlet) func() time.Duration {
	h := main.Hub()
	t0 := h.Now()
	return func() time.Duration { return time.Duration(h.Now() - t0) }
}

// Sleeps end in deadline order, at exactly their deadlines, whatever the
// order they were started in.
func TestTimingSleepOrder(t *testing.T) {
	greenlettest.Run(t, func(main *greenlet.Greenlet) error {
		since := elapsed(main)
		var tr tracer
		var gs []*greenlet.Greenlet
		for _, d := range []time.Duration{5 * time.Minute, time.Second, 3 * time.Minute, 0, time.Hour, 2 * time.Second} {
			gs = append(gs, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				if err := greenlet.Sleep(g, d); err != nil {
					return nil, err
				}
				tr.add("%v@%v", d, since())
				return nil, nil
			}))
		}
		if _, err := greenlet.JoinAll(main, gs, greenlet.StopOnError()); err != nil {
			return err
		}
		want := []string{"0s@0s", "1s@1s", "2s@2s", "3m0s@3m0s", "5m0s@5m0s", "1h0m0s@1h0m0s"}
		if fmt.Sprint(tr.ev) != fmt.Sprint(want) {
			t.Errorf("sleeps ended as %v, want %v", tr.ev, want)
		}
		return nil
	})
}

// SpawnLater starts greenlets in deadline order; spawn_later(0) runs after
// the greenlets spawned before it.
func TestTimingSpawnLaterOrder(t *testing.T) {
	greenlettest.Run(t, func(main *greenlet.Greenlet) error {
		since := elapsed(main)
		var tr tracer
		f := func(n string) greenlet.Func {
			return func(*greenlet.Greenlet) (any, error) { tr.add("%s@%v", n, since()); return nil, nil }
		}
		gs := []*greenlet.Greenlet{
			greenlet.SpawnLater(main, 40*time.Millisecond, f("C")),
			greenlet.Spawn(main, f("A")),
			greenlet.SpawnLater(main, 10*time.Millisecond, f("D")),
			greenlet.SpawnLater(main, 0, f("B")),
		}
		if _, err := greenlet.JoinAll(main, gs, greenlet.StopOnError()); err != nil {
			return err
		}
		want := []string{"A@0s", "B@0s", "D@10ms", "C@40ms"}
		if fmt.Sprint(tr.ev) != fmt.Sprint(want) {
			t.Errorf("started %v, want %v", tr.ev, want)
		}
		return nil
	})
}

// A Timeout fires at exactly its duration; of nested timeouts the earlier
// fires, and each is returned as itself; a cancelled one never fires.
func TestTimingTimeouts(t *testing.T) {
	greenlettest.Run(t, func(main *greenlet.Greenlet) error {
		since := elapsed(main)
		outer := greenlet.NewTimeout(2*time.Minute, nil)
		inner := greenlet.NewTimeout(time.Minute, nil)
		err := outer.Do(main, func() error {
			return inner.Do(main, func() error { return greenlet.Sleep(main, time.Hour) })
		})
		if err != inner || since() != time.Minute {
			t.Errorf("nested: %v after %v, want the inner timeout after 1m", err, since())
		}
		since = elapsed(main)
		outer = greenlet.NewTimeout(2*time.Minute, nil) // Do closed the first one, as gevent's with-block does
		inner = greenlet.NewTimeout(3*time.Minute, nil)
		err = outer.Do(main, func() error {
			return inner.Do(main, func() error { return greenlet.Sleep(main, time.Hour) })
		})
		if err != outer || since() != 2*time.Minute {
			t.Errorf("nested: %v after %v, want the outer timeout after 2m", err, since())
		}
		since = elapsed(main)
		cancelled := greenlet.NewTimeout(time.Second, nil)
		cancelled.Start(main)
		cancelled.Cancel()
		if err := greenlet.Sleep(main, time.Minute); err != nil || since() != time.Minute {
			t.Errorf("after a cancelled timeout: %v after %v", err, since())
		}
		since = elapsed(main)
		v, err := greenlet.WithTimeoutValue(main, 10*time.Second, "late", func() (string, error) {
			return "on time", greenlet.Sleep(main, 11*time.Second)
		})
		if v != "late" || err != nil || since() != 10*time.Second {
			t.Errorf("WithTimeoutValue: %q %v after %v", v, err, since())
		}
		return nil
	})
}

// Join, Get and JoinAll return at exactly their timeout on a greenlet that
// is still running, and at once when it is ready.
func TestTimingJoinTimeouts(t *testing.T) {
	greenlettest.Run(t, func(main *greenlet.Greenlet) error {
		slow := greenlet.Spawn(main, sleeper(time.Hour, "slow"))
		quick := greenlet.Spawn(main, sleeper(time.Minute, "quick"))
		since := elapsed(main)
		if _, err := slow.JoinTimeout(main, 20*time.Second); err != nil || since() != 20*time.Second || slow.Ready() {
			t.Errorf("Join(20s): %v after %v, ready %v", err, since(), slow.Ready())
		}
		since = elapsed(main)
		if _, err := slow.GetTimeout(main, 10*time.Second); !errors.Is(err, greenlet.ErrTimeout) || since() != 10*time.Second {
			t.Errorf("Get(10s): %v after %v", err, since())
		}
		since = elapsed(main)
		done, err := greenlet.JoinAll(main, []*greenlet.Greenlet{slow, quick}, greenlet.Within(5*time.Minute))
		if err != nil || len(done) != 1 || done[0] != quick || since() != 5*time.Minute {
			t.Errorf("JoinAll(5m): %v %v after %v, want [quick] after 5m", done, err, since())
		}
		other := greenlet.Spawn(main, sleeper(30*time.Second, nil))
		since = elapsed(main)
		done, err = greenlet.JoinAll(main, []*greenlet.Greenlet{slow, other}, greenlet.Within(time.Hour), greenlet.Count(1))
		if err != nil || len(done) != 1 || done[0] != other || since() != 30*time.Second {
			t.Errorf("JoinAll(count 1): %v %v after %v, want the 30s sleeper after 30s", done, err, since())
		}
		since = elapsed(main)
		if v, err := quick.GetTimeout(main, time.Second); v != "quick" || err != nil || since() != 0 {
			t.Errorf("Get of a ready greenlet: %v %v after %v", v, err, since())
		}
		return slow.Kill(main)
	})
}

// Group.Join waits for every member up to its timeout, and with raiseError
// for all of them even after one failed.
func TestTimingGroupJoin(t *testing.T) {
	boom := errors.New("boom")
	greenlettest.Run(t, func(main *greenlet.Greenlet) error {
		greenlettest.Expect(main, boom)
		grp := greenlet.NewGroup(main.Hub())
		grp.Spawn(main, sleeper(time.Hour, nil))
		since := elapsed(main)
		if ok, err := grp.Join(main, greenlet.Within(time.Minute)); ok || err != nil || since() != time.Minute {
			t.Errorf("Group.Join(1m) on a running member: %v %v after %v", ok, err, since())
		}
		if err := grp.Kill(main); err != nil {
			return err
		}
		grp.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, boom })
		grp.Spawn(main, sleeper(9*time.Second, nil))
		since = elapsed(main)
		if ok, err := grp.Join(main, greenlet.StopOnError()); !ok || err != boom || since() != 9*time.Second {
			t.Errorf("Group.Join(raiseError): %v %v after %v, want true, boom after 9s", ok, err, since())
		}
		return nil
	})
}

// Event.Wait, Queue.Get and Queue.Put with a timeout give up at exactly the
// timeout, and an Event set later wakes its waiter at the time it is set.
func TestTimingEventQueueWaits(t *testing.T) {
	greenlettest.Run(t, func(main *greenlet.Greenlet) error {
		h := main.Hub()
		ev := greenlet.NewEvent(h)
		since := elapsed(main)
		if ok, err := ev.WaitTimeout(main, 20*time.Second); ok || err != nil || since() != 20*time.Second {
			t.Errorf("Event.Wait(20s): %v %v after %v", ok, err, since())
		}
		setter := greenlet.SpawnLater(main, 7*time.Second, func(*greenlet.Greenlet) (any, error) { ev.Set(); return nil, nil })
		since = elapsed(main)
		if ok, err := ev.WaitTimeout(main, time.Minute); !ok || err != nil || since() != 7*time.Second {
			t.Errorf("Event.Wait set at 7s: %v %v after %v", ok, err, since())
		}
		q := greenlet.NewQueue[int](h, greenlet.MaxSize(1))
		since = elapsed(main)
		if _, err := q.GetTimeout(main, 3*time.Second); !errors.Is(err, greenlet.ErrEmpty) || since() != 3*time.Second {
			t.Errorf("Queue.Get(3s) on an empty queue: %v after %v", err, since())
		}
		if err := q.PutTimeout(main, 1, 0); err != nil {
			return err
		}
		since = elapsed(main)
		if err := q.PutTimeout(main, 2, 4*time.Second); !errors.Is(err, greenlet.ErrFull) || since() != 4*time.Second {
			t.Errorf("Queue.Put(4s) on a full queue: %v after %v", err, since())
		}
		return setter.Join(main)
	})
}

package greenlet_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// nap returns a body that sleeps d and returns v: a worker for the
// examples below.
func nap(d time.Duration, v any) greenlet.Func {
	return func(g *greenlet.Greenlet) (any, error) {
		if err := greenlet.Sleep(g, d); err != nil {
			return nil, err
		}
		return v, nil
	}
}

// Within bounds a whole call: JoinAll returns what finished in time (here
// nothing), and its own timeout is not an error.
func ExampleWithin() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		stuck := greenlet.Spawn(main, nap(time.Hour, "stuck"))
		done, err := greenlet.JoinAll(main, []*greenlet.Greenlet{stuck}, greenlet.Within(5*time.Millisecond))
		fmt.Println(len(done), err, stuck.Dead())
		return stuck.Kill(main)
	})
	// Output:
	// 0 <nil> false
}

// Count ends the wait once that many are ready, first come first served.
func ExampleCount() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		gs := []*greenlet.Greenlet{
			greenlet.Spawn(main, nap(time.Hour, "slow")),
			greenlet.Spawn(main, nap(0, "fast")),
		}
		done, err := greenlet.JoinAll(main, gs, greenlet.Count(1))
		fmt.Println(len(done), done[0].Value(), err)
		return greenlet.KillAll(main, gs)
	})
	// Output:
	// 1 fast <nil>
}

// StopOnError makes the first failure end the wait and be its error; the
// others keep running.
func ExampleStopOnError() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		failing := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) {
			return nil, errors.New("lookup failed")
		})
		slow := greenlet.Spawn(main, nap(time.Hour, nil))
		done, err := greenlet.JoinAll(main, []*greenlet.Greenlet{slow, failing}, greenlet.StopOnError())
		fmt.Println(len(done), err, slow.Dead())
		return slow.Kill(main)
	}, hub.WithErrorStream(nil))
	// Output:
	// 1 lookup failed false
}

// WithError chooses what a kill delivers; without it the victim receives a
// GreenletExit, which counts as success.
func ExampleWithError() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		a := greenlet.Spawn(main, nap(time.Hour, nil))
		b := greenlet.Spawn(main, nap(time.Hour, nil))
		if err := greenlet.Sleep(main, 0); err != nil { // both park
			return err
		}
		if err := a.Kill(main); err != nil {
			return err
		}
		if err := b.Kill(main, greenlet.WithError(errors.New("shutting down"))); err != nil {
			return err
		}
		fmt.Println(a.Successful(), a.Value())
		fmt.Println(b.Successful(), b.Err())
		return nil
	}, hub.WithErrorStream(nil))
	// Output:
	// true GreenletExit
	// false shutting down
}

// A call given an option it does not take panics before it does anything:
// here the greenlet is not killed.
func ExampleWaitOption() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, nap(time.Hour, nil))
		func() {
			defer func() { fmt.Println(recover()) }()
			_ = g.Kill(main, greenlet.Count(1)) //greenletvet:ignore it panics before it could return
		}()
		fmt.Println("ready:", g.Ready())
		return g.Kill(main, greenlet.Within(time.Second))
	})
	// Output:
	// greenlet: Count does not apply to Kill
	// ready: false
}

// KillAllNowait delivers the kills and returns at once; the victims end at
// their blocking calls, at the next hub pass.
func ExampleKillAllNowait() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		gs := []*greenlet.Greenlet{greenlet.Spawn(main, nap(time.Hour, nil)), greenlet.Spawn(main, nap(time.Hour, nil))}
		if err := greenlet.Sleep(main, 0); err != nil {
			return err
		}
		greenlet.KillAllNowait(gs)
		fmt.Println("dead at once:", gs[0].Dead(), gs[1].Dead())
		_, err := greenlet.JoinAll(main, gs)
		fmt.Println("dead after:", gs[0].Dead(), gs[1].Dead(), err)
		return nil
	})
	// Output:
	// dead at once: false false
	// dead after: true true <nil>
}

// Group.Join with StopOnError reports a member's failure once the group is
// empty.
func ExampleGroup_Join() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		grp := greenlet.NewGroup(main.Hub())
		for _, fn := range []greenlet.Func{nap(time.Millisecond, nil), func(*greenlet.Greenlet) (any, error) { return nil, errors.New("bad input") }} {
			if _, err := grp.Spawn(main, fn); err != nil {
				return err
			}
		}
		fmt.Println(grp.Join(main, greenlet.StopOnError()))
		return nil
	}, hub.WithErrorStream(nil))
	// Output:
	// true bad input
}

// Group.Kill kills every member and waits until the group is empty.
func ExampleGroup_Kill() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		grp := greenlet.NewGroup(main.Hub())
		for range 3 {
			if _, err := grp.Spawn(main, nap(time.Hour, nil)); err != nil {
				return err
			}
		}
		err := grp.Kill(main, greenlet.Within(time.Second))
		fmt.Println(err, grp.Len())
		return nil
	})
	// Output:
	// <nil> 0
}

// Group.KillNowait delivers the kills and returns at once: the members
// leave the group once they have ended.
func ExampleGroup_KillNowait() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		grp := greenlet.NewGroup(main.Hub())
		if _, err := grp.Spawn(main, nap(time.Hour, nil)); err != nil {
			return err
		}
		if err := greenlet.Sleep(main, 0); err != nil {
			return err
		}
		grp.KillNowait()
		fmt.Println("members right after:", grp.Len())
		ok, err := grp.Join(main)
		fmt.Println("members after Join:", grp.Len(), ok, err)
		return nil
	})
	// Output:
	// members right after: 1
	// members after Join: 0 true <nil>
}

// Iter.Next takes the greenlet that iterates, like every blocking call.
func ExampleIter_Next() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		slow := greenlet.Spawn(main, nap(5*time.Millisecond, "slow"))
		fast := greenlet.Spawn(main, nap(0, "fast"))
		it := greenlet.IWait(main, []greenlet.Waitable{slow, fast}, greenlet.Within(time.Minute))
		defer it.Close()
		for it.Next(main) {
			fmt.Println(it.Value().(*greenlet.Greenlet).Value())
		}
		return it.Err()
	})
	// Output:
	// fast
	// slow
}

// Iter.All is the same iteration as a range function.
func ExampleIter_All() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		slow := greenlet.Spawn(main, nap(5*time.Millisecond, "slow"))
		fast := greenlet.Spawn(main, nap(0, "fast"))
		it := greenlet.IWait(main, []greenlet.Waitable{slow, fast})
		for o := range it.All(main) {
			fmt.Println(o.(*greenlet.Greenlet).Value())
		}
		return it.Err()
	})
	// Output:
	// fast
	// slow
}

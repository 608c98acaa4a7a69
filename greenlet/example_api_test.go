package greenlet_test

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// Wait runs the hub until no work is left.
func ExampleWait() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			err := greenlet.Sleep(g, time.Millisecond)
			fmt.Println("worker done")
			return nil, err
		})
		fmt.Println(greenlet.Wait(main))
		return nil
	})
	// Output:
	// worker done
	// <nil>
}

// WaitTimeout reports whether the hub ran out of work (true) or the
// timeout passed first (false).
func ExampleWaitTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, sleeper(time.Millisecond, nil))
		fmt.Println(greenlet.WaitTimeout(main, time.Hour))
		stuck := greenlet.Spawn(main, sleeper(time.Hour, nil))
		fmt.Println(greenlet.WaitTimeout(main, 5*time.Millisecond))
		return stuck.Kill(main)
	})
	// Output:
	// true <nil>
	// false <nil>
}

// WaitObjects with a count returns as soon as that many objects are ready,
// in the order they became ready.
func ExampleWaitObjects() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		slow := greenlet.Spawn(main, sleeper(5*time.Millisecond, "slow"))
		fast := greenlet.Spawn(main, ret("fast"))
		first, err := greenlet.WaitObjects(main, []greenlet.Waitable{slow, fast}, greenlet.Count(1))
		fmt.Println(len(first), first[0].(*greenlet.Greenlet).Value(), err)
		all, err := greenlet.WaitObjects(main, []greenlet.Waitable{slow, fast})
		fmt.Println(len(all), slow.Value(), err)
		return nil
	})
	// Output:
	// 1 fast <nil>
	// 2 slow <nil>
}

// WithTimeoutValue passes a result through when fn finishes in time and
// returns the default, without an error, when its timeout fires.
func ExampleWithTimeoutValue() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		quick := func() (int, error) { return 1, nil }
		stuck := func() (int, error) { return 2, greenlet.Sleep(main, time.Hour) }
		fmt.Println(greenlet.WithTimeoutValue(main, time.Hour, -1, quick))
		fmt.Println(greenlet.WithTimeoutValue(main, 5*time.Millisecond, -1, stuck))
		return nil
	})
	// Output:
	// 1 <nil>
	// -1 <nil>
}

// RunOn runs the main greenlet on a hub configured beforehand with hub.New.
func ExampleRunOn() {
	h, err := hub.New(hub.WithCore("go"))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		fmt.Println(main.Hub() == h, main.Hub().Core())
		return errors.New("body failed")
	})
	fmt.Println("RunOn:", err)
	// Output:
	// true go
	// RunOn: body failed
}

// IsExit tells the errors that end a greenlet successfully from failures.
func ExampleIsExit() {
	fmt.Println(greenlet.IsExit(&greenlet.GreenletExit{}))
	fmt.Println(greenlet.IsExit(fmt.Errorf("wrapped: %w", &greenlet.GreenletExit{Msg: "bye"})))
	fmt.Println(greenlet.IsExit(hub.ErrHubDestroyed))
	fmt.Println(greenlet.IsExit(errors.New("boom")), greenlet.IsExit(nil))
	// Output:
	// true
	// true
	// true
	// false false
}

// New builds a greenlet that does not run, even across yields, until Start.
func ExampleNew() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.New(main, func(*greenlet.Greenlet) (any, error) {
			fmt.Println("body runs")
			return nil, nil
		})
		if err := greenlet.Sleep(main, 0); err != nil {
			return err
		}
		fmt.Println("after a yield, started:", g.Started())
		g.Start()
		return g.Join(main)
	})
	// Output:
	// after a yield, started: false
	// body runs
}

// NewTimeout makes an unstarted Timeout; Start arms it against the calling
// greenlet, and a custom error is what gets delivered.
func ExampleNewTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		tooSlow := errors.New("too slow")
		t := greenlet.NewTimeout(5*time.Millisecond, tooSlow)
		defer t.Close()
		fmt.Println("pending before Start:", t.Pending())
		t.Start(main)
		fmt.Println("pending after Start:", t.Pending())
		err := greenlet.Sleep(main, time.Hour)
		fmt.Println(err == tooSlow, t.IsTimeout(err))
		return nil
	})
	// Output:
	// pending before Start: false
	// pending after Start: true
	// true true
}

// A silent timeout ends its Do block without an error, but the block's work
// did stop at the timeout.
func ExampleNewSilentTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		finished := false
		err := greenlet.NewSilentTimeout(5*time.Millisecond).Do(main, func() error {
			if err := greenlet.Sleep(main, time.Hour); err != nil {
				return err
			}
			finished = true
			return nil
		})
		fmt.Println(err, finished)
		return nil
	})
	// Output:
	// <nil> false
}

// StartNew is NewTimeout plus Start; Cancel disarms it before it fires.
func ExampleStartNew() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		t := greenlet.StartNew(main, time.Hour, nil)
		fmt.Println("pending:", t.Pending())
		t.Cancel()
		fmt.Println("pending after Cancel:", t.Pending())
		t.Close()
		t = greenlet.StartNew(main, 5*time.Millisecond, nil)
		defer t.Close()
		err := greenlet.Sleep(main, time.Hour)
		fmt.Println(err == t, errors.Is(err, greenlet.ErrTimeout))
		return nil
	})
	// Output:
	// pending: true
	// pending after Cancel: false
	// true true
}

// An AsyncResult set to an error fails every Get with that error.
func ExampleNewAsyncResult() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		r := greenlet.NewAsyncResult(main.Hub())
		fmt.Println("ready:", r.Ready())
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) {
			r.SetException(errors.New("lookup failed"))
			return nil, nil
		})
		v, err := r.Get(main)
		fmt.Println(v, err, "successful:", r.Successful())
		return nil
	})
	// Output:
	// ready: false
	// <nil> lookup failed successful: false
}

// A Channel holds nothing: PutNowait fails unless a getter is already
// waiting.
func ExampleNewChannel() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		c := greenlet.NewChannel[int](main.Hub())
		fmt.Println("no getter:", errors.Is(c.PutNowait(1), greenlet.ErrFull))
		getter := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return c.Get(g)
		})
		if err := greenlet.Sleep(main, 0); err != nil { // the getter parks in Get
			return err
		}
		fmt.Println("getter waiting:", c.PutNowait(2))
		v, err := getter.Get(main)
		fmt.Println("getter got:", v, err)
		return nil
	})
	// Output:
	// no getter: true
	// getter waiting: <nil>
	// getter got: 2 <nil>
}

// Members leave a Group by themselves as they finish.
func ExampleNewGroup() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		grp := greenlet.NewGroup(main.Hub())
		a, err := grp.Spawn(main, ret("a"))
		if err != nil {
			return err
		}
		b := greenlet.New(main, ret("b"))
		grp.Add(b)
		fmt.Println("members:", grp.Len(), grp.Contains(a), grp.Contains(b))
		b.Start()
		ok, err := grp.Join(main)
		fmt.Println("joined:", ok, err, "members:", grp.Len(), a.Value(), b.Value())
		return nil
	})
	// Output:
	// members: 2 true true
	// joined: true <nil> members: 0 a b
}

// A full Pool refuses TryAdd; a finished member frees its slot.
func ExampleNewPool() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		p := greenlet.NewPool(main.Hub(), 1)
		first, err := p.Spawn(main, sleeper(time.Millisecond, nil))
		if err != nil {
			return err
		}
		second := greenlet.New(main, ret("second"))
		fmt.Println("full:", p.Full(), p.TryAdd(second))
		if err := first.Join(main); err != nil {
			return err
		}
		err = p.Start(main, second)
		fmt.Println("started:", err)
		v, err := second.Get(main)
		fmt.Println(v, err)
		return nil
	})
	// Output:
	// full: true false
	// started: <nil>
	// second <nil>
}

// An unbounded Semaphore may be released above its start value, and a
// non-blocking Acquire fails when no slot is free.
func ExampleNewSemaphore() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		s := greenlet.NewSemaphore(main.Hub(), 1)
		ok := s.TryAcquire()
		fmt.Println("first:", ok, "locked:", s.Locked())
		ok = s.TryAcquire()
		fmt.Println("second:", ok)
		s.Release()
		fmt.Println("free after two releases:", s.Release())
		return nil
	})
	// Output:
	// first: true locked: true
	// second: false
	// free after two releases: 2
}

// A Lock lets one greenlet at a time into the section it guards, even when
// the holder blocks inside it.
func ExampleNewLock() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		mu := greenlet.NewLock(main.Hub())
		worker := func(name string) greenlet.Func {
			return func(g *greenlet.Greenlet) (any, error) {
				if err := mu.Acquire(g); err != nil {
					return nil, err
				}
				defer mu.Release()
				fmt.Println(name, "enters")
				err := greenlet.Sleep(g, 0)
				fmt.Println(name, "leaves")
				return nil, err
			}
		}
		a, b := greenlet.Spawn(main, worker("a")), greenlet.Spawn(main, worker("b"))
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{a, b}, greenlet.StopOnError())
		return err
	})
	// Output:
	// a enters
	// a leaves
	// b enters
	// b leaves
}

// A LIFO queue hands out the newest item first.
func ExampleNewLifoQueue() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		q := greenlet.NewLifoQueue[string](main.Hub())
		for _, s := range []string{"a", "b", "c"} {
			if err := q.PutNowait(s); err != nil {
				return err
			}
		}
		for !q.Empty() {
			v, _ := q.GetNowait()
			fmt.Print(v, " ")
		}
		fmt.Println()
		return nil
	})
	// Output:
	// c b a
}

// A priority queue hands out the least item first, as less orders them.
func ExampleNewPriorityQueue() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		type job struct {
			prio int
			name string
		}
		q := greenlet.NewPriorityQueue(main.Hub(), func(a, b job) bool { return a.prio < b.prio })
		for _, j := range []job{{3, "low"}, {1, "urgent"}, {2, "normal"}} {
			if err := q.PutNowait(j); err != nil {
				return err
			}
		}
		for q.Len() > 0 {
			j, _ := q.GetNowait()
			fmt.Println(j.prio, j.name)
		}
		return nil
	})
	// Output:
	// 1 urgent
	// 2 normal
	// 3 low
}

// Imap yields results in input order even when later items finish first;
// an item's error stays in its MapResult.
func ExampleImap() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		p := greenlet.NewPool(main.Hub(), 3)
		it := greenlet.Imap(main, p, []int{3, 0, 2}, func(g *greenlet.Greenlet, x int) (int, error) {
			if x == 0 {
				return 0, errors.New("zero")
			}
			return 6 / x, greenlet.Sleep(g, time.Duration(x)*time.Millisecond)
		})
		defer it.Close(main)
		for it.Next(main) {
			r := it.Result()
			fmt.Println(r.Index, r.Value, r.Err)
		}
		return it.Err()
	})
	// Output:
	// 0 2 <nil>
	// 1 0 zero
	// 2 3 <nil>
}

// ImapUnordered yields each result as soon as it is ready; the set of
// results is the same as Imap's.
func ExampleImapUnordered() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		p := greenlet.NewPool(main.Hub(), 2)
		it := greenlet.ImapUnordered(main, p, []string{"x", "yy", "zzz"}, func(g *greenlet.Greenlet, s string) (int, error) {
			return len(s), greenlet.Sleep(g, 0)
		})
		defer it.Close(main)
		var lens []int
		for it.Next(main) {
			lens = append(lens, it.Result().Value)
		}
		sort.Ints(lens)
		fmt.Println(lens, it.Err())
		return nil
	})
	// Output:
	// [1 2 3] <nil>
}

// RemoveSpawnCallback stops a callback from seeing later starts.
func ExampleRemoveSpawnCallback() {
	id := greenlet.AddSpawnCallback(func(g *greenlet.Greenlet) { fmt.Println("saw", g.Name()) })
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		start := func(name string) error {
			g := greenlet.New(main, ret(nil))
			g.SetName(name)
			g.Start()
			return g.Join(main)
		}
		if err := start("before"); err != nil {
			return err
		}
		greenlet.RemoveSpawnCallback(id)
		return start("after")
	})
	// Output:
	// saw before
}

// A LinkedCompleted names the greenlet that finished; errors.As recovers it
// from the error a LinkTo target receives.
func ExampleLinkedCompleted() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		src := greenlet.New(main, ret(nil))
		src.SetName("job")
		src.LinkTo(main, greenlet.OnValue)
		src.Start()
		err := greenlet.Sleep(main, time.Hour)
		var c *greenlet.LinkedCompleted
		if errors.As(err, &c) {
			fmt.Println("source:", c.Source.Name(), c.Source == src)
		}
		return nil
	})
	// Output:
	// source: job true
}

// A panic in a greenlet body becomes its error, a *PanicError with the
// panic value; it does not crash the program.
func ExamplePanicError() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) {
			var m map[string]int
			m["x"] = 1 // a nil map write panics
			return nil, nil
		})
		_, err := g.Get(main)
		var p *greenlet.PanicError
		fmt.Println(errors.As(err, &p), g.Successful())
		fmt.Println(p.Value)
		fmt.Println("stack recorded:", len(p.Stack) > 0)
		return nil
	}, hub.WithErrorStream(nil))
	// Output:
	// true false
	// assignment to entry in nil map
	// stack recorded: true
}

// NewOn builds an unstarted greenlet from a hub alone, for code (a callback,
// a library) that has no current greenlet at hand.
func ExampleNewOn() {
	h, err := hub.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	g := greenlet.NewOn(h, ret("built before Run"))
	_ = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		g.Start()
		v, err := g.Get(main)
		fmt.Println(v, err)
		return nil
	})
	// Output:
	// built before Run <nil>
}

// A bounded semaphore catches a Release without a matching Acquire by
// panicking.
func ExampleNewBoundedSemaphore() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		s := greenlet.NewBoundedSemaphore(main.Hub(), 1)
		defer func() { fmt.Println("recovered:", recover()) }()
		s.Release()
		return nil
	})
	// Output:
	// recovered: greenlet: BoundedSemaphore released too many times
}

// A Queue with a maxsize refuses a non-blocking Put when full, and a
// non-blocking Get when empty.
func ExampleNewQueue() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		q := greenlet.NewQueue[int](main.Hub(), greenlet.MaxSize(1))
		fmt.Println(q.PutNowait(1), q.Full())
		fmt.Println(errors.Is(q.PutNowait(2), greenlet.ErrFull))
		fmt.Println(q.GetNowait())
		_, err := q.GetNowait()
		fmt.Println(errors.Is(err, greenlet.ErrEmpty))
		return nil
	})
	// Output:
	// <nil> true
	// true
	// 1 <nil>
	// true
}

// An Event's own timeout is not an error: Wait reports the flag as it is.
func ExampleNewEvent() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		e := greenlet.NewEvent(main.Hub())
		fmt.Println(e.WaitTimeout(main, time.Millisecond))
		e.Set()
		fmt.Println(e.WaitTimeout(main, time.Millisecond))
		e.Clear()
		fmt.Println("set after Clear:", e.IsSet())
		return nil
	})
	// Output:
	// false <nil>
	// true <nil>
	// set after Clear: false
}

package greenlet_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// An Event wakes every waiter, in the order they started waiting.
func ExampleEvent() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		ready := greenlet.NewEvent(main.Hub())
		var gs []*greenlet.Greenlet
		for i := range 3 {
			gs = append(gs, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				err := ready.Wait(g)
				fmt.Println("waiter", i, "woke:", ready.IsSet())
				return nil, err
			}))
		}
		if err := greenlet.Sleep(main, 0); err != nil {
			return err
		}
		ready.Set()
		err := ready.Wait(main) // queues behind the waiters
		if err != nil {
			return err
		}
		fmt.Println("main woke:", ready.IsSet())
		_, err = greenlet.JoinAll(main, gs, greenlet.StopOnError())
		return err
	})
	// Output:
	// waiter 0 woke: true
	// waiter 1 woke: true
	// waiter 2 woke: true
	// main woke: true
}

// An AsyncResult is a future: set by one greenlet, awaited by another, and
// a link target for a greenlet's outcome.
func ExampleAsyncResult() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		r := greenlet.NewAsyncResult(main.Hub())
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			r.Set("answer")
			return nil, nil
		})
		fmt.Println(r.Get(main))

		failed := greenlet.NewAsyncResult(main.Hub())
		g := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { return nil, &greenlet.GreenletExit{} })
		g.Rawlink(failed.Receive)
		v, err := failed.GetTimeout(main, time.Second)
		fmt.Println(v, err)
		_, err = greenlet.NewAsyncResult(main.Hub()).GetTimeout(main, time.Millisecond)
		fmt.Println(errors.Is(err, greenlet.ErrTimeout))
		return nil
	})
	// Output:
	// answer <nil>
	// GreenletExit <nil>
	// true
}

// IWait yields objects as they become ready; WaitObjects collects them.
func ExampleIWait() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		slow := greenlet.Spawn(main, sleeper(5*time.Millisecond, "slow"))
		fast := greenlet.Spawn(main, ret("fast"))
		it := greenlet.IWait(main, []greenlet.Waitable{slow, fast})
		defer it.Close()
		for it.Next(main) {
			fmt.Println(it.Value().(*greenlet.Greenlet).Value())
		}
		e := greenlet.NewEvent(main.Hub())
		got, err := greenlet.WaitObjects(main, []greenlet.Waitable{e}, greenlet.Within(time.Millisecond))
		fmt.Println(len(got), err)
		return it.Err()
	})
	// Output:
	// fast
	// slow
	// 0 <nil>
}

// A Queue hands items from producers to consumers; Join waits until every
// item was marked done.
func ExampleQueue() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		q := greenlet.NewQueue[int](main.Hub(), greenlet.MaxSize(2))
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for {
				v, err := q.Get(g)
				if err != nil {
					return nil, nil // shut down
				}
				fmt.Println("got", v)
				_ = q.TaskDone()
			}
		})
		for i := range 4 {
			if err := q.Put(main, i); err != nil {
				return err
			}
		}
		err := q.Join(main)
		fmt.Println("all done:", q.Unfinished() == 0, err)
		q.Shutdown()
		return greenlet.Sleep(main, 0)
	})
	// Output:
	// got 0
	// got 1
	// got 2
	// got 3
	// all done: true <nil>
}

// A Channel is a rendezvous: Put returns once a getter took the item.
func ExampleChannel() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		c := greenlet.NewChannel[string](main.Hub())
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			v, err := c.Get(g)
			fmt.Println("received", v)
			return nil, err
		})
		fmt.Println("sending")
		err := c.Put(main, "ping")
		fmt.Println("sent", err)
		return err
	})
	// Output:
	// sending
	// received ping
	// sent <nil>
}

// A Semaphore bounds concurrency; slots are handed out in FIFO order.
func ExampleSemaphore() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		sem := greenlet.NewBoundedSemaphore(main.Hub(), 1)
		var gs []*greenlet.Greenlet
		for i := range 3 {
			gs = append(gs, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				if err := sem.Acquire(g); err != nil {
					return nil, err
				}
				defer sem.Release()
				fmt.Println("in", i)
				return nil, greenlet.Sleep(g, time.Millisecond)
			}))
		}
		_, err := greenlet.JoinAll(main, gs, greenlet.StopOnError())
		fmt.Println("free:", sem.Counter())
		return err
	})
	// Output:
	// in 0
	// in 1
	// in 2
	// free: 1
}

// A Group joins or kills its members together.
func ExampleGroup() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		grp := greenlet.NewGroup(main.Hub())
		for _, body := range []greenlet.Func{ret(nil), sleeper(time.Hour, nil)} {
			if _, err := grp.Spawn(main, body); err != nil {
				return err
			}
		}
		ok, err := grp.Join(main, greenlet.Within(5*time.Millisecond))
		fmt.Println("joined:", ok, err, "left:", grp.Len())
		err = grp.Kill(main)
		fmt.Println("killed:", err, "left:", grp.Len())
		return nil
	})
	// Output:
	// joined: false <nil> left: 1
	// killed: <nil> left: 0
}

// A Pool of 2 makes the third Spawn wait for a free slot.
func ExamplePool() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		p := greenlet.NewPool(main.Hub(), 2)
		for i := range 3 {
			if _, err := p.Spawn(main, sleeper(time.Millisecond, i)); err != nil {
				return err
			}
			fmt.Println("spawned", i)
		}
		ok, err := p.Join(main)
		fmt.Println("joined:", ok, err, "free:", p.FreeCount())
		return nil
	})
	// Output:
	// spawned 0
	// spawned 1
	// spawned 2
	// joined: true <nil> free: 2
}

// Map runs a function over inputs on a pool and keeps the input order.
func ExampleMap() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		p := greenlet.NewPool(main.Hub(), 2)
		squares, err := greenlet.Map(main, p, []int{1, 2, 3, 4}, func(g *greenlet.Greenlet, x int) (int, error) {
			return x * x, greenlet.Sleep(g, time.Duration(5-x)*time.Millisecond)
		})
		fmt.Println(squares, err)
		return err
	})
	// Output:
	// [1 4 9 16] <nil>
}

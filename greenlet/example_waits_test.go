package greenlet_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// MaxSize bounds a queue; without it a queue is unbounded.
func ExampleMaxSize() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		bounded := greenlet.NewQueue[int](main.Hub(), greenlet.MaxSize(2))
		unbounded := greenlet.NewQueue[int](main.Hub())
		fmt.Println(bounded.MaxSize())
		fmt.Println(unbounded.MaxSize())
		return nil
	})
	// Output:
	// 2 true
	// 0 false
}

// GetTimeout gives up with ErrEmpty when no item comes in time.
func ExampleQueue_GetTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		q := greenlet.NewQueue[string](main.Hub())
		_, err := q.GetTimeout(main, time.Millisecond)
		fmt.Println(errors.Is(err, greenlet.ErrEmpty))
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, q.Put(g, "late") })
		fmt.Println(q.GetTimeout(main, time.Hour))
		return nil
	})
	// Output:
	// true
	// late <nil>
}

// PutTimeout gives up with ErrFull when no room is made in time.
func ExampleQueue_PutTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		q := greenlet.NewQueue[int](main.Hub(), greenlet.MaxSize(1))
		fmt.Println(q.PutTimeout(main, 1, time.Hour)) // room: no wait
		err := q.PutTimeout(main, 2, time.Millisecond)
		fmt.Println(errors.Is(err, greenlet.ErrFull), q.Len())
		return nil
	})
	// Output:
	// <nil>
	// true 1
}

// Peek and its forms look at the next item without taking it.
func ExampleQueue_PeekTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		q := greenlet.NewQueue[int](main.Hub())
		_, err := q.PeekNowait()
		fmt.Println(errors.Is(err, greenlet.ErrEmpty))
		_, err = q.PeekTimeout(main, time.Millisecond)
		fmt.Println(errors.Is(err, greenlet.ErrEmpty))
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { return nil, q.PutNowait(5) })
		v, err := q.Peek(main)
		fmt.Println(v, err, "left:", q.Len())
		return nil
	})
	// Output:
	// true
	// true
	// 5 <nil> left: 1
}

// JoinTimeout reports whether every item was marked done in time.
func ExampleQueue_JoinTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		q := greenlet.NewQueue[int](main.Hub())
		if err := q.PutNowait(1); err != nil {
			return err
		}
		fmt.Println(q.JoinTimeout(main, time.Millisecond))
		if _, err := q.GetNowait(); err != nil {
			return err
		}
		if err := q.TaskDone(); err != nil {
			return err
		}
		fmt.Println(q.JoinTimeout(main, time.Millisecond))
		return nil
	})
	// Output:
	// false <nil>
	// true <nil>
}

// Shutdown lets getters drain the queue; ShutdownNow drops what is left.
func ExampleQueue_ShutdownNow() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		drained := greenlet.NewQueue[int](main.Hub())
		dropped := greenlet.NewQueue[int](main.Hub())
		for _, q := range []*greenlet.Queue[int]{drained, dropped} {
			if err := q.PutNowait(1); err != nil {
				return err
			}
		}
		drained.Shutdown()
		dropped.ShutdownNow()
		fmt.Println(drained.GetNowait())
		_, err := drained.GetNowait()
		fmt.Println(err)
		_, err = dropped.GetNowait()
		fmt.Println(err, "unfinished:", dropped.Unfinished())
		fmt.Println(drained.PutNowait(2))
		return nil
	})
	// Output:
	// 1 <nil>
	// greenlet: queue shut down
	// greenlet: queue shut down unfinished: 0
	// greenlet: queue shut down
}

// A Channel's timed Put fails with ErrFull when no getter takes the item.
func ExampleChannel_PutTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		c := greenlet.NewChannel[int](main.Hub())
		err := c.PutTimeout(main, 1, time.Millisecond)
		fmt.Println(errors.Is(err, greenlet.ErrFull))
		_, err = c.GetTimeout(main, time.Millisecond)
		fmt.Println(errors.Is(err, greenlet.ErrEmpty))
		_, err = c.GetNowait()
		fmt.Println(errors.Is(err, greenlet.ErrEmpty))
		return nil
	})
	// Output:
	// true
	// true
	// true
}

// AcquireTimeout reports whether a slot came in time; TryAcquire never
// waits.
func ExampleSemaphore_AcquireTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		s := greenlet.NewSemaphore(main.Hub(), 1)
		fmt.Println(s.TryAcquire(), s.TryAcquire())
		fmt.Println(s.AcquireTimeout(main, time.Millisecond))
		s.Release()
		fmt.Println(s.AcquireTimeout(main, time.Millisecond))
		return nil
	})
	// Output:
	// true false
	// false <nil>
	// true <nil>
}

// Wait and WaitTimeout wait for a free slot without taking it.
func ExampleSemaphore_WaitTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		s := greenlet.NewSemaphore(main.Hub(), 0)
		fmt.Println(s.WaitTimeout(main, time.Millisecond))
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { s.Release(); return nil, nil })
		fmt.Println(s.Wait(main))
		fmt.Println("still free:", s.Counter())
		return nil
	})
	// Output:
	// 0 <nil>
	// 1 <nil>
	// still free: 1
}

// Wait blocks until the flag is set; WaitTimeout reports whether it was.
func ExampleEvent_WaitTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		e := greenlet.NewEvent(main.Hub())
		fmt.Println(e.WaitTimeout(main, time.Millisecond))
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { e.Set(); return nil, nil })
		fmt.Println(e.Wait(main))
		return nil
	})
	// Output:
	// false <nil>
	// <nil>
}

// GetTimeout fails with a *Timeout when no outcome comes in time; Ready
// with Value and Err is the form that does not wait.
func ExampleAsyncResult_GetTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		r := greenlet.NewAsyncResult(main.Hub())
		_, err := r.GetTimeout(main, time.Millisecond)
		fmt.Println(errors.Is(err, greenlet.ErrTimeout), r.Ready())
		r.Set(42)
		fmt.Println(r.GetTimeout(main, time.Millisecond))
		fmt.Println(r.Ready(), r.Value(), r.Err())
		return nil
	})
	// Output:
	// true false
	// 42 <nil>
	// true 42 <nil>
}

// Wait and WaitTimeout return the value but never the stored failure.
func ExampleAsyncResult_WaitTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		r := greenlet.NewAsyncResult(main.Hub())
		fmt.Println(r.WaitTimeout(main, time.Millisecond))
		r.SetException(errors.New("boom"))
		fmt.Println(r.Wait(main))
		_, err := r.Get(main)
		fmt.Println(err)
		return nil
	})
	// Output:
	// <nil> <nil>
	// <nil> <nil>
	// boom
}

package hub_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// New chooses a core (gevent's core): "go" is in every build; GEVENT_CORE
// picks one when WithCore is not given; a missing core is an error.
func ExampleNew() {
	h, err := hub.New(hub.WithCore("go"), hub.WithSwitchInterval(time.Millisecond))
	fmt.Println(h.Core(), err)
	_, err = hub.New(hub.WithCore("nope"))
	fmt.Println(err != nil)
	// Output:
	// go <nil>
	// true
}

// Post is the door into a hub from another goroutine; Ref keeps the main
// greenlet from LoopExit while the other goroutine works.
func ExampleHub_Post() {
	h, err := hub.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	err = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		result := greenlet.NewAsyncResult(h)
		h.Ref()
		go func() {
			_ = h.Post(func() { result.Set("result from a goroutine"); h.Unref() })
		}()
		v, err := result.Get(main)
		fmt.Println(v)
		return err
	})
	fmt.Println(err)
	// Output:
	// result from a goroutine
	// <nil>
}

// WithBlockingLimit bounds how many functions greenlet.Blocking runs at
// once; the others wait for a slot, first come first served.
func ExampleWithBlockingLimit() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		for i := range 3 {
			if _, err := greenlet.Blocking(main, func(ctx context.Context) (int, error) {
				fmt.Println("call", i)
				return i, nil
			}); err != nil {
				return err
			}
		}
		return nil
	}, hub.WithBlockingLimit(1))
	fmt.Println("Run:", err)
	_, err = hub.New(hub.WithBlockingLimit(0))
	fmt.Println(err)
	// Output:
	// call 0
	// call 1
	// call 2
	// Run: <nil>
	// hub: blocking limit must be positive, got 0
}

// Done tells a goroutine that the hub it wanted to post to is gone, so that
// it stops waiting; Post then returns ErrClosed.
func ExampleHub_Done() {
	h, err := hub.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := greenlet.RunOn(h, func(main *greenlet.Greenlet) error { return nil }); err != nil {
		fmt.Println(err)
		return
	}
	<-h.Done()
	fmt.Println(h.Destroyed(), errors.Is(h.Post(func() {}), hub.ErrClosed))
	// Output:
	// true true
}

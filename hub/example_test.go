package hub_test

import (
	"fmt"
	"time"

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
	h, _ := hub.New()
	err := h.Run(func(main *hub.G) error {
		var w hub.Waiter
		h.Ref()
		go func() {
			_ = h.Post(func() { w.Switch("result from a goroutine"); h.Unref() })
		}()
		v, err := w.Get(main)
		fmt.Println(v)
		return err
	})
	fmt.Println(err)
	// Output:
	// result from a goroutine
	// <nil>
}

// A Waiter passes one value to one parked G; Park and Wake with a Token are
// the primitives under it.
func ExampleWaiter() {
	h, _ := hub.New()
	_ = h.Run(func(main *hub.G) error {
		var w hub.Waiter
		g := &hub.G{Owner: named("waiter")}
		g.Init(h, func(g *hub.G) {
			v, err := w.Get(g)
			fmt.Println("got", v, err)
		})
		h.Start(g)
		if err := main.Yield(); err != nil { // g runs and parks in Get
			return err
		}
		fmt.Println(w.String())
		w.Switch(25)
		return main.Yield()
	})
	// Output:
	// <Waiter greenlet=waiter>
	// got 25 <nil>
}

type named string

func (n named) String() string { return string(n) }

package sched_test

import (
	"errors"
	"fmt"

	"github.com/gevent-go/gevent/internal/sched"
)

// A Waiter passes one value to one parked G; Park and Wake with a Token are
// the primitives under it.
func ExampleWaiter() {
	h, _ := sched.New()
	_ = h.Run(func(main *sched.G) error {
		var w sched.Waiter
		g := &sched.G{Owner: named("waiter")}
		g.Init(h, func(g *sched.G) {
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

// NewPanicError, called where a panic was recovered, keeps the value and
// unwraps to it when it is an error.
func ExampleNewPanicError() {
	cause := errors.New("disk gone")
	var p *sched.PanicError
	func() {
		defer func() { p = sched.NewPanicError(recover()) }()
		panic(cause)
	}()
	fmt.Println(p, errors.Is(p, cause), len(p.Stack) > 0)
	// Output:
	// panic: disk gone true true
}

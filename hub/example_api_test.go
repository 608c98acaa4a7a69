package hub_test

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gevent-go/gevent/hub"
)

// Cores lists this build's cores, sorted; "go" is in every build, while "c"
// needs cgo, so ask Cores rather than assuming it.
func ExampleCores() {
	cores := hub.Cores()
	fmt.Println("has go:", slices.Contains(cores, "go"))
	fmt.Println("sorted:", slices.IsSorted(cores))
	fmt.Println("default offered:", slices.Contains(cores, hub.DefaultCore()))
	// Output:
	// has go: true
	// sorted: true
	// default offered: true
}

// WithCore pins a hub to a core whatever GEVENT_CORE says; the hub reports
// the core it got.
func ExampleWithCore() {
	h, err := hub.New(hub.WithCore("go"))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = h.Run(func(main *hub.G) error {
		fmt.Println("running on", main.Hub().Core())
		return main.SleepFor(time.Millisecond, "example")
	})
	fmt.Println("Run:", err)
	// Output:
	// running on go
	// Run: <nil>
}

// A main greenlet parked with nothing that could wake it gets a *LoopExit
// (ErrLoopExit) instead of hanging, and the hub stays usable afterwards.
func ExampleLoopExit() {
	h, _ := hub.New()
	err := h.Run(func(main *hub.G) error {
		var w hub.Waiter
		_, err := w.Get(main) // nobody will ever Switch w
		var le *hub.LoopExit
		fmt.Println(errors.Is(err, hub.ErrLoopExit), errors.As(err, &le), le.Parked)
		fmt.Println("after LoopExit:", main.Yield())
		return nil
	})
	fmt.Println("Run:", err)
	// Output:
	// true true 1
	// after LoopExit: <nil>
	// Run: <nil>
}

// An ErrorHandler sees each greenlet failure, such as a panic turned into a
// *PanicError, in place of the printed report.
func ExampleWithErrorHandler() {
	h, _ := hub.New(hub.WithErrorHandler(func(h *hub.Hub, source any, err error) {
		var p *hub.PanicError
		fmt.Println("handler:", source, errors.As(err, &p), p.Value)
	}))
	err := h.Run(func(main *hub.G) error {
		g := &hub.G{Owner: named("worker")}
		g.Init(h, func(*hub.G) { panic("worker broke") })
		h.Start(g)
		return main.Yield()
	})
	fmt.Println("Run:", err)
	// Output:
	// handler: worker true worker broke
	// Run: <nil>
}

// DefaultCore is the core used when neither WithCore nor GEVENT_CORE names
// one: the C core whenever the build has it.
func ExampleDefaultCore() {
	fmt.Println(hub.DefaultCore() == "c" == slices.Contains(hub.Cores(), "c"))
	// Output:
	// true
}

// exitErr ends a greenlet successfully, as a subclass of GreenletExit does.
type exitErr struct{}

func (exitErr) Error() string { return "exit" }
func (exitErr) GreenletExit() {}

// IsExit looks through wrapping for an ExitError.
func ExampleIsExit() {
	fmt.Println(hub.IsExit(fmt.Errorf("ctx: %w", exitErr{})))
	fmt.Println(hub.IsExit(hub.ErrHubDestroyed))
	fmt.Println(hub.IsExit(errors.New("failure")))
	// Output:
	// true
	// true
	// false
}

// NewPanicError, called where a panic was recovered, keeps the value and
// unwraps to it when it is an error.
func ExampleNewPanicError() {
	cause := errors.New("disk gone")
	var p *hub.PanicError
	func() {
		defer func() { p = hub.NewPanicError(recover()) }()
		panic(cause)
	}()
	fmt.Println(p, errors.Is(p, cause), len(p.Stack) > 0)
	// Output:
	// panic: disk gone true true
}

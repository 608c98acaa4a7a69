package hub_test

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gevent-go/gevent/greenlet"
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
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		fmt.Println("running on", main.Hub().Core())
		return greenlet.Sleep(main, time.Millisecond)
	}, hub.WithCore("go"))
	fmt.Println("Run:", err)
	// Output:
	// running on go
	// Run: <nil>
}

// A main greenlet parked with nothing that could wake it gets a *LoopExit
// (ErrLoopExit) instead of hanging, and the hub stays usable afterwards.
func ExampleLoopExit() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		never := greenlet.NewEvent(main.Hub())
		err := never.Wait(main) // nobody will ever Set it
		var le *hub.LoopExit
		fmt.Println(errors.Is(err, hub.ErrLoopExit), errors.As(err, &le), le.Parked)
		fmt.Println("after LoopExit:", greenlet.Sleep(main, 0))
		return nil
	})
	fmt.Println("Run:", err)
	// Output:
	// true true 1
	// after LoopExit: <nil>
	// Run: <nil>
}

// An ErrorHandler sees each greenlet failure nobody looked at, such as a
// panic turned into a *PanicError, in place of the printed report.
func ExampleWithErrorHandler() {
	handler := func(h *hub.Hub, source any, err error) {
		var p *hub.PanicError
		g, _ := source.(*greenlet.Greenlet)
		fmt.Println("handler:", g.Name(), errors.As(err, &p), p.Value)
	}
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { panic("worker broke") })
		g.SetName("worker")
		return greenlet.Sleep(main, 0)
	}, hub.WithErrorHandler(handler))
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

package hub_test

import (
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// RunInfo lists what each greenlet of a hub is doing, in launch order: here
// the main greenlet that asked, and a worker parked in a sleep. (Name is the
// greenlet's String, which includes its address.)
func ExampleHub_RunInfo() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, greenlet.Sleep(g, time.Hour) // stopped when Run ends
		})
		if err := greenlet.Sleep(main, 0); err != nil { // the worker runs and parks
			return err
		}
		info, err := main.Hub().RunInfo()
		if err != nil {
			return err
		}
		for _, g := range info.Greenlets {
			line := g.State
			if g.ParkedOn != "" {
				line += " at " + g.ParkedOn
			}
			fmt.Println(line)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// running
	// parked at greenlet: Sleep
}

package hub_test

import (
	"fmt"
	"time"

	"github.com/gevent-go/gevent/hub"
)

// RunInfo lists what each greenlet of a hub is doing: here a worker parked
// in a sleep, and the main G that asked.
func ExampleHub_RunInfo() {
	h, err := hub.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	err = h.Run(func(main *hub.G) error {
		main.Owner = named("main")
		worker := &hub.G{Owner: named("worker")}
		worker.Init(h, func(g *hub.G) {
			if err := g.SleepFor(time.Hour, "example: sleep"); err != nil {
				return // stopped when Run ends
			}
		})
		h.Start(worker)
		if err := main.Yield(); err != nil { // the worker runs and parks
			return err
		}
		info, err := h.RunInfo()
		if err != nil {
			return err
		}
		for _, g := range info.Greenlets {
			line := g.Name + ": " + g.State
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
	// main: running
	// worker: parked at example: sleep
}

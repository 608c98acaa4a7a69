//go:build cgo && !purego

package hub_test

import (
	"fmt"

	ccore "github.com/gevent-go/gevent/cgo"
	"github.com/gevent-go/gevent/hub"
)

// ExampleHub_SpawnC shows a C function running as a greenlet of a hub on the
// C core, next to Go code: the main G waits for it, and a link runs when it
// has ended (links and waiters are notified in the order they came).
func ExampleHub_SpawnC() {
	h, _ := hub.New(hub.WithCore("c"))
	_ = h.Run(func(main *hub.G) error {
		// BodySleep sleeps arg ms in C, then returns arg as its value.
		c, err := h.SpawnC(ccore.BodySleep, 2)
		if err != nil {
			return err
		}
		c.Link(func(c *hub.CGreenlet) { fmt.Println("link: ended with status", c.Status()) })
		if err := c.Wait(main); err != nil {
			return err
		}
		fmt.Println("value", c.Value(), "successful", c.Successful())
		return nil
	})
	// Output:
	// link: ended with status 0
	// value 2 successful true
}

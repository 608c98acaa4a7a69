//go:build cgo && !purego

package hub_test

import (
	"fmt"

	ccore "github.com/gevent-go/gevent/cgo"
	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// ExampleHub_SpawnC shows a C function running as a greenlet of a hub on the
// C core, next to Go code: the main greenlet waits for it, and a link runs
// when it has ended (links and waiters are notified in the order they came).
func ExampleHub_SpawnC() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		// BodySleep sleeps arg ms in C, then returns arg as its value.
		c, err := main.Hub().SpawnC(ccore.BodySleep, 2)
		if err != nil {
			return err
		}
		c.Link(func(c *hub.CGreenlet) { fmt.Println("link: ended with status", c.Status()) })
		if err := c.Wait(); err != nil {
			return err
		}
		fmt.Println("value", c.Value(), "successful", c.Successful())
		return nil
	}, hub.WithCore("c"))
	// Output:
	// link: ended with status 0
	// value 2 successful true
}

//go:build cgo && !purego

package greenlet_test

import (
	"fmt"

	ccore "github.com/gevent-go/gevent/cgo"
	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// ExampleSpawnC shows a C function running as a greenlet next to a Go
// greenlet: JoinAll reports them in the order they finished (the Go one
// does not block, so it ends first), and Get returns the C body's value.
func ExampleSpawnC() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		// BodySleep sleeps arg ms in C, then returns arg as its value.
		c, err := greenlet.SpawnC(main, ccore.BodySleep, 40)
		if err != nil {
			return err
		}
		c.SetName("c40")
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return "go", nil })
		g.SetName("go")
		done, err := greenlet.JoinAll(main, []*greenlet.Greenlet{c, g}, greenlet.StopOnError())
		if err != nil {
			return err
		}
		fmt.Println(done[0].Name(), done[1].Name())
		v, err := c.Get(main)
		fmt.Println(v, err)
		return nil
	}, hub.WithCore("c"))
	fmt.Println(err)
	// Output:
	// go c40
	// 40 <nil>
	// <nil>
}

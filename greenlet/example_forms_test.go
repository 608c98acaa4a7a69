package greenlet_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// GetTimeout gives up after its duration with a *Timeout; the greenlet
// goes on.
func ExampleGreenlet_GetTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, nap(time.Hour, "late"))
		_, err := g.GetTimeout(main, 5*time.Millisecond)
		fmt.Println(errors.Is(err, greenlet.ErrTimeout), g.Dead())
		return g.Kill(main)
	})
	// Output:
	// true false
}

// A Typed greenlet's Get returns its body's T.
func ExampleTyped_Get() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		t := greenlet.SpawnTyped(main, func(*greenlet.Greenlet) ([]string, error) {
			return []string{"a", "b"}, nil
		})
		names, err := t.Get(main)
		fmt.Println(len(names), names[1], err)
		return nil
	})
	// Output:
	// 2 b <nil>
}

// Typed.GetTimeout is GetTimeout with the value as a T: the zero T with
// the *Timeout.
func ExampleTyped_GetTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		t := greenlet.SpawnTyped(main, func(g *greenlet.Greenlet) (int, error) {
			return 42, greenlet.Sleep(g, 20*time.Millisecond)
		})
		n, err := t.GetTimeout(main, time.Millisecond)
		fmt.Println(n, errors.Is(err, greenlet.ErrTimeout))
		n, err = t.GetTimeout(main, time.Minute)
		fmt.Println(n, err)
		return nil
	})
	// Output:
	// 0 true
	// 42 <nil>
}

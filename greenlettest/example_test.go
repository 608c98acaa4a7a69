package greenlettest_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/greenlettest"
)

// A scenario of ten minutes runs at once, with exact virtual timestamps; a
// body that forgets a greenlet is caught. In a test, greenlettest.Run(t,
// body) reports the same problems through t.
func ExampleCheck() {
	slow := func(g *greenlet.Greenlet) (any, error) {
		if err := greenlet.Sleep(g, 10*time.Minute); err != nil {
			return nil, err
		}
		return "done", nil
	}
	err := greenlettest.Check(func(main *greenlet.Greenlet) error {
		at := func() time.Duration { return time.Duration(main.Hub().Now()) }
		g := greenlet.Spawn(main, slow)
		_, err := g.GetTimeout(main, 5*time.Minute)
		fmt.Printf("%v: Get: %v\n", at(), errors.Is(err, greenlet.ErrTimeout))
		v, err := g.Get(main)
		fmt.Printf("%v: Get: %v %v\n", at(), v, err)
		return nil
	})
	fmt.Println("clean:", err)

	err = greenlettest.Check(func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, slow) // never joined
		return nil
	})
	fmt.Println(err)
	// Output:
	// 5m0s: Get: true
	// 10m0s: Get: done <nil>
	// clean: <nil>
	// greenlettest: left running when the body returned: 0 greenlets besides main, 1 callbacks queued (greenlets not started yet among them), 0 timers armed, 0 refs held
}

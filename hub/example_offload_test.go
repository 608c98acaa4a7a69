package hub_test

import (
	"context"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/hub"
)

// Offload runs a blocking function on a goroutine and parks only the calling
// G; most programs use greenlet.Blocking, its typed form.
func ExampleHub_Offload() {
	h, err := hub.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	err = h.Run(func(main *hub.G) error {
		var answer string
		err := h.Offload(main, func(ctx context.Context) {
			time.Sleep(time.Millisecond) // stands for any blocking Go call
			answer = "done"
		})
		fmt.Println(answer, err)
		return err
	})
	fmt.Println("Run:", err)
	// Output:
	// done <nil>
	// Run: <nil>
}

// WithBlockingLimit bounds how many offloaded functions run at once; the
// others wait for a slot, first come first served.
func ExampleWithBlockingLimit() {
	h, err := hub.New(hub.WithBlockingLimit(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = h.Run(func(main *hub.G) error {
		for i := range 3 {
			if err := h.Offload(main, func(ctx context.Context) { fmt.Println("call", i) }); err != nil {
				return err
			}
		}
		return nil
	})
	fmt.Println("Run:", err)
	_, err = hub.New(hub.WithBlockingLimit(0))
	fmt.Println(err)
	// Output:
	// call 0
	// call 1
	// call 2
	// Run: <nil>
	// hub: blocking limit must be positive, got 0
}

package sched_test

import (
	"context"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/internal/sched"
)

// Offload runs a blocking function on a goroutine and parks only the calling
// G; most programs use greenlet.Blocking, its typed form.
func ExampleHub_Offload() {
	h, err := sched.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	err = h.Run(func(main *sched.G) error {
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

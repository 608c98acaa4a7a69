package greenlet_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// Blocking runs a call that would freeze the hub (here time.Sleep, standing
// for any Go I/O) on a goroutine: only the caller waits, and the other
// greenlets run meanwhile.
func ExampleBlocking() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		other := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			fmt.Println("another greenlet runs meanwhile")
			return nil, nil
		})
		answer, err := greenlet.Blocking(main, func(ctx context.Context) (string, error) {
			time.Sleep(10 * time.Millisecond)
			return "slow answer", nil
		})
		if err != nil {
			return err
		}
		fmt.Println(answer)
		return other.Join(main)
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// another greenlet runs meanwhile
	// slow answer
}

// Context hands a greenlet's lifetime to code outside the hub: a goroutine
// watching it learns that the greenlet was killed, and why.
func ExampleGreenlet_Context() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		worker := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, greenlet.Sleep(g, time.Hour)
		})
		ctx := worker.Context()
		stopped := make(chan error, 1)
		go func() {
			<-ctx.Done()
			stopped <- context.Cause(ctx)
		}()
		if err := worker.Kill(main, greenlet.WithError(&greenlet.GreenletExit{Msg: "shutting down"})); err != nil {
			return err
		}
		cause, err := greenlet.Blocking(main, func(context.Context) (error, error) { return <-stopped, nil })
		if err != nil {
			return err
		}
		fmt.Println("goroutine saw:", cause)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// goroutine saw: GreenletExit: shutting down
}

// SpawnContext ties a greenlet to a context: when the context's deadline
// passes, the greenlet is killed at its blocking call.
func ExampleSpawnContext() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		g := greenlet.SpawnContext(ctx, main, func(g *greenlet.Greenlet) (any, error) {
			if err := greenlet.Sleep(g, time.Hour); err != nil {
				return nil, err // the context's end, as a kill
			}
			return "finished", nil
		})
		if err := g.Join(main); err != nil {
			return err
		}
		end, _ := g.Value().(error)
		fmt.Println("successful:", g.Successful())
		fmt.Println("deadline exceeded:", errors.Is(end, context.DeadlineExceeded))
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// successful: true
	// deadline exceeded: true
}

// WaitContext parks a greenlet until a context is done, here cancelled with a
// cause by another goroutine; the hub stays alive while it waits.
func ExampleWaitContext() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		ctx, cancel := context.WithCancelCause(context.Background())
		go func() {
			time.Sleep(5 * time.Millisecond)
			cancel(errors.New("operator pressed stop"))
		}()
		err := greenlet.WaitContext(main, ctx)
		fmt.Println(err)
		fmt.Println("canceled:", errors.Is(err, context.Canceled))
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// greenlet: context done: operator pressed stop
	// canceled: true
}

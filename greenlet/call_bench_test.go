package greenlet_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// Budgets for Call (issue 14), read as ratios of ns/op in one run:
//   BenchmarkCall/busy / BenchmarkBaselineChanPingPong           <= 2 (the aim;
//     a busy hub is another running thread, so BenchmarkBaselineBusyThreadRoundTrip
//     is the floor on a loaded machine)
//   BenchmarkCall/idle / BenchmarkBaselineLockedThreadRoundTrip  <= 1

// BenchmarkBaselineLockedThreadRoundTrip is a channel round trip to a
// goroutine locked to its OS thread that sleeps between messages, as an idle
// hub does: what waking a sleeping hub costs at least.
func BenchmarkBaselineLockedThreadRoundTrip(b *testing.B) {
	chanRoundTrip(b, 0, true)
}

// BenchmarkBaselineBusyThreadRoundTrip is a channel round trip to a
// goroutine locked to its OS thread that never sleeps (it polls), as a busy
// hub: what crossing to another running thread costs on this machine.
func BenchmarkBaselineBusyThreadRoundTrip(b *testing.B) {
	b.ReportAllocs()
	in, out := make(chan int, 1), make(chan int, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for {
			select {
			case v, ok := <-in:
				if !ok {
					close(out)
					return
				}
				out <- v + 1
			default:
			}
		}
	}()
	for i := 0; b.Loop(); i++ {
		in <- i
		for {
			select {
			case <-out:
			default:
				runtime.Gosched()
				continue
			}
			break
		}
	}
	close(in)
	<-out
}

// BenchmarkCall is one greenlet.Call from a goroutine: post, spawn, run,
// result back. idle: the hub sleeps between calls; busy: another greenlet
// of the hub keeps it running (a Sleep(0) loop).
func BenchmarkCall(b *testing.B) {
	for _, busy := range []bool{false, true} {
		name := "idle"
		if busy {
			name = "busy"
		}
		b.Run(name, func(b *testing.B) {
			h, err := hub.New()
			if err != nil {
				b.Fatal(err)
			}
			h.Ref()
			var stop atomic.Bool
			ended := make(chan error, 1)
			go func() {
				ended <- greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
					if busy {
						greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
							for !stop.Load() {
								if err := greenlet.Sleep(g, 0); err != nil {
									return nil, err
								}
							}
							return nil, nil
						})
					}
					return greenlet.Shutdown(main)
				})
			}()
			ctx := context.Background()
			fn := func(g *greenlet.Greenlet) (int, error) { return 1, nil }
			b.ReportAllocs()
			for b.Loop() {
				if _, err := greenlet.Call(ctx, h, fn); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			stop.Store(true)
			h.Unref()
			if err := <-ended; err != nil {
				b.Fatal(err)
			}
		})
	}
}

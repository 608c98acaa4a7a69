package greenlet_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// Benchmarks of Event, Queue and Channel, each beside a goroutine baseline
// doing the same exchange with sync or Go channels; read them as ratios
// (greenlet ns/op over baseline ns/op) of one run.

// BenchmarkEventWakeAll: N greenlets wait on an Event; one op is Set (and
// Clear) plus every waiter waking and waiting again. The last waiter of a
// round sets a second event that main waits on.
func BenchmarkEventWakeAll(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			run(b, func(main *greenlet.Greenlet) error {
				h := main.Hub()
				go1, round := greenlet.NewEvent(h), greenlet.NewEvent(h)
				woke := 0
				gs := make([]*greenlet.Greenlet, n)
				for i := range gs {
					gs[i] = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
						for {
							if err := go1.Wait(g); err != nil {
								return nil, err
							}
							if woke++; woke == n {
								woke = 0
								round.Set()
							}
						}
					})
				}
				if err := greenlet.Sleep(main, 0); err != nil {
					return err
				}
				for b.Loop() {
					round.Clear()
					go1.Set()
					go1.Clear()
					if err := round.Wait(main); err != nil {
						return err
					}
				}
				return greenlet.KillAll(main, gs)
			})
		})
	}
}

// BenchmarkBaselineCondWakeAll is the goroutine version: N goroutines wait
// on a sync.Cond; one op is a Broadcast and every goroutine waking.
func BenchmarkBaselineCondWakeAll(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var (
				mu   sync.Mutex
				cond = sync.NewCond(&mu)
				gen  int
				stop bool
				wg   sync.WaitGroup
				done sync.WaitGroup
			)
			done.Add(n)
			for range n {
				go func() {
					defer done.Done()
					seen := 0
					for {
						mu.Lock()
						for gen == seen && !stop {
							cond.Wait()
						}
						seen = gen
						s := stop
						mu.Unlock()
						if s {
							return
						}
						wg.Done()
					}
				}()
			}
			for b.Loop() {
				wg.Add(n)
				mu.Lock()
				gen++
				cond.Broadcast()
				mu.Unlock()
				wg.Wait()
			}
			mu.Lock()
			stop = true
			cond.Broadcast()
			mu.Unlock()
			done.Wait()
		})
	}
}

// BenchmarkEventPingPong: two greenlets hand control back and forth with
// two Events; one op is one round trip (two Set/Wait pairs).
func BenchmarkEventPingPong(b *testing.B) {
	b.ReportAllocs()
	run(b, func(main *greenlet.Greenlet) error {
		h := main.Hub()
		ping, pong := greenlet.NewEvent(h), greenlet.NewEvent(h)
		peer := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for {
				if err := ping.Wait(g); err != nil {
					return nil, err
				}
				ping.Clear()
				pong.Set()
			}
		})
		for b.Loop() {
			ping.Set()
			if err := pong.Wait(main); err != nil {
				return err
			}
			pong.Clear()
		}
		return peer.Kill(main)
	})
}

// BenchmarkQueuePingPong: two greenlets exchange ints through two
// unbounded Queues; one op is one round trip (two Put/Get pairs).
func BenchmarkQueuePingPong(b *testing.B) {
	queuePingPong(b, (*greenlet.Queue[int]).Get)
}

// BenchmarkQueuePingPongTimeout is BenchmarkQueuePingPong with GetTimeout:
// every park is timed (the greenlet's own timer armed, and stopped when the
// value arrives), to show what a timed wait costs over an untimed one.
func BenchmarkQueuePingPongTimeout(b *testing.B) {
	queuePingPong(b, func(q *greenlet.Queue[int], g *greenlet.Greenlet) (int, error) {
		return q.GetTimeout(g, time.Hour)
	})
}

// queuePingPong runs a Queue ping-pong whose every Get is get.
func queuePingPong(b *testing.B, get func(*greenlet.Queue[int], *greenlet.Greenlet) (int, error)) {
	b.ReportAllocs()
	run(b, func(main *greenlet.Greenlet) error {
		h := main.Hub()
		in, out := greenlet.NewQueue[int](h), greenlet.NewQueue[int](h)
		peer := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for {
				v, err := get(in, g)
				if err != nil {
					return nil, err
				}
				_ = out.Put(g, v+1)
			}
		})
		for i := 0; b.Loop(); i++ {
			_ = in.Put(main, i)
			if _, err := get(out, main); err != nil {
				return err
			}
		}
		return peer.Kill(main)
	})
}

// BenchmarkSemaphorePingPong is BenchmarkQueuePingPong over two
// Semaphores of no slot: each side releases the other's and acquires its
// own, so every Acquire parks and is granted by the notifier.
func BenchmarkSemaphorePingPong(b *testing.B) {
	b.ReportAllocs()
	run(b, func(main *greenlet.Greenlet) error {
		h := main.Hub()
		in, out := greenlet.NewSemaphore(h, 0), greenlet.NewSemaphore(h, 0)
		peer := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for {
				if err := in.Acquire(g); err != nil {
					return nil, err
				}
				out.Release()
			}
		})
		for b.Loop() {
			in.Release()
			if err := out.Acquire(main); err != nil {
				return err
			}
		}
		return peer.Kill(main)
	})
}

// BenchmarkChannelPingPong is BenchmarkQueuePingPong over two rendezvous
// Channels.
func BenchmarkChannelPingPong(b *testing.B) {
	b.ReportAllocs()
	run(b, func(main *greenlet.Greenlet) error {
		h := main.Hub()
		in, out := greenlet.NewChannel[int](h), greenlet.NewChannel[int](h)
		peer := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for {
				v, err := in.Get(g)
				if err != nil {
					return nil, err
				}
				if err := out.Put(g, v+1); err != nil {
					return nil, err
				}
			}
		})
		for i := 0; b.Loop(); i++ {
			if err := in.Put(main, i); err != nil {
				return err
			}
			if _, err := out.Get(main); err != nil {
				return err
			}
		}
		return peer.Kill(main)
	})
}

// BenchmarkBaselineChanPingPong is the goroutine version with unbuffered
// Go channels (the baseline for Event, Channel and Queue ping-pong); one op
// is one round trip.
func BenchmarkBaselineChanPingPong(b *testing.B) {
	chanRoundTrip(b, 0, false)
}

// BenchmarkBaselineBufferedChanPingPong is the same with channels of
// capacity 1, closer to an unbounded Queue.
func BenchmarkBaselineBufferedChanPingPong(b *testing.B) {
	chanRoundTrip(b, 1, false)
}

// chanRoundTrip times a round trip to an echo goroutine over two channels of
// the given capacity; locked pins that goroutine to its own OS thread. It is
// the body of the goroutine baselines.
func chanRoundTrip(b *testing.B, capacity int, locked bool) {
	b.ReportAllocs()
	in, out := make(chan int, capacity), make(chan int, capacity)
	go func() {
		if locked {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
		}
		for v := range in {
			out <- v + 1
		}
		close(out)
	}()
	for i := 0; b.Loop(); i++ {
		in <- i
		<-out
	}
	close(in)
	<-out
}

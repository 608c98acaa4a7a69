package greenlet_test

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// Budgets of the blocking offload (issue 14), read as ratios in one run:
//   BenchmarkBlockingRoundTrip: <= 2 µs per op, and at least 5x cheaper
//   than gevent's threadpool.apply of an empty function (bench/compare);
//   its ratio to BenchmarkBaselineGoroutineRoundTrip is the figure reported,
//   and its ratio to BenchmarkBaselineYieldingThreadRoundTrip (linux) is
//   what the offload adds to the crossing between two threads it rests on.
//   cpu-ns/op over ns/op shows the CPU the hub's spin burns beside the work.

// BenchmarkBaselineGoroutineRoundTrip is a channel round trip to a plain
// goroutine: the floor of any offload.
func BenchmarkBaselineGoroutineRoundTrip(b *testing.B) {
	chanRoundTrip(b, 0, false)
}

// BenchmarkBaselineLockedRoundTrip is the same round trip answered by a
// goroutine locked to its own OS thread, which sleeps between messages: the
// OS wake-up a hub would pay on every offloaded result without its spin.
func BenchmarkBaselineLockedRoundTrip(b *testing.B) {
	chanRoundTrip(b, 0, true)
}

// BenchmarkBlockingRoundTrip is greenlet -> goroutine -> greenlet through
// Blocking with an empty function, on each core; the hub has nothing else
// to run, so the result arrives within its spin window.
func BenchmarkBlockingRoundTrip(b *testing.B) {
	benchBlocking(b, func(ctx context.Context) (int, error) { return 1, nil })
}

// BenchmarkBlockingSleep offloads a 1 ms time.Sleep: the spin window passes
// and the hub sleeps in the OS. cpu-ns/op is what one such call costs in CPU,
// the spin included.
func BenchmarkBlockingSleep(b *testing.B) {
	benchBlocking(b, func(ctx context.Context) (int, error) {
		time.Sleep(time.Millisecond)
		return 1, nil
	})
}

func benchBlocking(b *testing.B, fn func(ctx context.Context) (int, error)) {
	for _, core := range hub.Cores() {
		b.Run("core="+core, func(b *testing.B) {
			err := greenlet.Run(func(main *greenlet.Greenlet) error {
				b.ReportAllocs()
				cpu0 := cpuTime()
				for b.Loop() {
					if _, err := greenlet.Blocking(main, fn); err != nil {
						return err
					}
				}
				b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
				return nil
			}, hub.WithCore(core))
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBlockingTicker is issue 14's probe: a greenlet reads a loopback
// socket through Blocking, the peer answering after 100 ms, while a 10 ms
// ticker greenlet runs on the same hub. ticks/100ms is how many ticks the
// ticker got during the read (10 is every one; a hub frozen by the read
// gets none). It depends on the machine, so it is measured, not asserted.
func BenchmarkBlockingTicker(b *testing.B) {
	for _, core := range hub.Cores() {
		b.Run("core="+core, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer ln.Close()
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					time.Sleep(100 * time.Millisecond)
					_, _ = c.Write([]byte("x"))
					c.Close()
				}
			}()
			total := 0
			err = greenlet.Run(func(main *greenlet.Greenlet) error {
				for b.Loop() {
					ticks, reading := 0, true
					ticker := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
						for reading {
							if err := greenlet.Sleep(g, 10*time.Millisecond); err != nil {
								return nil, err
							}
							if reading {
								ticks++
							}
						}
						return nil, nil
					})
					_, err := greenlet.Blocking(main, func(ctx context.Context) (int, error) {
						c, err := net.Dial("tcp", ln.Addr().String())
						if err != nil {
							return 0, err
						}
						defer c.Close()
						return c.Read(make([]byte, 1))
					})
					reading = false
					if err != nil {
						return err
					}
					if err := ticker.Join(main); err != nil {
						return err
					}
					total += ticks
				}
				return nil
			}, hub.WithCore(core))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(total)/float64(b.N), "ticks/100ms")
		})
	}
}

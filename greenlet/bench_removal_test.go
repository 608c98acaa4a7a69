package greenlet_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// parkers are the ways a greenlet parks on one shared object; each returns
// a body that parks once with the given timeout, and the object's cleanup.
func parkers(main *greenlet.Greenlet) map[string]func(timeout time.Duration) greenlet.Func {
	h := main.Hub()
	ev := greenlet.NewEvent(h)
	q := greenlet.NewQueue[int](h)
	sem := greenlet.NewSemaphore(h, 0)
	ch := greenlet.NewChannel[int](h)
	target := greenlet.Spawn(main, sleeper(time.Hour, nil))
	return map[string]func(time.Duration) greenlet.Func{
		"Event": func(d time.Duration) greenlet.Func {
			return func(g *greenlet.Greenlet) (any, error) { _, err := ev.WaitTimeout(g, d); return nil, err }
		},
		"Queue": func(d time.Duration) greenlet.Func {
			return func(g *greenlet.Greenlet) (any, error) { _, err := q.GetTimeout(g, d); return nil, ownTimeout(err) }
		},
		"Semaphore": func(d time.Duration) greenlet.Func {
			return func(g *greenlet.Greenlet) (any, error) { _, err := sem.AcquireTimeout(g, d); return nil, err }
		},
		"Channel": func(d time.Duration) greenlet.Func {
			return func(g *greenlet.Greenlet) (any, error) { _, err := ch.GetTimeout(g, d); return nil, ownTimeout(err) }
		},
		"Sleep": func(d time.Duration) greenlet.Func {
			return func(g *greenlet.Greenlet) (any, error) { return nil, greenlet.Sleep(g, min(d, time.Hour)) }
		},
		"Join": func(d time.Duration) greenlet.Func {
			return func(g *greenlet.Greenlet) (any, error) { _, err := target.JoinTimeout(g, d); return nil, err }
		},
	}
}

// parkerNames: Sleep parks on the greenlet's own timer, nothing shared; it
// is the baseline the others compare with.
var parkerNames = []string{"Sleep", "Event", "Queue", "Semaphore", "Channel", "Join"}

func ownTimeout(err error) error {
	if errors.Is(err, greenlet.ErrEmpty) {
		return nil
	}
	return err
}

// BenchmarkKillParked100k kills 100,000 greenlets parked on one object
// (each victim takes itself out of the object's wait list or links), and
// times the same number timing out together. One op is the whole batch;
// removal must stay O(1), so an op is a fraction of a second, not the
// seconds a quadratic removal takes.
func BenchmarkKillParked100k(b *testing.B) {
	const n = 100_000
	for _, mode := range []string{"kill", "timeout"} {
		for _, name := range parkerNames {
			b.Run(mode+"/"+name, func(b *testing.B) {
				run(b, func(main *greenlet.Greenlet) error {
					mk := parkers(main)[name]
					gs := make([]*greenlet.Greenlet, n)
					for b.Loop() {
						b.StopTimer()
						d := greenlet.Forever
						if mode == "timeout" {
							d = 0
						}
						for i := range gs {
							gs[i] = greenlet.Spawn(main, mk(d))
						}
						if mode == "kill" {
							if err := greenlet.Sleep(main, 0); err != nil {
								return err
							}
						}
						b.StartTimer()
						if mode == "kill" {
							if err := greenlet.KillAll(main, gs); err != nil {
								return err
							}
						} else if _, err := greenlet.JoinAll(main, gs, greenlet.StopOnError()); err != nil {
							return err
						}
					}
					return nil
				})
			})
		}
	}
}

package greenlet_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// TestBlockingResult: fn's result comes back, and the hub runs another
// greenlet while fn waits (the greenlet is what lets fn finish).
func (s *Conformance) TestBlockingResult() {
	release := make(chan struct{}, 1)
	s.run(func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) {
			release <- struct{}{} // buffered: runs only if the hub is not frozen
			return nil, nil
		})
		v, err := greenlet.Blocking(main, func(ctx context.Context) (string, error) {
			<-release
			return "read", errors.New("partial")
		})
		s.Equal("read", v)
		s.EqualError(err, "partial")
		return nil
	})
}

// TestBlockingKeepsHubAlive: a main greenlet waiting only for offloaded work
// gets its result, not LoopExit.
func (s *Conformance) TestBlockingKeepsHubAlive() {
	s.run(func(main *greenlet.Greenlet) error {
		v, err := greenlet.Blocking(main, func(ctx context.Context) (int, error) {
			time.Sleep(20 * time.Millisecond)
			return 7, nil
		})
		s.NoError(err)
		s.Equal(7, v)
		return nil
	})
}

// TestBlockingPanic: a panic in fn is the caller's *PanicError.
func (s *Conformance) TestBlockingPanic() {
	s.run(func(main *greenlet.Greenlet) error {
		_, err := greenlet.Blocking(main, func(ctx context.Context) (int, error) { panic("boom") })
		var pe *greenlet.PanicError
		s.Require().ErrorAs(err, &pe)
		s.Equal("boom", pe.Value)
		return nil
	})
}

// TestBlockingKill: killing the caller returns the kill at once, cancels
// fn's context with the kill as its cause, and drops fn's late result.
func (s *Conformance) TestBlockingKill() {
	causes := make(chan error, 1)
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.SpawnTyped(main, func(g *greenlet.Greenlet) (int, error) {
			return greenlet.Blocking(g, func(ctx context.Context) (int, error) {
				<-ctx.Done()
				causes <- context.Cause(ctx)
				return 1, nil // dropped
			})
		})
		s.Require().NoError(greenlet.Sleep(main, 0)) // g is in Blocking
		kill := &greenlet.GreenletExit{Msg: "stop"}
		s.Require().NoError(g.Kill(main, greenlet.WithError(kill)))
		s.Same(kill, g.Greenlet.Value())
		cause, err := greenlet.Blocking(main, func(ctx context.Context) (error, error) { return <-causes, nil })
		s.NoError(err)
		s.Same(kill, cause)
		return nil
	})
}

// TestBlockingTimeout: the caller's Timeout interrupts the wait, and the
// error is both the *Timeout and context.DeadlineExceeded. A Timeout cannot
// fire on a virtual clock while offloaded work holds the clock still.
func (s *Conformance) TestBlockingTimeout() {
	s.realTime("offloaded work holds a virtual clock still, so the timeout would never fire")
	s.run(func(main *greenlet.Greenlet) error {
		start := time.Now()
		returned := make(chan error, 1)
		_, err := greenlet.WithTimeout(main, 20*time.Millisecond, func() (int, error) {
			return greenlet.Blocking(main, func(ctx context.Context) (int, error) {
				<-ctx.Done()
				returned <- context.Cause(ctx)
				return 0, ctx.Err()
			})
		})
		s.within(time.Since(start), 20*time.Millisecond, generous, "Blocking under a Timeout")
		s.ErrorIs(err, greenlet.ErrTimeout)
		s.ErrorIs(err, context.DeadlineExceeded)
		// The abandoned work keeps the hub's count of outside work until it
		// returns; wait for it so that the census after Run is empty.
		cause, werr := greenlet.Blocking(main, func(context.Context) (error, error) { return <-returned, nil })
		s.NoError(werr)
		s.Equal(err, cause)
		return nil
	})
}

// TestBlockingLimitFIFO: with a limit of one, callers run one at a time in
// the order they called; one killed while it waits for its turn leaves the
// queue and never runs.
func (s *Conformance) TestBlockingLimitFIFO() {
	var mu sync.Mutex
	var order []int
	var running, peak atomic.Int32
	s.run(func(main *greenlet.Greenlet) error {
		var gs []*greenlet.Greenlet
		for i := range 4 {
			gs = append(gs, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				return greenlet.Blocking(g, func(ctx context.Context) (int, error) {
					if n := running.Add(1); n > peak.Load() {
						peak.Store(n)
					}
					time.Sleep(time.Millisecond)
					mu.Lock()
					order = append(order, i)
					mu.Unlock()
					running.Add(-1)
					return i, nil
				})
			}))
		}
		s.Require().NoError(greenlet.Sleep(main, 0)) // all four called
		gs[2].KillNowait()
		_, err := greenlet.JoinAll(main, gs, greenlet.StopOnError())
		s.NoError(err)
		s.IsType(&greenlet.GreenletExit{}, gs[2].Value())
		return nil
	}, hub.WithBlockingLimit(1))
	s.Equal([]int{0, 1, 3}, order)
	s.Equal(int32(1), peak.Load())
}

// TestBlockingLimitOption: the limit must be positive.
func (s *Conformance) TestBlockingLimitOption() {
	_, err := hub.New(hub.WithCore(s.Core), hub.WithBlockingLimit(0))
	s.EqualError(err, "hub: blocking limit must be positive, got 0")
}

// TestBlockingHubDestroyed: a caller still waiting when main returns gets
// ErrHubDestroyed, fn's context is cancelled, and its goroutine ends (the
// suite's leak check); the hub's count of outside work settles at zero.
func (s *Conformance) TestBlockingHubDestroyed() {
	h := s.newHub()
	var cause error
	ended := make(chan struct{})
	err := greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			_, err := greenlet.Blocking(g, func(ctx context.Context) (int, error) {
				<-ctx.Done()
				cause = context.Cause(ctx)
				close(ended)
				return 0, nil
			})
			return nil, err
		})
		return greenlet.Sleep(main, 0) // the greenlet is in Blocking when main returns
	})
	s.Require().NoError(err)
	<-ended
	s.ErrorIs(cause, greenlet.ErrHubDestroyed)
	deadline := time.Now().Add(generous)
	for h.Census().Refs != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	s.Equal(hub.Census{}, h.Census())
}

// TestBlockingMisuse: a nil fn and a foreign goroutine panic before
// anything runs; a hub callback gets ErrBlockingSwitchOut.
func (s *Conformance) TestBlockingMisuse() {
	s.run(func(main *greenlet.Greenlet) error {
		s.Equal("greenlet: Blocking with a nil function", panicMessage(func() {
			_, _ = greenlet.Blocking[int](main, nil)
		}))
		msg := make(chan string)
		go func() {
			msg <- panicMessage(func() {
				_, _ = greenlet.Blocking(main, func(context.Context) (int, error) { return 0, nil })
			})
		}()
		m, err := greenlet.Blocking(main, func(context.Context) (string, error) { return <-msg, nil })
		s.NoError(err)
		s.Contains(m, "greenlet: Blocking: called from a goroutine that is not its hub's")
		var cbErr error
		sched.Of(main.Hub()).RunCallback(func() {
			_, cbErr = greenlet.Blocking(main, func(context.Context) (int, error) { return 0, nil })
		})
		s.NoError(greenlet.Sleep(main, 0))
		s.ErrorIs(cbErr, greenlet.ErrBlockingSwitchOut)
		return nil
	})
}

// TestBlockingSocketTicker: a greenlet reads a loopback socket through
// Blocking while a 10 ms ticker greenlet keeps ticking; the server answers
// once the ticker has ticked three times. Read directly from the greenlet,
// the read would freeze the hub, the ticker would never tick and the test
// would fail after the server's generous wait. How many ticks fit in a given
// time depends on the machine: BenchmarkBlockingTicker measures that.
func (s *Conformance) TestBlockingSocketTicker() {
	s.realTime("a socket and a ticker on the real clock")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	s.Require().NoError(err)
	defer ln.Close()
	served := make(chan struct{})
	// The server answers only once the ticker has ticked three times while
	// the read was pending, however slow the machine: a hub frozen by the
	// read never ticks, and the server gives up waiting after a generous
	// bound, so the test fails instead of hanging.
	var ticks atomic.Int32
	go func() {
		defer close(served)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		for give := time.Now().Add(10 * time.Second); ticks.Load() < 3 && time.Now().Before(give); {
			time.Sleep(time.Millisecond)
		}
		_, _ = c.Write([]byte("hello\n"))
	}()
	s.run(func(main *greenlet.Greenlet) error {
		reading := true
		ticker := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for reading {
				if err := greenlet.Sleep(g, 10*time.Millisecond); err != nil {
					return nil, err
				}
				ticks.Add(1)
			}
			return nil, nil
		})
		line, err := greenlet.Blocking(main, func(ctx context.Context) (string, error) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				return "", err
			}
			defer c.Close()
			stop := context.AfterFunc(ctx, func() { c.Close() }) // a kill ends the read
			defer stop()
			return bufio.NewReader(c).ReadString('\n')
		})
		reading = false
		n := ticks.Load()
		s.NoError(err)
		s.Equal("hello\n", line)
		s.GreaterOrEqual(n, int32(3), "the ticker ran while the read was pending")
		_, err = ticker.Get(main)
		return err
	})
	<-served
}

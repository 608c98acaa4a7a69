package greenlet_test

import (
	"context"
	"errors"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/internal/sched"
)

// TestContextEnds: a greenlet's context is cancelled when it ends, with the
// outcome as its cause: ErrEnded after a value, the failure, the exit.
func (s *Conformance) TestContextEnds() {
	boom := errors.New("boom")
	s.run(func(main *greenlet.Greenlet) error {
		ok := greenlet.Spawn(main, ret(1))
		bad := greenlet.Spawn(main, fails(boom))
		okCtx, badCtx := ok.Context(), bad.Context()
		s.NoError(okCtx.Err(), "not cancelled before the end")
		s.Same(okCtx, ok.Context(), "one context per greenlet")
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{ok, bad})
		s.Require().NoError(err)
		s.ErrorIs(okCtx.Err(), context.Canceled)
		s.Same(greenlet.ErrEnded, context.Cause(okCtx))
		s.Same(boom, context.Cause(badCtx))
		late := ok.Context() // asked after the end: already cancelled
		s.Same(okCtx, late)
		done := greenlet.Spawn(main, ret(2))
		s.Require().NoError(done.Join(main))
		s.Same(greenlet.ErrEnded, context.Cause(done.Context()))
		return nil
	})
	s.Len(s.takeHandled(), 1) // bad's failure
}

// TestContextKilled: a kill cancels the context at once, before the victim
// has ended, with the kill error as its cause; a goroutine watching the
// context learns it (the greenlet -> context direction).
func (s *Conformance) TestContextKilled() {
	s.run(func(main *greenlet.Greenlet) error {
		victim := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			err := greenlet.Sleep(g, time.Hour)
			_ = greenlet.Sleep(g, 0) // still alive after the kill arrived
			return nil, err
		})
		ctx := victim.Context()
		seen := make(chan error, 1)
		go func() { <-ctx.Done(); seen <- context.Cause(ctx) }()
		s.Require().NoError(greenlet.Sleep(main, 0))
		kill := &greenlet.GreenletExit{Msg: "enough"}
		victim.KillNowait(greenlet.WithError(kill))
		s.Same(kill, context.Cause(ctx), "cancelled by the kill itself")
		s.False(victim.Ready())
		cause, err := greenlet.Blocking(main, func(context.Context) (error, error) { return <-seen, nil })
		s.NoError(err)
		s.Same(kill, cause)
		return victim.Join(main)
	})
}

// TestSpawnContextCancel: cancelling the context kills the greenlet at its
// blocking call with a *ContextError that matches context.Canceled and the
// cause, and ends it successfully (the context -> greenlet direction).
func (s *Conformance) TestSpawnContextCancel() {
	s.realTime("the cancellation arrives from another goroutine, unannounced, as on a real clock")
	why := errors.New("client went away")
	s.run(func(main *greenlet.Greenlet) error {
		ctx, cancel := context.WithCancelCause(context.Background())
		g := greenlet.SpawnContext(ctx, main, sleeper(time.Hour, "late"))
		s.Require().NoError(greenlet.Sleep(main, 0)) // g sleeps
		cancel(why)
		_, err := g.JoinTimeout(main, generous)
		s.Require().NoError(err)
		s.Require().True(g.Ready())
		s.True(g.Successful())
		err, _ = g.Value().(error)
		var ce *greenlet.ContextError
		s.Require().ErrorAs(err, &ce)
		s.ErrorIs(err, context.Canceled)
		s.ErrorIs(err, why)
		s.True(greenlet.IsExit(err))
		s.Same(err, context.Cause(g.Context()), "its own context ends with the kill")
		return nil
	})
}

// TestSpawnContextDeadline: a context's deadline kills the greenlet no
// sooner than the deadline, with context.DeadlineExceeded.
func (s *Conformance) TestSpawnContextDeadline() {
	s.realTime("a context's deadline runs on the real clock")
	s.run(func(main *greenlet.Greenlet) error {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		g := greenlet.SpawnContext(ctx, main, sleeper(time.Hour, nil))
		_, err := g.JoinTimeout(main, generous)
		s.Require().NoError(err)
		s.within(time.Since(start), 20*time.Millisecond, generous, "killed at the deadline")
		err, _ = g.Value().(error)
		s.ErrorIs(err, context.DeadlineExceeded)
		return nil
	})
}

// TestSpawnContextDone: a context already done kills the greenlet before it
// runs, without yielding; one that is never done changes nothing; a
// greenlet that ends first leaves its context alone.
func (s *Conformance) TestSpawnContextDone() {
	s.run(func(main *greenlet.Greenlet) error {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		ran := false
		g := greenlet.SpawnContext(ctx, main, func(*greenlet.Greenlet) (any, error) { ran = true; return nil, nil })
		s.True(g.Ready(), "killed at once")
		s.NoError(g.Join(main))
		s.False(ran)
		err, _ := g.Value().(error)
		s.ErrorIs(err, context.Canceled)

		plain := greenlet.SpawnContext(context.Background(), main, ret(3))
		v, err := plain.Get(main)
		s.NoError(err)
		s.Equal(3, v)

		live, stop := context.WithCancel(context.Background())
		first := greenlet.SpawnContext(live, main, ret(4))
		s.Require().NoError(first.Join(main))
		stop() // after the end: no kill, no post
		s.NoError(greenlet.Sleep(main, 0))
		s.Equal(4, first.Value())
		return nil
	})
}

// TestWaitContext: WaitContext returns once the context is done, keeping the
// hub alive meanwhile (no LoopExit for main), with a *ContextError.
func (s *Conformance) TestWaitContext() {
	s.run(func(main *greenlet.Greenlet) error {
		ctx, cancel := context.WithCancelCause(context.Background())
		why := errors.New("shutdown")
		start := time.Now()
		go func() {
			time.Sleep(20 * time.Millisecond)
			cancel(why)
		}()
		err := greenlet.WaitContext(main, ctx)
		s.GreaterOrEqual(time.Since(start), 20*time.Millisecond)
		s.ErrorIs(err, context.Canceled)
		s.ErrorIs(err, why)
		s.ErrorIs(greenlet.WaitContext(main, ctx), why, "done: at once")
		return nil
	})
}

// TestWaitContextStaleWake: a wake-up not meant for the wait (made here
// with the hub's raw API, while main is parked in it) does not end it, and
// the context's own wake-up, which comes later, still does: the wait gives
// the context its new token when it parks again.
func (s *Conformance) TestWaitContextStaleWake() {
	s.run(func(main *greenlet.Greenlet) error {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		greenlet.SpawnRaw(main, func(g *sched.G) {
			g.Hub().Wake(main.Raw().Token())           // main is parked in WaitContext
			if err := g.YieldFor("test"); err != nil { // main parks again
				s.Fail("yield", err)
			}
			cancel()
		})
		s.ErrorIs(greenlet.WaitContext(main, ctx), context.Canceled)
		s.Equal(int64(0), main.Hub().Census().Refs)
		return nil
	})
}

// TestWaitContextKilled: a kill ends the wait with the kill error and
// releases the hub's count of outside work (the census after Run).
func (s *Conformance) TestWaitContextKilled() {
	s.run(func(main *greenlet.Greenlet) error {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, greenlet.WaitContext(g, ctx)
		})
		s.Require().NoError(greenlet.Sleep(main, 0))
		s.Equal(int64(1), main.Hub().Census().Refs, "waiting for the context")
		s.Require().NoError(g.Kill(main))
		s.IsType(&greenlet.GreenletExit{}, g.Value())
		s.Equal(int64(0), main.Hub().Census().Refs)
		return nil
	})
}

// TestWaitContextTimeout: a Timeout interrupts the wait. On a virtual clock
// the wait holds the clock still (the context's deadline is real time), so
// the Timeout could not fire there.
func (s *Conformance) TestWaitContextTimeout() {
	s.realTime("WaitContext holds a virtual clock still")
	s.run(func(main *greenlet.Greenlet) error {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, err := greenlet.WithTimeout(main, 10*time.Millisecond, func() (int, error) {
			return 0, greenlet.WaitContext(main, ctx)
		})
		s.ErrorIs(err, greenlet.ErrTimeout)
		s.Equal(int64(0), main.Hub().Census().Refs)
		return nil
	})
}

// TestTimeoutIsDeadlineExceeded: a *Timeout is context.DeadlineExceeded for
// code written against package context.
func (s *Conformance) TestTimeoutIsDeadlineExceeded() {
	t := greenlet.NewTimeout(time.Second, nil)
	s.ErrorIs(t, context.DeadlineExceeded)
	s.ErrorIs(t, greenlet.ErrTimeout)
	s.NotErrorIs(t, context.Canceled)
	s.run(func(main *greenlet.Greenlet) error {
		_, err := greenlet.WithTimeout(main, time.Millisecond, func() (int, error) {
			return 0, greenlet.Sleep(main, time.Hour)
		})
		s.ErrorIs(err, context.DeadlineExceeded)
		return nil
	})
}

package greenlet_test

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// Timed waits whose deadline lies past the clock's range never fire, and
// leave every other timer of the hub working: sleeps, joins and timeouts of
// Forever-1 and MaxInt64-ish durations sit beside a short sleep and a short
// Timeout that still fire.
func (s *Conformance) TestHugeDeadlinesSaturate() {
	s.run(func(main *greenlet.Greenlet) error {
		huge := []time.Duration{greenlet.Forever - 1, greenlet.Forever / 2, greenlet.Forever/2 + 1}
		var parked []*greenlet.Greenlet
		for _, d := range huge {
			parked = append(parked, greenlet.Spawn(main, sleeper(d, nil)))
		}
		target := parked[0]
		parked = append(parked, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			_, err := target.JoinTimeout(g, time.Duration(math.MaxInt64-1))
			return nil, err
		}))
		parked = append(parked, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, greenlet.NewTimeout(greenlet.Forever-1, nil).Do(g, func() error {
				return greenlet.Sleep(g, greenlet.Forever-1)
			})
		}))
		s.Require().NoError(greenlet.Sleep(main, 0)) // every one parks on its huge timer

		start := s.now(main)
		s.Require().NoError(greenlet.Sleep(main, 2*time.Millisecond))
		s.GreaterOrEqual(s.now(main)-start, 2*time.Millisecond)
		err := greenlet.NewTimeout(time.Millisecond, nil).Do(main, func() error {
			_, err := target.JoinTimeout(main, time.Duration(math.MaxInt64-1))
			return err
		})
		s.True(errors.Is(err, greenlet.ErrTimeout), "a short Timeout around a huge Join fires: %v", err)
		for _, g := range parked {
			s.False(g.Ready(), "%v woke early", g)
		}
		return greenlet.KillAll(main, parked)
	})
}

// runOnLeavingParked runs a main greenlet on h that starts a greenlet
// sleeping for an hour, lets it park, then calls end, which must not return
// (a panic, a Goexit). It returns RunOn's result and whether the parked
// greenlet was stopped.
func (s *Conformance) runOnLeavingParked(h *hub.Hub, end func()) (stopped bool, err error) {
	err = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			defer func() { stopped = true }()
			return nil, greenlet.Sleep(g, time.Hour)
		})
		s.Require().NoError(greenlet.Sleep(main, 0))
		end()
		return nil
	})
	return stopped, err
}

// A panic in the main greenlet's body is Run's result, on greenlet.RunOn
// and on hub.Run alike; the greenlets still parked are stopped.
func (s *Conformance) TestMainPanicIsRunResult() {
	h := s.newHub()
	stopped, err := s.runOnLeavingParked(h, func() { panic("main went wrong") })
	var p *greenlet.PanicError
	s.Require().True(errors.As(err, &p), "RunOn returns the *PanicError, got %v", err)
	s.Equal("main went wrong", p.Value)
	s.Contains(string(p.Stack), "TestMainPanicIsRunResult")
	s.True(stopped)
	s.Equal(hub.Census{}, h.Census())

	raw := s.newHub()
	err = sched.Of(raw).Run(func(*sched.G) error { panic(errors.New("raw main went wrong")) })
	s.Require().True(errors.As(err, &p), "hub.Run returns the *PanicError, got %v", err)
	s.EqualError(errors.Unwrap(err), "raw main went wrong")
	s.Empty(s.takeHandled(), "the main's panic is Run's result, not the handler's")
}

// runtime.Goexit in a greenlet (what t.FailNow and require do) ends that
// greenlet only, with ErrGoexit after its deferred code ran; its links fire
// and the hub goes on. A raw G's Goexit goes to the error handler.
func (s *Conformance) TestGoexitEndsOnlyItsGreenlet() {
	var cleaned, after bool
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			defer func() { cleaned = true }()
			s.Require().NoError(greenlet.Sleep(g, time.Millisecond))
			runtime.Goexit()
			return nil, nil
		})
		linked := false
		g.Rawlink(func(*greenlet.Greenlet) { linked = true })
		other := greenlet.Spawn(main, sleeper(2*time.Millisecond, "other"))
		s.Require().NoError(g.Join(main))
		s.True(errors.Is(g.Err(), greenlet.ErrGoexit), "got %v", g.Err())
		s.True(cleaned, "deferred code ran")
		v, err := other.Get(main)
		s.Require().NoError(err)
		s.Equal("other", v)
		s.Require().NoError(greenlet.Sleep(main, 0))
		s.True(linked, "links fired")

		raw := greenlet.SpawnRaw(main, func(*sched.G) { runtime.Goexit() })
		s.Require().NoError(greenlet.Sleep(main, 0))
		s.True(raw.Dead())

		// Greenlets started by timers due in one turn: those after a
		// Goexit still start.
		ran := 0
		var late []*greenlet.Greenlet
		for i := 0; i < 6; i++ {
			exit := i%2 == 0
			late = append(late, greenlet.SpawnLater(main, time.Millisecond, func(*greenlet.Greenlet) (any, error) {
				ran++
				if exit {
					runtime.Goexit()
				}
				return nil, nil
			}))
		}
		done, err := greenlet.JoinAll(main, late)
		s.Require().NoError(err)
		s.Len(done, len(late))
		s.Equal(6, ran)

		// A Goexit in deferred code while the hub shuts down.
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			defer runtime.Goexit()
			return nil, greenlet.Sleep(g, time.Hour)
		})
		s.Require().NoError(greenlet.Sleep(main, 0))
		after = true
		return nil
	})
	s.True(after)
	var goexits, raws int
	for _, f := range s.takeHandled() {
		s.True(errors.Is(f.err, greenlet.ErrGoexit), "%v: %v", f.ctx, f.err)
		goexits++
		if _, ok := f.ctx.(*sched.G); ok {
			raws++
		}
	}
	s.Equal(1+3+1+1, goexits, "every Goexit is reported once")
	s.Equal(1, raws)
}

// A main greenlet that calls runtime.Goexit makes Run return ErrGoexit (on
// greenlet.RunOn and hub.Run alike); the calling goroutine goes on and
// nothing is left behind.
func (s *Conformance) TestMainGoexitIsRunResult() {
	h := s.newHub()
	stopped, err := s.runOnLeavingParked(h, runtime.Goexit)
	s.ErrorIs(err, greenlet.ErrGoexit)
	s.True(stopped)
	s.Equal(hub.Census{}, h.Census())

	raw := s.newHub()
	err = sched.Of(raw).Run(func(*sched.G) error { runtime.Goexit(); return nil })
	s.ErrorIs(err, hub.ErrGoexit)
	s.Empty(s.takeHandled(), "the main's Goexit is Run's result, not the handler's")
}

// foreignCall runs f on a new goroutine and returns what it panicked with.
func foreignCall(f func()) string {
	done := make(chan string, 1)
	go func() { done <- panicMessage(f) }()
	return <-done
}

// A blocking call made from a goroutine other than the hub's is refused
// with a "greenlet: ..." or "hub: ..." panic that the caller can recover,
// before any coroutine or hub state is touched; the hub carries on. Both
// while the named greenlet runs and while it is parked.
func (s *Conformance) TestForeignGoroutineBlockingCallPanics() {
	s.run(func(main *greenlet.Greenlet) error {
		other := greenlet.Spawn(main, sleeper(time.Hour, nil))
		calls := map[string]func(){
			"greenlet: Sleep: ":       func() { _ = greenlet.Sleep(main, time.Millisecond) },
			"greenlet: Sleep: \x00":   func() { _ = greenlet.Sleep(main, 0) },
			"greenlet: Idle: ":        func() { _ = greenlet.Idle(main) },
			"greenlet: WaitTimeout: ": func() { _, _ = greenlet.WaitTimeout(main, time.Millisecond) },
			"greenlet: Join: ":        func() { _ = other.Join(main) },
			"greenlet: Get: ":         func() { _, _ = other.Get(main) },
			"hub: Park: ":             func() { _ = main.Raw().Park() },
			"hub: Yield: ":            func() { _ = main.Raw().Yield() },
			"hub: Waiter.Get: ":       func() { _ = main.Raw().Check("Waiter.Get") },
		}
		const says = "called from a goroutine that is not its hub's"
		for prefix, f := range calls {
			prefix = strings.TrimSuffix(prefix, "\x00")
			// main is running: the foreign goroutine races the hub itself.
			msg := foreignCall(f)
			s.True(strings.HasPrefix(msg, prefix) && strings.Contains(msg, says), "%q: %s", prefix, msg)
			// main is parked: the hub is in its loop meanwhile.
			done := make(chan string, 1)
			go func() { done <- panicMessage(f) }()
			for len(done) == 0 {
				s.Require().NoError(greenlet.Sleep(main, time.Millisecond))
			}
			msg = <-done
			s.True(strings.HasPrefix(msg, prefix) && strings.Contains(msg, says), "%q: %s", prefix, msg)
		}
		s.Require().NoError(greenlet.Sleep(main, time.Millisecond), "the hub carries on")
		return other.Kill(main)
	})
}

// Once Run has returned, every entry point that would need the hub refuses
// the same way on every core: starting or arming panics with "... after the
// hub was destroyed", a blocking call panics with "... the hub was
// destroyed", Reinit and Post return ErrClosed; queries keep working.
func (s *Conformance) TestUseAfterDestroy() {
	h := s.newHub()
	var main0, unstarted *greenlet.Greenlet
	s.Require().NoError(greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		main0 = main
		unstarted = greenlet.New(main, ret(1))
		return nil
	}))
	s.True(h.Destroyed())
	s.ErrorIs(h.Reinit(), hub.ErrClosed)
	s.ErrorIs(greenlet.Reinit(h), hub.ErrClosed)
	s.ErrorIs(h.Post(func() {}), hub.ErrClosed)
	s.Equal(hub.Census{}, h.Census())
	cases := map[string]func(){
		"greenlet: Start after the hub was destroyed":      func() { greenlet.Spawn(main0, ret(1)) },
		"greenlet: StartLater after the hub was destroyed": func() { greenlet.SpawnLater(main0, time.Millisecond, ret(1)) },
		"greenlet: SpawnRaw after the hub was destroyed":   func() { greenlet.SpawnRaw(main0, func(*sched.G) {}) },
		"hub: Start after the hub was destroyed":           func() { sched.Of(h).Start(unstarted.Raw()) },
		"hub: Timer.Start after the hub was destroyed": func() {
			greenlet.NewTimeout(time.Second, nil).Start(main0)
		},
		"hub: Timer.Start after the hub was destroyed\x00": func() { sched.Of(h).NewTimer(func() {}).Start(0) },
		"hub: Signal after the hub was destroyed":          func() { sched.Of(h).Signal(syscall.SIGUSR2, func() {}) },
		"greenlet: Sleep: the hub was destroyed":           func() { _ = greenlet.Sleep(main0, time.Millisecond) },
		"greenlet: Sleep: the hub was destroyed\x00":       func() { _ = greenlet.Sleep(main0, 0) },
		"greenlet: Join: the hub was destroyed":            func() { _ = unstarted.Join(main0) },
		"greenlet: Idle: the hub was destroyed":            func() { _ = greenlet.Idle(main0) },
		"hub: Park: the hub was destroyed":                 func() { _ = main0.Raw().Park() },
	}
	for want, f := range cases {
		want = strings.TrimSuffix(want, "\x00")
		s.True(strings.HasPrefix(panicMessage(f), want), "want %q, got %q", want, panicMessage(f))
	}
	s.False(unstarted.Started(), "a refused start changes nothing")
	s.Equal(hub.Census{}, h.Census())
}

// A Scope whose body calls runtime.Goexit kills its greenlet with ErrGoexit
// on the way out, as it would for a panic; the caller ends with ErrGoexit.
func (s *Conformance) TestScopeGoexitKillsItsGreenlet() {
	var inner *greenlet.Greenlet
	s.run(func(main *greenlet.Greenlet) error {
		outer := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			inner = greenlet.Spawn(g, sleeper(time.Hour, nil))
			return nil, inner.Scope(g, func() error { runtime.Goexit(); return nil })
		})
		s.Require().NoError(outer.Join(main))
		s.ErrorIs(outer.Err(), greenlet.ErrGoexit)
		s.ErrorIs(inner.Err(), greenlet.ErrGoexit)
		return nil
	})
	s.Len(s.takeHandled(), 2) // both failures reported
}

// A hub callback (not a greenlet body) that calls runtime.Goexit ends the
// goroutine that called Run, as it would any goroutine: the hub still stops
// its greenlets on the way out, so nothing is left behind.
func (s *Conformance) TestGoexitInCallbackEndsRunGoroutine() {
	done := make(chan struct{})
	returned, cleaned := false, false
	go func() {
		defer close(done)
		_ = greenlet.Run(func(main *greenlet.Greenlet) error {
			greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				defer func() { cleaned = true }()
				return nil, greenlet.Sleep(g, time.Hour)
			})
			sched.Of(main.Hub()).RunCallback(func() { runtime.Goexit() })
			return greenlet.Sleep(main, time.Hour)
		}, hub.WithCore(s.Core), hub.WithErrorStream(nil))
		returned = true
	}()
	<-done
	s.False(returned, "a callback's Goexit ends Run's goroutine")
	s.True(cleaned, "the parked greenlet was stopped")
}

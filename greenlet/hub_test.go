package greenlet_test

import (
	"bytes"
	"errors"
	"fmt"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// §4.5 Waiter: str forms, switch/throw before get, one waiter at a time.
func (s *Conformance) TestWaiter() {
	s.run(func(main *greenlet.Greenlet) error {
		var w sched.Waiter
		s.Equal("<Waiter greenlet=None>", w.String())
		w.Switch(25)
		s.Equal("<Waiter greenlet=None value=25>", w.String())
		v, err := w.Get(main.Raw())
		s.NoError(err)
		s.Equal(25, v)
		w.Throw(errors.New("ZeroDivisionError"))
		s.Regexp(`exc_info=.*ZeroDivisionError`, w.String())
		_, err = w.Get(main.Raw())
		s.EqualError(err, "ZeroDivisionError")

		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return w.Get(g.Raw()) })
		g.SetName("AName")
		s.NoError(greenlet.Sleep(main, 0))
		s.Regexp(`^<Waiter greenlet=<Greenlet "AName"`, w.String())
		w.Switch("hello")
		v, err = g.Get(main)
		s.NoError(err)
		s.Equal("hello", v)
		return nil
	})
}

// §3.3 run_callback: FIFO, a handle is pending until run, Stop cancels.
func (s *Conformance) TestRunCallback() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		var got []int
		for i := range 3 {
			sched.Of(h).RunCallback(func() { got = append(got, i) })
		}
		c := sched.Of(h).Handle(func() { got = append(got, 3) })
		stopped := sched.Of(h).Handle(func() { got = append(got, 99) })
		s.True(c.Pending())
		stopped.Stop()
		s.False(stopped.Pending())
		sched.Of(h).RunCallback(func() { panic("callback panic") })
		s.NoError(greenlet.Sleep(main, 0))
		s.Equal([]int{0, 1, 2, 3}, got)
		s.False(c.Pending())
		return nil
	})
	s.Len(s.takeHandled(), 1, "a panicking callback is reported, the loop goes on")
}

// run_callback_threadsafe: Post from another goroutine wakes a blocked loop;
// a Ref keeps main from LoopExit while the other goroutine works.
func (s *Conformance) TestPostFromGoroutine() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		var w sched.Waiter
		h.Ref()
		// The goroutine reports to the test through posted, which is read
		// before the test ends: testify must not be called after that.
		posted := make(chan error, 1)
		go func() {
			time.Sleep(10 * time.Millisecond)
			posted <- h.Post(func() { w.Switch("from outside"); h.Unref() })
		}()
		v, err := w.Get(main.Raw())
		s.NoError(err)
		s.Equal("from outside", v)
		s.NoError(<-posted)
		// without a Ref, waiting is LoopExit
		_, err = w.Get(main.Raw())
		s.ErrorIs(err, greenlet.ErrLoopExit)
		return nil
	})
}

// Post after the hub ended is an error, not a lost callback.
func (s *Conformance) TestPostAfterClose() {
	h := s.run(func(*greenlet.Greenlet) error { return nil })
	s.ErrorIs(h.Post(func() {}), hub.ErrClosed)
}

// §3.3 handle_error: a custom handler sees each failure once; a handler that
// panics does not break the loop and the failure is still recorded.
func (s *Conformance) TestErrorHandler() {
	boom := errors.New("boom")
	var seen []any
	h, err := hub.New(s.coreOpts(hub.WithErrorStream(nil), hub.WithErrorHandler(func(h *hub.Hub, ctx any, err error) {
		seen = append(seen, ctx)
		panic("handler bug")
	}))...)
	s.Require().NoError(err)
	var g *greenlet.Greenlet
	s.NoError(greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		g = greenlet.Spawn(main, fails(boom))
		_, err := g.Get(main)
		s.Same(boom, err)
		return nil
	}))
	s.Equal([]any{g}, seen)
}

type sysExit struct{ code int }

func (e *sysExit) Error() string { return fmt.Sprintf("exit %d", e.code) }
func (e *sysExit) SystemError()  {}

// §4.8: a SystemError in a greenlet or a callback reaches main at its
// blocking call; the greenlet is still marked failed.
func (s *Conformance) TestSystemErrorGoesToMain() {
	s.run(func(main *greenlet.Greenlet) error {
		e := &sysExit{3}
		g := greenlet.Spawn(main, fails(e))
		err := greenlet.Sleep(main, 100*time.Millisecond)
		s.Same(e, err)
		s.True(g.Dead())
		s.Same(e, g.Err())
		sched.Of(main.Hub()).RunCallback(func() { panic(e) })
		err = greenlet.Sleep(main, 100*time.Millisecond)
		s.ErrorIs(err, e)
		// a plain error only gets logged
		greenlet.Spawn(main, fails(errors.New("plain")))
		s.NoError(greenlet.Sleep(main, time.Millisecond))
		return nil
	})
	s.Len(s.takeHandled(), 3)
}

// §3.2 idle: a greenlet in Idle resumes after a greenlet spawned after it.
func (s *Conformance) TestIdle() {
	s.run(func(main *greenlet.Greenlet) error {
		var tr tracer
		a := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			tr.add("idle")
			err := greenlet.Idle(g)
			tr.add("resumed")
			return nil, err
		})
		s.NoError(greenlet.Sleep(main, 0))
		b := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			tr.add("b")
			return nil, greenlet.Sleep(g, 0)
		})
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{a, b}, greenlet.StopOnError())
		s.NoError(err)
		s.Equal([]string{"idle", "b", "resumed"}, tr.ev)
		return nil
	})
}

// Many hubs in parallel on different goroutines share nothing.
func (s *Conformance) TestParallelHubs() {
	var wg sync.WaitGroup
	results := make([]int, 4)
	errs := make([]error, len(results))
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := greenlet.Run(func(main *greenlet.Greenlet) error {
				var gs []*greenlet.Greenlet
				for range 50 {
					gs = append(gs, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
						for range 20 {
							if err := greenlet.Sleep(g, 0); err != nil {
								return nil, err
							}
							results[i]++
						}
						return nil, nil
					}))
				}
				_, err := greenlet.JoinAll(main, gs, greenlet.StopOnError())
				return err
			}, s.coreOpts()...)
			errs[i] = err
		}()
	}
	wg.Wait()
	s.Equal(make([]error, len(results)), errs)
	s.Equal([]int{1000, 1000, 1000, 1000}, results)
}

// A core that this build lacks is a clear error, not a silent fallback.
func (s *Conformance) TestUnknownCore() {
	_, err := hub.New(hub.WithCore("nope"))
	s.ErrorContains(err, `hub: core "nope" is not available in this build`)
	s.T().Setenv(hub.CoreEnv, "nope")
	err = greenlet.Run(func(*greenlet.Greenlet) error { return nil })
	s.ErrorContains(err, `core "nope"`)
}

// RawSpawn: a bare G with no result; its panic goes to the handler.
func (s *Conformance) TestSpawnRaw() {
	s.run(func(main *greenlet.Greenlet) error {
		ran := false
		r := greenlet.SpawnRaw(main, func(g *sched.G) { ran = true })
		s.True(r.Pending())
		s.NoError(greenlet.Sleep(main, 0))
		s.True(ran)
		s.True(r.Dead())
		greenlet.SpawnRaw(main, func(g *sched.G) { panic("raw") })
		s.NoError(greenlet.Sleep(main, 0))
		return nil
	})
	s.Len(s.takeHandled(), 1)
}

// With hub.WithProfileLabels, greenlet goroutines carry greenlet=<name> in
// goroutine (and CPU) profiles.
func (s *Conformance) TestProfileLabels() {
	s.run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, sleeper(time.Hour, nil))
		g.SetName("labelled")
		s.NoError(greenlet.Sleep(main, 0))
		var buf bytes.Buffer
		s.NoError(pprof.Lookup("goroutine").WriteTo(&buf, 1))
		s.Contains(buf.String(), `"greenlet":"labelled"`)
		s.Contains(buf.String(), `"greenlet":"main"`)
		return g.Kill(main)
	}, hub.WithProfileLabels(true))
}

// A timer callback that panics is reported once; the loop goes on.
func (s *Conformance) TestTimerCallbackPanic() {
	s.run(func(main *greenlet.Greenlet) error {
		t := sched.Of(main.Hub()).NewTimer(func() { panic("timer") })
		t.Start(time.Millisecond)
		t0 := s.now(main)
		s.NoError(greenlet.Sleep(main, 20*time.Millisecond))
		s.GreaterOrEqual(s.now(main)-t0, 19*time.Millisecond)
		return nil
	})
	h := s.takeHandled()
	s.Require().Len(h, 1)
	s.Equal("timer callback", h[0].ctx)
}

// Post from many goroutines at once: every function runs once, in the hub.
func (s *Conformance) TestPostConcurrent() {
	const goroutines, posts = 4, 500
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		n := 0
		var w sched.Waiter
		h.Ref()
		var wg sync.WaitGroup
		var postErrs atomic.Int32 // the goroutines do not call testify
		for range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range posts {
					if h.Post(func() {
						if n++; n == goroutines*posts {
							w.Switch(nil)
						}
					}) != nil {
						postErrs.Add(1)
					}
				}
			}()
		}
		_, err := w.Get(main.Raw())
		h.Unref()
		wg.Wait()
		s.Zero(postErrs.Load(), "failed Posts")
		s.Equal(goroutines*posts, n)
		return err
	})
}

// §4.4: an unreferenced timer does not keep the loop alive.
func (s *Conformance) TestUnrefTimer() {
	s.run(func(main *greenlet.Greenlet) error {
		fired := false
		t := sched.Of(main.Hub()).NewTimer(func() { fired = true })
		t.SetRef(false)
		t.Start(time.Hour)
		never := greenlet.New(main, ret(nil))
		s.ErrorIs(never.Join(main), greenlet.ErrLoopExit)
		s.True(t.Active())
		t.SetRef(true)
		t.Start(time.Millisecond)
		s.NoError(greenlet.Sleep(main, 10*time.Millisecond))
		s.True(fired)
		return nil
	})
}

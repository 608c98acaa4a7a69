package greenlet_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// serveHub runs a hub of the suite on its own goroutine, its main greenlet
// waiting until stop is called, as a server's hub would. stop ends it and
// checks that Run succeeded and the census is empty.
//
// The Ref that keeps main waiting also keeps a virtual clock in real time
// (its timers would never fire), so the virtual lane skips these cases.
func (s *Conformance) serveHub(opts ...hub.Option) (h *hub.Hub, stop func()) {
	if s.Virtual {
		s.T().Skip("a hub serving other goroutines holds a Ref: its virtual clock stands still")
	}
	h = s.newHub(opts...)
	h.Ref() // main must not get LoopExit while the test calls in
	evc := make(chan *greenlet.Event, 1)
	stopped := make(chan error, 1)
	go func() {
		stopped <- greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
			ev := greenlet.NewEvent(h)
			evc <- ev
			err := ev.Wait(main)
			return err
		})
	}()
	ev := <-evc
	return h, func() {
		s.Require().NoError(h.Post(func() { ev.Set() }))
		h.Unref()
		s.Require().NoError(<-stopped)
		s.Equal(hub.Census{}, h.Census(), "hub census after Run")
	}
}

// TestCallResult: Call runs fn as a greenlet of the hub (it may block
// there, while the hub runs other greenlets) and returns its typed result;
// fn's error comes back as it is and is not reported to the hub.
func (s *Conformance) TestCallResult() {
	h, stop := s.serveHub()
	defer stop()
	ctx := context.Background()
	n, err := greenlet.Call(ctx, h, func(g *greenlet.Greenlet) (int, error) {
		other := greenlet.SpawnTyped(g, func(g *greenlet.Greenlet) (int, error) {
			return 40, greenlet.Sleep(g, time.Millisecond)
		})
		v, err := other.Get(g)
		return v + 2, err
	})
	s.Require().NoError(err)
	s.Equal(42, n)

	mine := errors.New("not found")
	str, err := greenlet.Call(ctx, h, func(g *greenlet.Greenlet) (string, error) {
		return "partial", mine
	})
	s.Equal(mine, err)
	s.Equal("partial", str)
}

// TestCallPanic: a panic in fn is the caller's *PanicError, with its stack;
// the hub survives and reports nothing.
func (s *Conformance) TestCallPanic() {
	h, stop := s.serveHub()
	defer stop()
	_, err := greenlet.Call(context.Background(), h, func(g *greenlet.Greenlet) (int, error) {
		panic("boom")
	})
	var pe *greenlet.PanicError
	s.Require().ErrorAs(err, &pe)
	s.Equal("boom", pe.Value)
	s.Contains(string(pe.Stack), "TestCallPanic")
	v, err := greenlet.Call(context.Background(), h, func(g *greenlet.Greenlet) (int, error) { return 1, nil })
	s.NoError(err)
	s.Equal(1, v)
}

// TestCallFromHubPanics: a Call from the hub's own goroutine would wait for
// the hub while blocking it: a "greenlet: " panic before anything is queued.
func (s *Conformance) TestCallFromHubPanics() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		var msg string
		func() {
			defer func() { msg, _ = recover().(string) }()
			_, _ = greenlet.Call(context.Background(), h, func(g *greenlet.Greenlet) (int, error) { return 0, nil })
		}()
		s.True(strings.HasPrefix(msg, "greenlet: Call"), "panic: %q", msg)
		// From a spawned greenlet too, not only main.
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			defer func() { msg, _ = recover().(string) }()
			_, _ = greenlet.Call(context.Background(), h, func(g *greenlet.Greenlet) (int, error) { return 0, nil })
			return nil, nil
		})
		msg = ""
		_, err := g.Get(main)
		s.True(strings.HasPrefix(msg, "greenlet: Call"), "panic: %q", msg)
		return err
	})
}

// TestCallCancelKills: cancelling the caller's context kills the greenlet
// with an exit error that wraps the cause; Call returns the cause only once
// the greenlet has ended.
func (s *Conformance) TestCallCancelKills() {
	h, stop := s.serveHub()
	defer stop()
	cause := errors.New("client went away")
	ctx, cancel := context.WithCancelCause(context.Background())
	started := make(chan struct{})
	var ended atomic.Bool
	var seen error
	go func() {
		<-started
		cancel(cause)
	}()
	v, err := greenlet.Call(ctx, h, func(g *greenlet.Greenlet) (int, error) {
		defer ended.Store(true)
		close(started)
		err := greenlet.Sleep(g, greenlet.Forever)
		seen = err
		return 7, err
	})
	s.Require().ErrorIs(err, cause)
	s.Zero(v)
	s.True(ended.Load(), "Call returned before the greenlet ended")
	s.True(greenlet.IsExit(seen), "the kill is an exit: %v", seen)
	s.ErrorIs(seen, cause)
}

// TestCallContextDone: a context done before the call runs nothing.
func (s *Conformance) TestCallContextDone() {
	h, stop := s.serveHub()
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	_, err := greenlet.Call(ctx, h, func(g *greenlet.Greenlet) (int, error) { ran = true; return 1, nil })
	s.ErrorIs(err, context.Canceled)
	s.False(ran)
}

// TestCallHubEnded: a hub that has shut down refuses the call (ErrClosed);
// one that shuts down while fn is parked ends it with ErrHubDestroyed,
// which Call returns.
func (s *Conformance) TestCallHubEnded() {
	h, stop := s.serveHub()
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := greenlet.Call(context.Background(), h, func(g *greenlet.Greenlet) (int, error) {
			close(started)
			return 0, greenlet.Sleep(g, greenlet.Forever)
		})
		done <- err
	}()
	<-started
	stop()
	s.ErrorIs(<-done, greenlet.ErrHubDestroyed)
	_, err := greenlet.Call(context.Background(), h, func(g *greenlet.Greenlet) (int, error) { return 1, nil })
	s.ErrorIs(err, hub.ErrClosed)
}

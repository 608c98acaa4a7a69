package greenlet_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// TestRunInfo: from another goroutine, RunInfo lists the hub's greenlets in
// launch order with what each is parked at and for at least how long it has
// been; from a greenlet of the hub it works too and shows the caller
// running; once the hub has ended it is ErrClosed.
func (s *Conformance) TestRunInfo() {
	h, stop := s.serveHub()
	ctx := context.Background()
	const pause = 20 * time.Millisecond
	ev, err := greenlet.Call(ctx, h, func(g *greenlet.Greenlet) (*greenlet.Event, error) {
		ev := greenlet.NewEvent(h)
		w := greenlet.Spawn(g, func(g *greenlet.Greenlet) (any, error) { return nil, ev.Wait(g) })
		w.SetName("waiter")
		sl := greenlet.Spawn(g, func(g *greenlet.Greenlet) (any, error) { return nil, greenlet.Sleep(g, time.Hour) })
		sl.SetName("sleeper")
		ev.Rawlink(func() { sl.KillNowait() }) // the cleanup below
		return ev, greenlet.Sleep(g, 0)
	})
	s.Require().NoError(err)
	time.Sleep(pause)
	info, err := h.RunInfo()
	s.Require().NoError(err)
	s.T().Log(info)
	s.Require().Len(info.Greenlets, 3)
	mainInfo, waiter, sleeper := info.Greenlets[0], info.Greenlets[1], info.Greenlets[2]
	s.Contains(mainInfo.Name, "main")
	s.Equal("parked", mainInfo.State)
	s.Contains(waiter.Name, "waiter")
	s.Equal("parked", waiter.State)
	s.Contains(waiter.ParkedOn, "Wait")
	s.GreaterOrEqual(waiter.Parked, pause)
	s.Contains(sleeper.Name, "sleeper")
	s.Equal("greenlet: Sleep", sleeper.ParkedOn)
	s.GreaterOrEqual(sleeper.Parked, pause)
	s.Contains(info.String(), "sleeper")

	inside, err := greenlet.Call(ctx, h, func(g *greenlet.Greenlet) (hub.RunInfo, error) { return h.RunInfo() })
	s.Require().NoError(err)
	s.Require().Len(inside.Greenlets, 4)
	s.Equal("running", inside.Greenlets[3].State)

	_, err = greenlet.Call(ctx, h, func(g *greenlet.Greenlet) (any, error) { ev.Set(); return nil, nil })
	s.Require().NoError(err)
	stop()
	_, err = h.RunInfo()
	s.ErrorIs(err, hub.ErrClosed)
}

// TestRunInfoOnSignal: with WithRunInfoOnSignal, the signal makes the hub
// write its RunInfo to its error stream. On each core.
func TestRunInfoOnSignal(t *testing.T) {
	for _, core := range hub.Cores() {
		t.Run(core, func(t *testing.T) {
			var out strings.Builder // the hub's: written on its goroutine
			err := greenlet.Run(func(main *greenlet.Greenlet) error {
				sl := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, greenlet.Sleep(g, time.Hour) })
				sl.SetName("sleeper")
				if err := greenlet.Sleep(main, 0); err != nil {
					return err
				}
				if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
					return err
				}
				for deadline := time.Now().Add(generous); !strings.Contains(out.String(), "sleeper") && time.Now().Before(deadline); {
					if err := greenlet.Sleep(main, time.Millisecond); err != nil {
						return err
					}
				}
				return sl.Kill(main)
			}, hub.WithCore(core), hub.WithRunInfoOnSignal(syscall.SIGUSR1), hub.WithErrorStream(&out))
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`"sleeper".*>: parked at greenlet: Sleep for`).MatchString(out.String()) {
				t.Errorf("no run info on the signal; the error stream has:\n%s", out.String())
			}
		})
	}
}

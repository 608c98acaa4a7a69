package hub_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// eachCore runs f once per core of this build.
func eachCore(t *testing.T, f func(t *testing.T, core string)) {
	for _, core := range hub.Cores() {
		t.Run(core, func(t *testing.T) { f(t, core) })
	}
}

// The *Hub a user made is the one handed back everywhere: by a greenlet's
// Hub and to the error handler (greenlettest keys its state by it).
func TestOneHubEverywhere(t *testing.T) {
	eachCore(t, func(t *testing.T, core string) {
		var seen *hub.Hub
		h, err := hub.New(hub.WithCore(core), hub.WithErrorStream(nil),
			hub.WithErrorHandler(func(h *hub.Hub, ctx any, err error) { seen = h }))
		if err != nil {
			t.Fatal(err)
		}
		var fromMain *hub.Hub
		err = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
			fromMain = main.Hub()
			greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { return nil, errors.New("fails") })
			return greenlet.Sleep(main, 0)
		})
		if err != nil {
			t.Fatal(err)
		}
		if fromMain != h || seen != h {
			t.Errorf("Greenlet.Hub() = %p, error handler got %p, want the hub from New %p", fromMain, seen, h)
		}
		if c := h.Census(); c != (hub.Census{}) {
			t.Errorf("Census after Run = %+v, want all zero", c)
		}
	})
}

// A zero Option is misuse: New panics before it creates anything.
func TestZeroOptionPanics(t *testing.T) {
	defer func() {
		if r, _ := recover().(string); !strings.HasPrefix(r, "hub: New: zero Option") {
			t.Errorf("New(Option{}) panicked with %q, want a \"hub: New: zero Option\" panic", r)
		}
	}()
	_, _ = hub.New(hub.Option{})
}

// The constants of package hub are the scheduler's (the numeric ones are
// checked at compile time).
func TestCoreEnvIsTheSchedulers(t *testing.T) {
	if hub.CoreEnv != sched.CoreEnv {
		t.Errorf("hub.CoreEnv = %q, the scheduler reads %q", hub.CoreEnv, sched.CoreEnv)
	}
}

// RunInfo from another goroutine is taken on the hub and copied into the
// public types whole.
func TestRunInfoFromAnotherGoroutine(t *testing.T) {
	eachCore(t, func(t *testing.T, core string) {
		h, err := hub.New(hub.WithCore(core))
		if err != nil {
			t.Fatal(err)
		}
		var info hub.RunInfo
		err = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
			info, err = greenlet.Blocking(main, func(ctx context.Context) (hub.RunInfo, error) { return h.RunInfo() })
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if info.Core != core || len(info.Greenlets) != 1 || info.Greenlets[0].State != "parked" {
			t.Errorf("RunInfo = %+v, want core %q and the main greenlet parked", info, core)
		}
		if s := info.String(); !strings.HasPrefix(s, "hub (core "+core+"): 1 greenlets\n") {
			t.Errorf("RunInfo.String() = %q", s)
		}
	})
}

package hub_test

import (
	"errors"
	"log/slog"
	"os"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// PrintError reports a failure on one line: the time (here a virtual
// clock's, so that it is the same on every run), what failed and the error.
func ExampleHub_PrintError() {
	h, _ := hub.New(hub.WithVirtualClock(), hub.WithErrorStream(os.Stdout))
	_ = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		h.PrintError("worker", errors.New("bad input"))
		h.PrintError(nil, errors.New("loop broke")) // nil: the hub itself
		return nil
	})
	// Output:
	// 2000-01-01T00:00:00Z worker failed with bad input
	// 2000-01-01T00:00:00Z <hub> failed with loop broke
}

// WithErrorLogger turns each report into a record of a *slog.Logger; a
// panic's record carries its stack as the "stack" attribute.
func ExampleWithErrorLogger() {
	// The time, the stack and "what" (the greenlet, with its address) are
	// dropped here so that the output is the same on every run.
	stable := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == "stack" || a.Key == "what" {
			return slog.Attr{}
		}
		return a
	}
	l := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: stable}))
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { panic("worker broke") })
		return greenlet.Sleep(main, 0)
	}, hub.WithErrorLogger(l))
	// Output:
	// level=ERROR msg=failed err="panic: worker broke"
}

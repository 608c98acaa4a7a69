package hub_test

import (
	"errors"
	"log/slog"
	"os"

	"github.com/gevent-go/gevent/hub"
)

// PrintError reports a failure on one line: the time (here a virtual
// clock's, so that it is the same on every run), what failed and the error.
func ExampleHub_PrintError() {
	h, _ := hub.New(hub.WithVirtualClock(), hub.WithErrorStream(os.Stdout))
	_ = h.Run(func(main *hub.G) error {
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
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == "stack" {
			return slog.Attr{} // dropped here so that the output is the same on every run
		}
		return a
	}
	l := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}))
	h, _ := hub.New(hub.WithErrorLogger(l))
	_ = h.Run(func(main *hub.G) error {
		g := &hub.G{Owner: named("worker")}
		g.Init(h, func(*hub.G) { panic("worker broke") })
		h.Start(g)
		return main.Yield()
	})
	// Output:
	// level=ERROR msg=failed what=worker err="panic: worker broke"
}

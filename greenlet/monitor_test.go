package greenlet_test

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// blockTheThread is what the blocked-hub monitor must find in its report.
//
//go:noinline
func blockTheThread(d time.Duration) {
	time.Sleep(d) //greenletvet:ignore the hub must be blocked for this test
}

// TestBlockingReport: with WithBlockingReport(50ms), a greenlet that blocks
// its hub's thread for 200ms is reported once, with its name, a duration of
// at least the threshold and a stack that shows the blocking function; a
// greenlet parked for as long is not reported, and the monitor's goroutine
// ends with Run. On each core.
func TestBlockingReport(t *testing.T) {
	const threshold = 50 * time.Millisecond
	for _, core := range hub.Cores() {
		t.Run(core, func(t *testing.T) {
			baseline := runtime.NumGoroutine()
			var mu sync.Mutex
			var reports []*hub.BlockingReport
			var others []error
			var printed strings.Builder // the hub's: written on its goroutine
			err := greenlet.Run(func(main *greenlet.Greenlet) error {
				if err := greenlet.Sleep(main, 4*threshold); err != nil { // parked: not a block
					return err
				}
				g := greenlet.New(main, func(g *greenlet.Greenlet) (any, error) {
					blockTheThread(4 * threshold)
					return nil, nil
				})
				g.SetName("sleeper")
				g.Start()
				_, err := g.Get(main)
				return err
			}, hub.WithCore(core), hub.WithBlockingReport(threshold), hub.WithErrorStream(&printed), hub.WithErrorHandler(func(h *hub.Hub, ctx any, err error) {
				mu.Lock()
				defer mu.Unlock()
				var r *hub.BlockingReport
				if errors.As(err, &r) {
					reports = append(reports, r)
					h.PrintError(ctx, err)
				} else {
					others = append(others, err)
				}
			}))
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(others) > 0 {
				t.Errorf("other failures: %v", others)
			}
			// Once per incident. (A machine that starves the hub's thread
			// of CPU for a threshold makes reports of its own, about
			// whatever ran then: those are not counted.)
			var mine []*hub.BlockingReport
			for _, r := range reports {
				if strings.Contains(r.Greenlet, "sleeper") {
					mine = append(mine, r)
				} else {
					t.Logf("a report about another greenlet (a starved machine?): %v", r)
				}
			}
			if len(mine) != 1 {
				t.Fatalf("%d reports about the sleeper, want 1: %v", len(mine), reports)
			}
			r := mine[0]
			if r.Blocked < threshold {
				t.Errorf("blocked %v, want at least %v", r.Blocked, threshold)
			}
			if !strings.Contains(string(r.Stack), "blockTheThread") {
				t.Errorf("the stack does not show the blocking function:\n%s", r.Stack)
			}
			if !strings.Contains(r.Error(), "sleeper") {
				t.Errorf("Error() = %q", r.Error())
			}
			if out := printed.String(); !strings.Contains(out, "blocked the hub") || !strings.Contains(out, "blockTheThread") {
				t.Errorf("PrintError does not show the report and its stack:\n%s", out)
			}
			waitGoroutines(t, baseline)
		})
	}
}

// TestBlockingReportThreshold: a threshold that is not positive is New's
// error.
func TestBlockingReportThreshold(t *testing.T) {
	if _, err := hub.New(hub.WithBlockingReport(0)); err == nil || !strings.HasPrefix(err.Error(), "hub: ") {
		t.Errorf("New(WithBlockingReport(0)) = %v, want a hub: error", err)
	}
}

// BenchmarkHandoffBlockingReport is BenchmarkHandoff with the blocked-hub
// monitor on; budget: within 5 % of BenchmarkHandoff in the same run. (The
// monitor's cost on the hub does not depend on the threshold; a long one
// keeps a machine that starves the benchmark of CPU from printing reports.)
func BenchmarkHandoffBlockingReport(b *testing.B) {
	b.ReportAllocs()
	run(b, handoffBody(b), hub.WithBlockingReport(time.Second), hub.WithErrorStream(nil))
}

package greenlettest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/greenlettest"
	"github.com/gevent-go/gevent/hub"
)

// A clean body passes, and ten virtual minutes of timeout take no real time
// to speak of.
func TestRunClean(t *testing.T) {
	start := time.Now()
	greenlettest.Run(t, func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, greenlet.Sleep(g, time.Hour)
		})
		t0 := main.Hub().Now()
		if _, err := g.JoinTimeout(main, 10*time.Minute); err != nil {
			return err
		}
		if d := time.Duration(main.Hub().Now() - t0); d != 10*time.Minute {
			t.Errorf("Join(10m) took %v of virtual time", d)
		}
		return g.Kill(main)
	})
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("ten virtual minutes took %v", el)
	}
}

func problems(t *testing.T, body func(main *greenlet.Greenlet) error, opts ...hub.Option) string {
	t.Helper()
	err := greenlettest.Check(body, opts...)
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestCheckLeakedGreenlet(t *testing.T) {
	got := problems(t, func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, greenlet.Sleep(g, time.Hour) })
		return greenlet.Sleep(main, time.Minute)
	})
	if !strings.Contains(got, "1 greenlets besides main, 0 callbacks queued (greenlets not started yet among them), 1 timers armed") {
		t.Errorf("leaked greenlet not reported: %q", got)
	}
}

func TestCheckLeakedTimeout(t *testing.T) {
	got := problems(t, func(main *greenlet.Greenlet) error {
		greenlet.NewTimeout(time.Second, nil).Start(main)
		return nil
	})
	if !strings.Contains(got, "1 timers armed") {
		t.Errorf("armed timer not reported: %q", got)
	}
}

func TestCheckHeldRef(t *testing.T) {
	got := problems(t, func(main *greenlet.Greenlet) error {
		main.Hub().Ref()
		return nil
	})
	if !strings.Contains(got, "1 refs held") {
		t.Errorf("held Ref not reported: %q", got)
	}
}

func TestCheckBodyError(t *testing.T) {
	boom := errors.New("boom")
	err := greenlettest.Check(func(main *greenlet.Greenlet) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("Check = %v, want it to wrap the body's error", err)
	}
}

var errLost = errors.New("nobody collects this")

func failing(main *greenlet.Greenlet) *greenlet.Greenlet {
	return greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { return nil, errLost })
}

func TestCheckReports(t *testing.T) {
	unexpected := problems(t, func(main *greenlet.Greenlet) error {
		return failing(main).Join(main)
	})
	if !strings.Contains(unexpected, "unexpected report") || !strings.Contains(unexpected, errLost.Error()) {
		t.Errorf("unexpected report not reported: %q", unexpected)
	}
	if got := problems(t, func(main *greenlet.Greenlet) error {
		greenlettest.Expect(main, errLost)
		return failing(main).Join(main)
	}); got != "" {
		t.Errorf("expected report reported: %q", got)
	}
	twice := problems(t, func(main *greenlet.Greenlet) error {
		greenlettest.Expect(main, errLost)
		if err := failing(main).Join(main); err != nil {
			return err
		}
		return failing(main).Join(main)
	})
	if strings.Count(twice, "unexpected report") != 1 {
		t.Errorf("one Expect must allow one report: %q", twice)
	}
	missing := problems(t, func(main *greenlet.Greenlet) error {
		greenlettest.Expect(main, errLost)
		return nil
	})
	if !strings.Contains(missing, "expected reports never came") {
		t.Errorf("missing report not reported: %q", missing)
	}
}

func TestCheckOtherCore(t *testing.T) {
	got := problems(t, func(*greenlet.Greenlet) error { return nil }, hub.WithCore("c"))
	if !strings.Contains(got, "WithVirtualClock") {
		t.Errorf("a C core with a virtual clock must fail: %q", got)
	}
}

// recorder is a testing.TB that records instead of failing.
type recorder struct {
	testing.TB
	errs   []string
	failed bool
}

func (r *recorder) Helper()                        {}
func (r *recorder) Errorf(format string, a ...any) { r.errs = append(r.errs, format) }
func (r *recorder) FailNow()                       { r.failed = true }

// Run reports every problem with Errorf and calls FailNow once, after the
// hub has ended, on the test's goroutine.
func TestRunReportsThenFailsNow(t *testing.T) {
	r := &recorder{TB: t}
	greenlettest.Run(r, func(main *greenlet.Greenlet) error {
		failing(main)
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, greenlet.Sleep(g, time.Hour) })
		if err := greenlet.Sleep(main, time.Second); err != nil {
			return err
		}
		if r.failed {
			t.Error("FailNow called while the hub runs")
		}
		return errors.New("body failed")
	})
	if len(r.errs) != 3 || !r.failed {
		t.Errorf("Run: %d Errorf calls (want 3: report, leak, body), FailNow %v", len(r.errs), r.failed)
	}
}

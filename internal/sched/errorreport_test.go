package sched

import (
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"
)

// reportCases are failures with known stacks, so that whole reports can be
// compared.
func reportCases() []error {
	return []error{
		errors.New("bad input"),
		&PanicError{Value: "kaboom", Stack: []byte("goroutine 7 [running]:\nmain.work()\n\t/src/work.go:12\n")},
		&BlockingReport{Greenlet: "sleeper", Blocked: 50 * time.Millisecond, Stack: []byte("goroutine 1 [running]:\nmain.spin()\n")},
		ErrGoexit,
		ErrHubDestroyed, // an ExitError: not reported
	}
}

// PrintError reports each failure on one line, and a stack only after a
// panic or a blocking report, between labelled lines; on every core.
func TestPrintErrorText(t *testing.T) {
	stamp := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ `)
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			var out strings.Builder
			h, err := New(WithCore(core), WithErrorStream(&out))
			if err != nil {
				t.Fatal(err)
			}
			err = h.Run(func(main *G) error {
				for _, e := range reportCases() {
					h.PrintError("worker", e)
				}
				h.PrintError(nil, errors.New("loop broke"))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := `TIME worker failed with bad input
TIME worker failed with panic: kaboom
--- stack of the panic in worker ---
goroutine 7 [running]:
main.work()
	/src/work.go:12
--- end of stack ---
TIME hub: sleeper blocked the hub for 50ms without switching
--- stack of the block in worker ---
goroutine 1 [running]:
main.spin()
--- end of stack ---
TIME worker failed with hub: greenlet body called runtime.Goexit (t.FailNow, t.Fatal, require)
TIME <hub> failed with loop broke
`
			if got := stamp.ReplaceAllString(out.String(), "TIME "); got != want {
				t.Errorf("PrintError wrote\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// WithErrorLogger makes each report one slog record, on every core; the
// last of WithErrorLogger and WithErrorStream wins.
func TestErrorLoggerRecords(t *testing.T) {
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			var logged, streamed strings.Builder
			l := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{ReplaceAttr: noTime}))
			h, err := New(WithCore(core), WithErrorStream(&streamed), WithErrorLogger(l))
			if err != nil {
				t.Fatal(err)
			}
			err = h.Run(func(main *G) error {
				for _, e := range reportCases() {
					h.PrintError("worker", e)
				}
				h.PrintError(nil, errors.New("loop broke"))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := `level=ERROR msg=failed what=worker err="bad input"
level=ERROR msg=failed what=worker err="panic: kaboom" stack="goroutine 7 [running]:\nmain.work()\n\t/src/work.go:12\n"
level=WARN msg=blocked what=worker err="hub: sleeper blocked the hub for 50ms without switching" stack="goroutine 1 [running]:\nmain.spin()\n"
level=ERROR msg=failed what=worker err="hub: greenlet body called runtime.Goexit (t.FailNow, t.Fatal, require)"
level=ERROR msg=failed what=<hub> err="loop broke"
`
			if got := logged.String(); got != want {
				t.Errorf("the logger got\n%s\nwant\n%s", got, want)
			}
			if streamed.Len() != 0 {
				t.Errorf("the replaced stream got %q", streamed.String())
			}
			var again strings.Builder
			h2, err := New(WithCore(core), WithErrorLogger(l), WithErrorStream(&again))
			if err != nil {
				t.Fatal(err)
			}
			if err := h2.Run(func(*G) error { h2.PrintError("x", errors.New("y")); return nil }); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(again.String(), " x failed with y\n") {
				t.Errorf("a later WithErrorStream did not win: %q", again.String())
			}
		})
	}
}

package greenlet_test

import (
	"errors"
	"log/slog"
	"regexp"
	"strings"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

var (
	reportTime  = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ `)
	reportAddr  = regexp.MustCompile(`0x[0-9a-f]+: [^>]*>`) // the body's name depends on inlining
	reportStack = regexp.MustCompile(`(?s)(--- stack of [^\n]* ---\n).*?\n(--- end of stack ---\n)`)
)

// normalReport replaces what changes from run to run in printed reports:
// the time, a greenlet's address and body name, and the body of each
// labelled stack.
func normalReport(out string) string {
	out = reportTime.ReplaceAllString(out, "TIME ")
	out = reportAddr.ReplaceAllString(out, "0xADDR: FUNC>")
	return reportStack.ReplaceAllString(out, "${1}STACK\n${2}")
}

// failAll spawns the greenlets whose failures the report tests print: an
// error returned, a panic, and an ExitError (a success: not reported), and
// lets them finish.
func failAll(main *greenlet.Greenlet) error {
	greenlet.Spawn(main, fails(errors.New("bad input"))).SetName("returns")
	greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { panic("kaboom") }).SetName("panics")
	greenlet.Spawn(main, fails(&greenlet.GreenletExit{})).SetName("exits")
	return greenlet.Sleep(main, 0) // they run, and finish, before main resumes
}

// A failure is reported on one line; only a panic adds its stack, between
// labelled lines; an ExitError is not reported; a nil source is the hub.
func (s *Conformance) TestErrorReportLines() {
	s.run(func(main *greenlet.Greenlet) error {
		if err := failAll(main); err != nil {
			return err
		}
		main.Hub().PrintError(nil, errors.New("loop broke"))
		return nil
	})
	out := s.printed.String()
	s.Contains(out, "errorreport_test.go", "the panic's stack shows where it panicked")
	s.Equal(`TIME <Greenlet "returns" at 0xADDR: FUNC> failed with bad input
TIME <Greenlet "panics" at 0xADDR: FUNC> failed with panic: kaboom
--- stack of the panic in <Greenlet "panics" at 0xADDR: FUNC> ---
STACK
--- end of stack ---
TIME <hub> failed with loop broke
`, normalReport(out))
	s.Len(s.takeHandled(), 2)
}

// WithErrorLogger makes each report one record of a *slog.Logger.
func (s *Conformance) TestErrorReportLogger() {
	var buf strings.Builder
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	l := slog.New(slog.NewTextHandler(&lockedBuilder{s: s, b: &buf}, &slog.HandlerOptions{ReplaceAttr: noTime}))
	s.run(failAll, hub.WithErrorLogger(l))
	s.Empty(s.printed.String(), "the error stream is replaced")
	out := reportAddr.ReplaceAllString(buf.String(), "0xADDR: FUNC>")
	lines := strings.Split(out, "\n")
	s.Require().Len(lines, 3, out)
	s.Equal(`level=ERROR msg=failed what="<Greenlet \"returns\" at 0xADDR: FUNC>" err="bad input"`, lines[0])
	s.True(strings.HasPrefix(lines[1], `level=ERROR msg=failed what="<Greenlet \"panics\" at 0xADDR: FUNC>" err="panic: kaboom" stack="goroutine `), lines[1])
	s.Contains(lines[1], "errorreport_test.go")
	s.Equal("", lines[2])
	s.Len(s.takeHandled(), 2)
	s.Equal("hub: WithErrorLogger(nil): pass a logger, or use WithErrorStream(nil) to silence reports",
		panicMessage(func() { hub.WithErrorLogger(nil) }))
}

type lockedBuilder struct {
	s *Conformance
	b *strings.Builder
}

func (w *lockedBuilder) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.b.Write(p)
}

// A raw link of an Event, an AsyncResult or a Semaphore that panics is
// reported under the object's type and address, not a dump of its fields.
func (s *Conformance) TestErrorReportLinkSource() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		e, r, sem := greenlet.NewEvent(h), greenlet.NewAsyncResult(h), greenlet.NewSemaphore(h, 1)
		e.Rawlink(func() { panic("event link") })
		r.Rawlink(func() { panic("result link") })
		sem.Rawlink(func() { panic("semaphore link") })
		e.Set()
		r.Set(1)
		return greenlet.Sleep(main, 0)
	})
	var sources []any
	for _, x := range s.takeHandled() {
		sources = append(sources, reportLinkAddr.ReplaceAllString(x.ctx.(string), "0xADDR"))
	}
	s.ElementsMatch([]any{
		"link of *greenlet.Event at 0xADDR",
		"link of *greenlet.AsyncResult at 0xADDR",
		"link of *greenlet.Semaphore at 0xADDR",
	}, sources)
}

var reportLinkAddr = regexp.MustCompile(`0x[0-9a-f]+$`)

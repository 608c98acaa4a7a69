package sched

import (
	"context"
	"io"
	"log/slog"
	"strings"
)

// WithErrorLogger sends the hub's reports to l instead of an error stream:
// each failure PrintError reports is one record at level Error, message
// "failed", with the attributes "what" (the source, as PrintError names
// it) and "err", plus "stack" for a panic; a BlockingReport is a record at
// level Warn, message "blocked", with the same attributes, "stack" being
// the blocked code's. Other text the
// hub writes to its error stream (the run-info dump) is one record at
// level Info. The logger stamps the time itself. WithErrorLogger and
// WithErrorStream replace each other: the last given wins. A nil l panics.
func WithErrorLogger(l *slog.Logger) Option {
	if l == nil {
		panic("hub: WithErrorLogger(nil): pass a logger, or use WithErrorStream(nil) to silence reports")
	}
	return WithErrorStream(&logStream{l: l})
}

// logStream is the error stream of WithErrorLogger: PrintError recognises
// it and logs a record per report; anything else written to it is logged
// as it comes.
type logStream struct{ l *slog.Logger }

var _ io.Writer = (*logStream)(nil)

func (s *logStream) Write(p []byte) (int, error) {
	s.l.Info(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// report logs one failure; kind is "" for a plain failure, else what the
// stack belongs to ("the panic" or "the block").
func (s *logStream) report(what string, err error, kind string, stack []byte) {
	level, msg := slog.LevelError, "failed"
	if kind == "the block" {
		level, msg = slog.LevelWarn, "blocked"
	}
	attrs := []slog.Attr{slog.String("what", what), slog.String("err", err.Error())}
	if kind != "" {
		attrs = append(attrs, slog.String("stack", string(stack)))
	}
	s.l.LogAttrs(context.Background(), level, msg, attrs...)
}

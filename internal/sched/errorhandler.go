package sched

import (
	"bytes"
	"errors"
	"fmt"
	"runtime/debug"
)

// An ErrorHandler receives every failure the hub observes, with its source:
// the greenlet that failed (its owner, such as a *greenlet.Greenlet, or the
// *G of a raw one), a value naming a callback or link that panicked (a
// string, or the owner of the G it belongs to), or nil for a failure of the
// program as a whole (a signal handler's, the loop's). It replaces
// PrintError; it runs on the hub's goroutine, must not block, and must not
// panic (a panic is printed and otherwise ignored).
//
// Whatever the handler does, the hub then re-delivers the error to the main
// greenlet if source is nil or err is a SystemError, as gevent's
// handle_error does with SYSTEM_ERROR.
type ErrorHandler func(h *Hub, source any, err error)

// HandleError reports a failure: it calls the error handler (by default
// PrintError), then, for a nil source or a SystemError, delivers err to the
// main greenlet at its blocking call. The greenlet that failed keeps its
// failure either way.
func (h *Hub) HandleError(source any, err error) {
	if h.handler == nil {
		h.PrintError(source, err)
	} else {
		func() {
			defer func() {
				if r := recover(); r != nil {
					h.PrintError("error handler", newPanicError(r))
				}
			}()
			h.handler(h, source, err)
		}()
	}
	if (source == nil || IsSystem(err)) && h.main != nil && h.main.state != gDead && !h.destroying {
		if h.current == h.main {
			// The main greenlet itself failed in a way it will report.
			return
		}
		h.Throw(h.main, err)
	}
}

// PrintError reports a failure on one line, as gevent's print_exception
// ends its report:
//
//	<time> <source> failed with <err>
//
// with the time in ISO-8601 UTC (the virtual one on a virtual clock) and
// "<hub>" for a nil source. Only a crash says more: a *PanicError is followed
// by the stack of the panic between a line "--- stack of the panic in
// <source> ---" and a line "--- end of stack ---". A *BlockingReport is
// not a failure: its line is "<time> <report>", followed by the stack of
// the code that blocked, labelled "--- stack of the block in <source> ---"
// the same way. An ExitError
// is a success and is not reported. The report goes to the error stream
// (WithErrorStream), or is one record of the logger given to
// WithErrorLogger.
func (h *Hub) PrintError(source any, err error) {
	if IsExit(err) {
		return
	}
	what := "<hub>"
	if source != nil {
		what = fmt.Sprint(source)
	}
	var stack []byte
	kind := ""
	var p *PanicError
	var b *BlockingReport
	if errors.As(err, &p) {
		stack, kind = p.Stack, "the panic"
	} else if errors.As(err, &b) {
		stack, kind = b.Stack, "the block"
	}
	if l, ok := h.errOut.(*logStream); ok {
		l.report(what, err, kind, stack)
		return
	}
	var buf bytes.Buffer
	stamp := h.wallNow().UTC().Format("2006-01-02T15:04:05Z")
	if b != nil {
		fmt.Fprintf(&buf, "%s %v\n", stamp, err) // not a failure: the report names the blocker
	} else {
		fmt.Fprintf(&buf, "%s %s failed with %v\n", stamp, what, err)
	}
	if kind != "" {
		fmt.Fprintf(&buf, "--- stack of %s in %s ---\n", kind, what)
		buf.Write(bytes.TrimRight(stack, "\n"))
		buf.WriteString("\n--- end of stack ---\n")
	}
	h.errOut.Write(buf.Bytes()) // one write: reports of several hubs do not interleave
}

// NewPanicError wraps a recovered panic value with the current stack. Call it
// in the deferred function that recovered.
func NewPanicError(v any) *PanicError { return newPanicError(v) }

func newPanicError(v any) *PanicError {
	if p, ok := v.(*PanicError); ok {
		return p
	}
	return &PanicError{Value: v, Stack: debug.Stack()}
}

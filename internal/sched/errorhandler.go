package sched

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// An ErrorHandler receives every failure the hub observes: a greenlet that
// failed (ctx is its owner, a *greenlet.Greenlet or a *G), a callback or link
// that panicked (ctx names it), or a failure of a signal handler (ctx is
// nil). It replaces PrintError; it runs on the hub's goroutine, must not
// block, and must not panic (a panic is printed and otherwise ignored).
//
// Whatever the handler does, the hub then re-delivers the error to the main
// greenlet if ctx is nil or err is a SystemError, as gevent's handle_error
// does with SYSTEM_ERROR.
type ErrorHandler func(h *Hub, ctx any, err error)

// HandleError reports a failure: it calls the error handler (by default
// PrintError), then, for a nil ctx or a SystemError, delivers err to the main
// greenlet at its blocking call. The greenlet that failed keeps its failure
// either way.
func (h *Hub) HandleError(ctx any, err error) {
	if h.handler == nil {
		h.PrintError(ctx, err)
	} else {
		func() {
			defer func() {
				if r := recover(); r != nil {
					h.PrintError("error handler", newPanicError(r))
				}
			}()
			h.handler(h, ctx, err)
		}()
	}
	if (ctx == nil || IsSystem(err)) && h.main != nil && h.main.state != gDead && !h.destroying {
		if h.current == h.main {
			// The main greenlet itself failed in a way it will report.
			return
		}
		h.Throw(h.main, err)
	}
}

// PrintError writes err the way gevent's print_exception does: the failure
// (for a panic, its value and stack; ExitErrors are never printed), then a
// line "<ISO-8601 UTC time> <ctx> failed with <error>" and a blank line.
func (h *Hub) PrintError(ctx any, err error) {
	if IsExit(err) {
		return
	}
	var p *PanicError
	var b *BlockingReport
	if errors.As(err, &p) {
		fmt.Fprintf(h.errOut, "panic: %v\n\n%s\n", p.Value, p.Stack)
	} else if errors.As(err, &b) {
		fmt.Fprintf(h.errOut, "%v:\n\n%s\n\n", b, b.Stack)
	} else {
		fmt.Fprintf(h.errOut, "error: %T: %v\n", err, err)
	}
	what := "<hub>"
	if ctx != nil {
		what = fmt.Sprint(ctx)
	}
	fmt.Fprintf(h.errOut, "%s %s failed with %v\n\n", h.wallNow().UTC().Format("2006-01-02T15:04:05Z"), what, err)
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

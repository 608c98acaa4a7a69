package greenlet

import (
	"fmt"
	"math"
	"time"
)

// forever is the internal "no timeout": the duration a call without Within
// (or a short form without a ...Timeout sibling) waits.
const forever time.Duration = math.MaxInt64

// A WaitOption is one knob of a call that has several (JoinAll, KillAll,
// WaitObjects, IWait, Kill, Group.Join, Group.Kill): make it with Within,
// Count, StopOnError or WithError. Options are small values; passing them
// allocates nothing. An option the call does not take, the same option
// given twice, or a zero WaitOption panics before the call has any effect.
type WaitOption struct {
	kind optKind
	d    time.Duration
	n    int
	err  error
}

type optKind uint8

const (
	optWithin optKind = 1 << iota
	optCount
	optStopOnError
	optWithError
)

func (k optKind) String() string {
	switch k {
	case optWithin:
		return "Within"
	case optCount:
		return "Count"
	case optStopOnError:
		return "StopOnError"
	case optWithError:
		return "WithError"
	}
	return "a zero WaitOption"
}

// Within bounds the whole call to d (gevent's timeout=): once d has passed
// the call returns what it has, as each call documents. A d of zero or less
// expires at the next loop iteration, as an expired context deadline would.
// Without Within the call waits as long as it takes.
func Within(d time.Duration) WaitOption { return WaitOption{kind: optWithin, d: d} }

// Count ends a wait once n of the objects are ready (gevent's count=); a
// call given fewer than n objects waits for all of them. An n below 1
// panics: it would wait for nothing.
func Count(n int) WaitOption {
	if n < 1 {
		panic(fmt.Sprintf("greenlet: Count(%d): n must be at least 1", n))
	}
	return WaitOption{kind: optCount, n: n}
}

// StopOnError makes the first failure, in completion order, end the wait
// and be its error (gevent's raise_error=True). The greenlets still
// running keep running.
func StopOnError() WaitOption { return WaitOption{kind: optStopOnError} }

// WithError is the error a kill delivers to its victims (gevent's
// exception=); without it each victim receives a new *GreenletExit. A nil
// err panics: say nothing to get the default.
func WithError(err error) WaitOption {
	if err == nil {
		panic("greenlet: WithError(nil): omit the option for the default GreenletExit")
	}
	return WaitOption{kind: optWithError, err: err}
}

// waitOpts is what a call's options say, with the defaults filled in.
type waitOpts struct {
	timeout     time.Duration // forever without Within
	count       int           // -1 without Count
	stopOnError bool
	err         error // nil without WithError
}

// parseOpts reads opts for op, which takes the options in allowed; any
// other, a repeated one or a zero WaitOption panics (before op has had any
// effect: call it first).
func parseOpts(op string, allowed optKind, opts []WaitOption) waitOpts {
	w := waitOpts{timeout: forever, count: -1}
	var seen optKind
	for _, o := range opts {
		if o.kind == 0 {
			panic("greenlet: " + op + ": a zero WaitOption (make options with Within, Count, StopOnError or WithError)")
		}
		if o.kind&allowed == 0 {
			panic("greenlet: " + o.kind.String() + " does not apply to " + op)
		}
		if seen&o.kind != 0 {
			panic("greenlet: " + op + ": " + o.kind.String() + " given twice")
		}
		seen |= o.kind
		switch o.kind {
		case optWithin:
			w.timeout = o.d
		case optCount:
			w.count = o.n
		case optStopOnError:
			w.stopOnError = true
		case optWithError:
			w.err = o.err
		}
	}
	return w
}

// killErr returns the error a kill delivers: the WithError one, or a new
// *GreenletExit (one per victim, as gevent raises a fresh instance).
func (w *waitOpts) killErr() error {
	if w.err != nil {
		return w.err
	}
	return &GreenletExit{}
}

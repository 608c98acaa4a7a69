package sched

import (
	"sync/atomic"
	"time"
)

func init() { RegisterCore("go", func() (Loop, error) { return newGoLoop(), nil }) }

var _ Loop = (*goLoop)(nil)

// goLoop is the pure-Go core: a timerHeap of deadlines and a one-slot
// channel for wake-ups. When nothing is ready, Run blocks the hub's locked
// goroutine on a time.Timer and the wake channel; the thread idles.
type goLoop struct {
	timerHeap           // Arm and Cancel
	base      time.Time // zero of the clock; carries the monotonic reading
	now       int64     // cached clock, ns since base
	wake      chan struct{}
	timer     *time.Timer // reused for blocking waits; stopped between waits

	// fd readiness (goloop_io_*.go): the poller, made at the first Watch
	// and read by Wake's goroutines, and watches that failed before it.
	poll     atomic.Pointer[fdPoller]
	pollErrs []IOReady
}

func newGoLoop() *goLoop {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &goLoop{base: time.Now(), wake: make(chan struct{}, 1), timer: t}
}

func (l *goLoop) Now() int64 { return l.now }

func (l *goLoop) UpdateNow() { l.now = int64(time.Since(l.base)) }

func (l *goLoop) Run(block bool, fired []uint64) ([]uint64, error) {
	if p := l.poll.Load(); p != nil && p.busy() || len(l.pollErrs) > 0 {
		return l.runPoll(p, block, fired)
	}
	if block {
		l.UpdateNow()
		if first, ok := l.first(); !ok {
			<-l.wake
		} else if d := first - l.now; d > 0 {
			l.timer.Reset(time.Duration(d))
			select {
			case <-l.wake:
			case <-l.timer.C:
			}
			l.timer.Stop()
		}
	} else {
		// A pending wake-up is consumed here: the hub looks at its post
		// queue after every Run anyway.
		select {
		case <-l.wake:
		default:
		}
	}
	l.UpdateNow()
	return l.popDue(l.now, fired), nil
}

func (l *goLoop) Wake() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
	if p := l.poll.Load(); p != nil {
		p.kick()
	}
}

// Reinit re-creates the epoll set of a loop that watches fds; the rest
// belongs to the Go runtime (the timer and the channel).
func (l *goLoop) Reinit() error {
	if p := l.poll.Load(); p != nil {
		return p.reinit()
	}
	return nil
}

func (l *goLoop) Close() error {
	if p := l.poll.Load(); p != nil {
		p.close()
	}
	l.timer.Stop()
	l.reset()
	return nil
}

// armed reports how many timers are armed; tests use it for the census.
func (l *goLoop) armed() int { return l.live }

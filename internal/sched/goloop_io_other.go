//go:build !linux

package sched

import "errors"

// errNoPoller is the error of every fd watch on the pure-Go core outside
// Linux: only the epoll poller exists so far (the C core's libev watches fds
// on every system libev supports).
var errNoPoller = errors.New("hub: the pure-Go core watches fds on Linux only; use the C core")

// fdPoller is the pure-Go core's fd poller; outside Linux it has no state,
// and every watch fails (see errNoPoller).
type fdPoller struct{}

func (l *goLoop) Watch(id uint64, fd int, events IOEvents) {
	l.pollErrs = append(l.pollErrs, IOReady{ID: id, Events: events, Err: errNoPoller})
}

func (l *goLoop) Unwatch(id uint64) {
	for i := range l.pollErrs {
		if l.pollErrs[i].ID == id {
			l.pollErrs[i].ID = ^uint64(0)
		}
	}
}

func (l *goLoop) ForgetFD(fd int) {}

func (l *goLoop) ReadyIO(ready []IOReady) []IOReady {
	for _, r := range l.pollErrs {
		if r.ID != ^uint64(0) {
			ready = append(ready, r)
		}
	}
	clear(l.pollErrs)
	l.pollErrs = l.pollErrs[:0]
	return ready
}

func (l *goLoop) runPoll(p *fdPoller, block bool, fired []uint64) ([]uint64, error) {
	l.UpdateNow()
	return l.popDue(l.now, fired), nil
}

func (p *fdPoller) busy() bool    { return false }
func (p *fdPoller) kick()         {}
func (p *fdPoller) close()        {}
func (p *fdPoller) reinit() error { return nil }

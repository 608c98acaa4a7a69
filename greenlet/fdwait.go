package greenlet

import (
	"time"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// ErrBadFD is what a wait on a file descriptor that cannot be watched
// returns (wrapped with the fd and the cause): a negative fd, one that is not
// open, or one the loop gave up on.
var ErrBadFD = hub.ErrBadFD

// ErrFDClosed is what a wait on a file descriptor returns when CancelWait
// ended it (a close through the hub, such as the socket package's Close).
var ErrFDClosed = hub.ErrFDClosed

// ErrVirtualIO is what a wait on a file descriptor returns on a hub with a
// virtual clock: readiness comes from outside the program, so such a hub
// refuses fd waits.
var ErrVirtualIO = hub.ErrVirtualIO

// WaitRead parks cur until fd is readable (gevent's wait_read): data, end of
// file or an error is waiting, so a non-blocking read will not return
// EAGAIN (except after a spurious wake-up, which callers retry). Only cur
// waits; the hub runs the other greenlets meanwhile. Any number of
// greenlets may wait on one fd; all of them wake. A regular file is always
// ready (as for poll(2)), so a wait on one returns at once.
//
// Close an fd that greenlets of the hub wait or recently waited on only
// after CancelWait (the socket package's Close does it): the loops keep an
// fd registered for a while after its last wait, and a file that reuses the
// number without that call might never be reported ready.
//
// It returns nil, the error delivered to cur meanwhile (a kill, a Timeout),
// ErrBadFD (wrapped) for an fd that cannot be watched, ErrFDClosed when
// CancelWait ended the wait, or ErrVirtualIO on a virtual clock. A blocking
// call: cur must be the greenlet now running.
func WaitRead(cur *Greenlet, fd int) error {
	if err := cur.check("WaitRead", nil); err != nil {
		return err
	}
	_, err := cur.raw.WaitFD(fd, sched.Readable, "greenlet: WaitRead")
	return err
}

// WaitReadTimeout is WaitRead that gives up after d (d <= 0: at the next
// loop iteration): true means fd became readable, false that d passed first.
func WaitReadTimeout(cur *Greenlet, fd int, d time.Duration) (bool, error) {
	if err := cur.check("WaitReadTimeout", nil); err != nil {
		return false, err
	}
	ev, err := cur.raw.WaitFDTimeout(fd, sched.Readable, d, "greenlet: WaitReadTimeout")
	return ev != 0, err
}

// WaitWrite parks cur until fd is writable (gevent's wait_write): a
// non-blocking write will make progress, or report the fd's error. Same
// contract as WaitRead.
func WaitWrite(cur *Greenlet, fd int) error {
	if err := cur.check("WaitWrite", nil); err != nil {
		return err
	}
	_, err := cur.raw.WaitFD(fd, sched.Writable, "greenlet: WaitWrite")
	return err
}

// WaitWriteTimeout is WaitWrite that gives up after d (d <= 0: at the next
// loop iteration): true means fd became writable, false that d passed first.
func WaitWriteTimeout(cur *Greenlet, fd int, d time.Duration) (bool, error) {
	if err := cur.check("WaitWriteTimeout", nil); err != nil {
		return false, err
	}
	ev, err := cur.raw.WaitFDTimeout(fd, sched.Writable, d, "greenlet: WaitWriteTimeout")
	return ev != 0, err
}

// CancelWait ends every wait of h's greenlets on fd (gevent's cancel_wait):
// their WaitRead/WaitWrite returns err, or ErrFDClosed if err is nil, and
// the hub forgets fd. Call it right before closing fd, from h's goroutine
// (a greenlet or a callback; it never blocks): the kernel may hand the number
// to the next file opened, and a waiter left behind would otherwise watch
// that file. It returns how many waits it ended.
func CancelWait(h *hub.Hub, fd int, err error) int { return schedOf(h).CancelFD(fd, err) }

package sched

import (
	"errors"
	"fmt"
	"time"
)

// IOEvents is a set of fd readiness conditions (gevent's READ and WRITE).
type IOEvents uint32

// The readiness conditions. Their values are libev's EV_READ and EV_WRITE,
// so the C core passes them through unchanged.
const (
	Readable IOEvents = 1 << iota // a read would not block (data, EOF or an error)
	Writable                      // a write would not block (room, or an error)
)

// String names the set: "read", "write", "read|write" or "none".
func (e IOEvents) String() string {
	switch e & (Readable | Writable) {
	case Readable:
		return "read"
	case Writable:
		return "write"
	case Readable | Writable:
		return "read|write"
	}
	return "none"
}

// IOReady is one io watcher a Loop found ready: its id, the conditions met,
// and Err when the loop could not watch the fd at all.
type IOReady struct {
	ID     uint64
	Events IOEvents
	Err    error
}

// ErrBadFD is what a wait on an fd that cannot be watched returns (wrapped
// with the fd and the cause): a negative fd, one that is not open, or one
// the loop gave up on.
var ErrBadFD = errors.New("hub: bad file descriptor")

// ErrFDClosed is what a wait on an fd returns when CancelFD (a close
// through this hub) ended it: the fd may already belong to another file,
// which the waiter never watches.
var ErrFDClosed = errors.New("hub: file descriptor closed while a greenlet waited on it")

// ErrVirtualIO is what a wait on an fd returns on a virtual-clock hub
// (WithVirtualClock): readiness comes from outside the program, which a
// virtual clock would skip over, so such a hub refuses fd waits instead of
// making a simulation depend on real time.
var ErrVirtualIO = errors.New("hub: a virtual-clock hub cannot wait on file descriptors")

// ioTable holds the io waits of a hub: one slot per waiting G, indexed by
// the io id the loop knows. Slots are values in a slice, so a wait
// allocates nothing once the table has grown to the number of concurrent
// waits.
type ioTable struct {
	waits []ioWait
	free  []uint64
	n     int // active waits: they keep the loop alive
	ready []IOReady
}

type ioWait struct {
	active bool
	done   bool // the loop reported it (or CancelFD ended it)
	fd     int
	tok    Token
	got    IOEvents
	err    error
}

func (t *ioTable) alloc() uint64 {
	t.n++
	if n := len(t.free); n > 0 {
		id := t.free[n-1]
		t.free = t.free[:n-1]
		return id
	}
	t.waits = append(t.waits, ioWait{})
	return uint64(len(t.waits) - 1)
}

func (t *ioTable) release(id uint64) {
	t.waits[id] = ioWait{}
	t.free = append(t.free, id)
	t.n--
}

// WaitFD parks g, which must be the G now running, until fd is ready for
// one of events (Readable, Writable or both), and returns the conditions
// met: gevent's wait_read/wait_write on the hub's loop, level-triggered. It
// returns the error delivered to g meanwhile (a kill, a Timeout), ErrBadFD
// (wrapped) for an fd that cannot be watched, ErrFDClosed if CancelFD ended
// the wait, or ErrVirtualIO on a virtual clock. Many Gs may wait on one fd;
// all of them wake when it is ready. op names the caller's operation in
// misuse messages. An empty or unknown events set panics.
func (g *G) WaitFD(fd int, events IOEvents, op string) (IOEvents, error) {
	return g.waitFD(fd, events, -1, op)
}

// WaitFDTimeout is WaitFD that gives up after d (d <= 0: at the next loop
// iteration) and then returns 0 and a nil error.
func (g *G) WaitFDTimeout(fd int, events IOEvents, d time.Duration, op string) (IOEvents, error) {
	return g.waitFD(fd, events, max(d, 0), op)
}

func (g *G) waitFD(fd int, events IOEvents, d time.Duration, op string) (IOEvents, error) {
	if err := g.Check(op); err != nil {
		return 0, err
	}
	if events == 0 || events&^(Readable|Writable) != 0 {
		panic(fmt.Sprintf("hub: %s: events must be Readable, Writable or both, got %#x", op, uint32(events)))
	}
	h := g.h
	if fd < 0 {
		return 0, fmt.Errorf("%w: fd %d", ErrBadFD, fd)
	}
	if h.virtual {
		return 0, ErrVirtualIO
	}
	id := h.io.alloc()
	h.io.waits[id] = ioWait{active: true, fd: fd}
	h.loop.Watch(id, fd, events)
	var pt ParkTimer
	if d >= 0 {
		pt = g.ArmParkTimer(d)
	}
	for {
		h.io.waits[id].tok = g.Token()
		err := g.ParkFor(op)
		w := &h.io.waits[id]
		if err == nil && w.done {
			got, werr := w.got, w.err
			h.io.release(id)
			pt.Stop()
			return got, werr
		}
		if err == nil && pt.Expired() {
			err = errTimedOut
		}
		if err != nil {
			if !w.done {
				h.loop.Unwatch(id)
			}
			h.io.release(id)
			pt.Stop()
			if err == errTimedOut {
				return 0, nil
			}
			return 0, err
		}
		pt.Rewake() // woken for an older park; wait on
	}
}

// errTimedOut marks a WaitFDTimeout that expired, inside waitFD only.
var errTimedOut = errors.New("hub: fd wait timed out")

// fireIO wakes the Gs whose fds the last Run found ready. Each wait is
// one-shot: its watcher stops at once, so a level-triggered loop reports it
// once, and the G learns the outcome from its slot when it runs.
func (h *Hub) fireIO() {
	h.io.ready = h.loop.ReadyIO(h.io.ready[:0])
	for _, r := range h.io.ready {
		if r.ID >= uint64(len(h.io.waits)) {
			continue
		}
		w := &h.io.waits[r.ID]
		if !w.active || w.done {
			continue
		}
		w.done, w.got, w.err = true, r.Events, r.Err
		if r.Err != nil {
			w.err = fmt.Errorf("%w: fd %d: %w", ErrBadFD, w.fd, r.Err)
		}
		h.loop.Unwatch(r.ID)
		h.Wake(w.tok)
	}
	clear(h.io.ready) // drop the errors
}

// CancelFD ends every wait of h's Gs on fd: their WaitFD returns err
// (ErrFDClosed if err is nil) once they run, and their watchers are
// stopped now; then the loop forgets fd. Call it before closing fd, from
// h's goroutine (a greenlet or a callback; it never blocks), so that no G
// keeps waiting on a number the kernel may hand to the next file opened.
// It returns how many waits it ended. Once the hub is destroyed it does
// nothing, from any goroutine (so a connection may be closed after Run).
func (h *Hub) CancelFD(fd int, err error) int {
	if h.dead.Load() {
		return 0 // nothing waits any more, and the loop is gone
	}
	if me := getg(); h.hubG.Load() != me && !h.ownGoroutine(me) {
		panic("hub: CancelFD called from a goroutine that is not its hub's: use Hub.Post")
	}
	if err == nil {
		err = ErrFDClosed
	}
	n := 0
	for id := range h.io.waits {
		w := &h.io.waits[id]
		if !w.active || w.done || w.fd != fd {
			continue
		}
		w.done, w.got, w.err = true, 0, err
		h.loop.Unwatch(uint64(id))
		h.Wake(w.tok)
		n++
	}
	h.loop.ForgetFD(fd)
	return n
}

// CurrentFor returns the G h is running now, or nil in a hub callback,
// like Current, but first panics (with a message starting with op) when the
// caller is a goroutine other than h's and its greenlets': it is for objects
// that belong to a hub and learn their greenlet from it, such as a socket
// whose Read must work inside io.Reader code, which passes no greenlet.
func (h *Hub) CurrentFor(op string) *G {
	if me := getg(); h.hubG.Load() != me && !h.ownGoroutine(me) {
		panic(op + ": called from a goroutine that is not its hub's: " +
			"an object of a hub is used by that hub's greenlets only (use Hub.Post to reach it)")
	}
	return h.current
}

// verify checks the io table for Hub.verify: n counts the active slots,
// each waited on by a parked G, and every free slot is empty.
func (t *ioTable) verify() error {
	n := 0
	for id := range t.waits {
		w := &t.waits[id]
		if !w.active {
			continue
		}
		n++
		if g := w.tok.g; g == nil || g.state != gParked && g.state != gRunning {
			return fmt.Errorf("fd wait %d on fd %d has no parked greenlet", id, w.fd)
		}
	}
	if n != t.n {
		return fmt.Errorf("fd waits: %d active slots, n=%d", n, t.n)
	}
	for _, id := range t.free {
		if t.waits[id].active {
			return fmt.Errorf("free fd wait slot %d is active", id)
		}
	}
	return nil
}

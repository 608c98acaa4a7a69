//go:build cgo && !purego

package sched

import (
	"math"
	"syscall"

	ccore "github.com/gevent-go/gevent/cgo"
)

// cIO is the C core's side of fd readiness: libev io watchers in the C hub,
// driven by the same command array as the timers. A C watcher is named by
// its fd (one per fd, whatever the number of Gs waiting on it), so an
// IO_START writes the fd as its id; the turn's one cgo call applies the
// commands, and libev's iteration reports ready watchers as IO events in the
// turn's event array, which Run's reading of the events hands out here to the
// hub's watchers of that fd. A watcher libev gives up on (EV_ERROR) or that the
// C hub refuses (a closed fd) comes back as an error for each of them.
//
// Lazy like the pure-Go poller: Unwatch leaves the C watcher running, and a
// watch of the same fd for events it already covers costs no command; a C
// watcher that nobody has wanted for a whole Run is stopped before the next.
// The common cycle "wait, ready, read, write, wait again" then sends no
// command at all (each IO_START makes libev re-register the fd with the
// kernel). An fd closed meanwhile must go through ForgetFD (Hub.CancelFD does
// it), which stops its C watcher at once.
//
// gen numbers each watch of a hub id, so that an event collected by a flush
// turn (a full command array, in the middle of the hub's work) for a watch
// since stopped is never reported for a later watch of the same id.
type cIO struct {
	on     []bool // by hub io id: watched, in the hub's view
	gen    []uint32
	fdOf   []int32
	events []IOEvents
	n      int // watched hub ids: a poll must not skip the C turn

	fds  map[int32]*cFD
	idle []int32 // fds whose watchers all left; stopped at the second Run
	keep []int32
	// ready holds the reports of the turns since the last ReadyIO.
	ready []cReady
}

type cFD struct {
	ids     []uint64 // hub ids watching the fd
	started IOEvents // the running C watcher's events (0: none)
	idle    int      // Runs seen with no watcher (0: watched)
}

type cReady struct {
	IOReady
	gen uint32
}

func (l *cLoop) Watch(id uint64, fd int, events IOEvents) {
	io := &l.io
	for uint64(len(io.on)) <= id {
		io.on = append(io.on, false)
		io.gen = append(io.gen, 0)
		io.fdOf = append(io.fdOf, -1)
		io.events = append(io.events, 0)
	}
	if io.on[id] {
		l.Unwatch(id)
	}
	io.on[id] = true
	io.n++
	io.gen[id]++
	io.events[id] = events
	if fd < 0 || fd > math.MaxInt32 {
		io.fdOf[id] = -1
		io.ready = append(io.ready, cReady{IOReady{ID: id, Events: events, Err: syscall.EBADF}, io.gen[id]})
		return
	}
	io.fdOf[id] = int32(fd)
	if io.fds == nil {
		io.fds = map[int32]*cFD{}
	}
	f := io.fds[int32(fd)]
	if f == nil {
		f = &cFD{}
		io.fds[int32(fd)] = f
	}
	f.ids = append(f.ids, id)
	f.idle = 0
	if events&^f.started != 0 {
		f.started |= events
		c := l.push()
		c.Op, c.ID, c.Code, c.Events = ccore.OpIOStart, uint64(fd), int32(fd), int32(f.started)
	}
}

func (l *cLoop) Unwatch(id uint64) {
	io := &l.io
	if id >= uint64(len(io.on)) || !io.on[id] {
		return
	}
	io.on[id] = false
	io.n--
	io.gen[id]++
	fd := io.fdOf[id]
	f := io.fds[fd]
	if f == nil {
		return
	}
	for i, x := range f.ids {
		if x == id {
			f.ids = append(f.ids[:i], f.ids[i+1:]...)
			break
		}
	}
	if len(f.ids) == 0 && f.idle == 0 {
		f.idle = 1
		io.idle = append(io.idle, fd)
	}
}

// reapIO stops the C watchers that nobody has wanted since before the last
// Run; those left idle by the last Run get one more.
func (l *cLoop) reapIO() {
	io := &l.io
	if len(io.idle) == 0 {
		return
	}
	idle := io.idle
	io.idle = io.keep[:0]
	for _, fd := range idle {
		f := io.fds[fd]
		if f == nil || f.idle == 0 {
			continue
		}
		if f.idle == 1 {
			f.idle = 2
			io.idle = append(io.idle, fd)
			continue
		}
		l.stopFD(fd, f)
	}
	io.keep = idle[:0]
}

func (l *cLoop) stopFD(fd int32, f *cFD) {
	if f.started != 0 {
		c := l.push()
		c.Op, c.ID = ccore.OpIOStop, uint64(fd)
	}
	delete(l.io.fds, fd)
}

// ForgetFD stops fd's C watcher now: fd is about to be closed, and a new file
// that reuses the number must get an IO_START of its own.
func (l *cLoop) ForgetFD(fd int) {
	if fd < 0 || fd > math.MaxInt32 {
		return
	}
	if f := l.io.fds[int32(fd)]; f != nil && len(f.ids) == 0 {
		l.stopFD(int32(fd), f)
	}
}

func (l *cLoop) ReadyIO(ready []IOReady) []IOReady {
	io := &l.io
	for _, r := range io.ready {
		if r.ID < uint64(len(io.on)) && io.on[r.ID] && io.gen[r.ID] == r.gen {
			ready = append(ready, r.IOReady)
		}
	}
	clear(io.ready)
	io.ready = io.ready[:0]
	return ready
}

// ioEvent collects an IO event of a turn, or an IO_START the C hub refused,
// and reports whether e was one.
func (l *cLoop) ioEvent(e *ccore.Event) bool {
	io := &l.io
	switch {
	case e.Kind == ccore.EvIO:
	case e.Kind == ccore.EvCmdError && e.Value == uintptr(ccore.OpIOStart):
	default:
		return false
	}
	fd := int32(e.ID)
	f := io.fds[fd]
	if f == nil {
		return true
	}
	var err error
	var got IOEvents
	switch {
	case e.Kind == ccore.EvCmdError:
		err = ccore.Error(e.Status)
		f.started = 0 // C did not start it
	case e.Status < 0: // EV_ERROR: libev could not watch the fd and stopped the watcher
		err = syscall.EBADF
		f.started = 0
	default:
		got = IOEvents(e.Status) & (Readable | Writable)
	}
	for _, id := range f.ids {
		r := cReady{IOReady{ID: id, Err: err}, io.gen[id]}
		if err == nil {
			if r.Events = got & io.events[id]; r.Events == 0 {
				continue
			}
		}
		io.ready = append(io.ready, r)
	}
	if f.started == 0 && len(f.ids) == 0 {
		delete(io.fds, fd)
	}
	return true
}

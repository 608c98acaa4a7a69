//go:build cgo && !purego

package hub

import (
	"math"
	"syscall"

	ccore "github.com/gevent-go/gevent/cgo"
)

// cIO is the C core's side of fd readiness: libev io watchers in the C hub,
// driven by the same command array as the timers. Watch writes an IO_START
// and Unwatch an IO_STOP (no cgo call of their own); the turn's one cgo call
// applies them and libev's iteration reports ready watchers as IO events in
// the turn's event array, which Run's reading of the events collects here.
// A watcher libev gives up on (the fd is not open: EV_ERROR) or that the C
// hub refuses comes back as an error for that id.
//
// gen numbers each watch of an id, so that an event collected by a flush turn
// (a full command array, in the middle of the hub's work) for a watch since
// stopped is never reported for a later watch of the same id.
type cIO struct {
	on    []bool // by io id: watched, in the hub's view
	gen   []uint32
	n     int // watched ids: a poll must not skip the C turn
	ready []cReady
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
	}
	if !io.on[id] {
		io.on[id] = true
		io.n++
	}
	io.gen[id]++
	if fd < 0 || fd > math.MaxInt32 {
		io.ready = append(io.ready, cReady{IOReady{ID: id, Events: events, Err: syscall.EBADF}, io.gen[id]})
		return
	}
	c := l.push()
	c.Op, c.ID, c.Code, c.Events = ccore.OpIOStart, id, int32(fd), int32(events)
}

func (l *cLoop) Unwatch(id uint64) {
	io := &l.io
	if id >= uint64(len(io.on)) || !io.on[id] {
		return
	}
	io.on[id] = false
	io.n--
	io.gen[id]++
	c := l.push()
	c.Op, c.ID = ccore.OpIOStop, id
}

// ForgetFD has nothing to do: every IO_START sets the fd anew (ev_io_set),
// which makes libev register it afresh.
func (l *cLoop) ForgetFD(fd int) {}

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
	id := e.ID
	if id >= uint64(len(io.on)) || !io.on[id] {
		return true
	}
	r := cReady{IOReady{ID: id}, io.gen[id]}
	switch {
	case e.Kind == ccore.EvCmdError:
		r.Err = ccore.Error(e.Status)
	case e.Status < 0: // EV_ERROR: libev could not watch the fd and stopped the watcher
		r.Err = syscall.EBADF
	default:
		r.Events = IOEvents(e.Status) & (Readable | Writable)
	}
	io.ready = append(io.ready, r)
	return true
}

package sched

import (
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// The pure-Go core's fd readiness on Linux: an epoll set that the hub's own
// goroutine waits on in Run, in place of the timer and wake channel, while
// any fd is watched, plus an eventfd in the set for Wake. Readiness reaches
// the hub in the Run that found it, with no goroutine or channel between the
// kernel and the hub; the Go runtime's poller would need a goroutine parked
// per fd and a Post to the hub for each readiness.
//
// Registrations are lazy, like libev's: Watch and Unwatch only record what
// the fd's watchers want, and Run brings the kernel's registration in line
// before it waits (ADD, MOD or DEL), so the common cycle "wait, ready,
// unwatch, read, write, wait again" costs no epoll_ctl at all. An fd whose
// watchers are all gone stays registered for one more Run and is removed at
// the one after; an fd closed meanwhile must go through ForgetFD (Hub.CancelFD
// does it), or a new file that reuses its number might not be registered.
//
// Timer precision: epoll_wait waits in whole milliseconds, rounded up, so
// while fds are watched a timer may fire up to 1 ms late, as on the C core.

type fdPoller struct {
	ep, efd int

	mu     sync.RWMutex // guards efd against Close for Wake's goroutines
	closed bool

	polling atomic.Bool // Run is in, or about to enter, a blocking epoll_wait
	kicked  atomic.Bool // an eventfd write is pending

	ids    []pollWatch // by io id
	fds    map[int32]*pollFD
	dirty  []int32 // fds whose wanted events may differ from the kernel's
	keep   []int32 // the other dirty buffer, swapped at each apply
	nfds   int     // fds registered in the kernel
	events []syscall.EpollEvent
	ready  []IOReady
}

type pollWatch struct {
	on     bool
	fd     int32
	events IOEvents
}

type pollFD struct {
	have  IOEvents // registered in the kernel
	ids   []uint64 // watchers of this fd
	dirty bool
	idle  bool // unwatched at the last apply and kept registered for one Run
}

func newFDPoller() (*fdPoller, error) {
	ep, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	efd, _, e := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
	if e != 0 {
		syscall.Close(ep)
		return nil, os.NewSyscallError("eventfd2", e)
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(efd)}
	if err := syscall.EpollCtl(ep, syscall.EPOLL_CTL_ADD, int(efd), &ev); err != nil {
		syscall.Close(ep)
		syscall.Close(int(efd))
		return nil, os.NewSyscallError("epoll_ctl", err)
	}
	return &fdPoller{ep: ep, efd: int(efd), fds: map[int32]*pollFD{}, events: make([]syscall.EpollEvent, 256)}, nil
}

// poller returns the loop's poller, creating it at the first watch (a hub
// that never watches an fd holds no epoll fd). A poller that cannot be
// created is reported for the watch that needed it.
func (l *goLoop) poller() (*fdPoller, error) {
	if p := l.poll.Load(); p != nil {
		return p, nil
	}
	p, err := newFDPoller()
	if err != nil {
		return nil, err
	}
	l.poll.Store(p)
	return p, nil
}

func (l *goLoop) Watch(id uint64, fd int, events IOEvents) {
	p, err := l.poller()
	if err != nil {
		l.pollErrs = append(l.pollErrs, IOReady{ID: id, Events: events, Err: err})
		return
	}
	for uint64(len(p.ids)) <= id {
		p.ids = append(p.ids, pollWatch{})
	}
	if p.ids[id].on {
		p.drop(id)
	}
	if fd < 0 || fd > 1<<31-1 {
		l.pollErrs = append(l.pollErrs, IOReady{ID: id, Events: events, Err: syscall.EBADF})
		return
	}
	p.ids[id] = pollWatch{on: true, fd: int32(fd), events: events}
	f := p.fds[int32(fd)]
	if f == nil {
		f = &pollFD{}
		p.fds[int32(fd)] = f
	}
	f.ids = append(f.ids, id)
	f.idle = false
	p.mark(int32(fd), f)
}

func (l *goLoop) Unwatch(id uint64) {
	if p := l.poll.Load(); p != nil && id < uint64(len(p.ids)) && p.ids[id].on {
		p.drop(id)
	}
	for i := range l.pollErrs {
		if l.pollErrs[i].ID == id {
			l.pollErrs[i].ID = ^uint64(0)
		}
	}
}

func (p *fdPoller) drop(id uint64) {
	w := p.ids[id]
	p.ids[id] = pollWatch{}
	f := p.fds[w.fd]
	for i, x := range f.ids {
		if x == id {
			f.ids = append(f.ids[:i], f.ids[i+1:]...)
			break
		}
	}
	p.mark(w.fd, f)
}

func (p *fdPoller) mark(fd int32, f *pollFD) {
	if !f.dirty {
		f.dirty = true
		p.dirty = append(p.dirty, fd)
	}
}

func (l *goLoop) ForgetFD(fd int) {
	p := l.poll.Load()
	if p == nil || fd < 0 || fd > 1<<31-1 {
		return
	}
	if f := p.fds[int32(fd)]; f != nil && f.have != 0 {
		syscall.EpollCtl(p.ep, syscall.EPOLL_CTL_DEL, fd, nil) // ENOENT, EBADF: already gone
		f.have = 0
		p.nfds--
	}
}

func (l *goLoop) ReadyIO(ready []IOReady) []IOReady {
	for _, r := range l.pollErrs {
		if r.ID != ^uint64(0) {
			ready = append(ready, r)
		}
	}
	clear(l.pollErrs)
	l.pollErrs = l.pollErrs[:0]
	p := l.poll.Load()
	if p == nil {
		return ready
	}
	for _, r := range p.ready {
		if r.ID < uint64(len(p.ids)) && p.ids[r.ID].on {
			ready = append(ready, r)
		}
	}
	clear(p.ready)
	p.ready = p.ready[:0]
	return ready
}

// busy reports whether Run must poll the epoll set: an fd is registered or
// a registration is due.
func (p *fdPoller) busy() bool { return p.nfds > 0 || len(p.dirty) > 0 }

// apply brings the kernel's registrations in line with the watchers; a
// registration the kernel refuses is reported to each watcher of the fd.
func (p *fdPoller) apply() {
	dirty := p.dirty
	p.dirty = p.keep[:0]
	for _, fd := range dirty {
		f := p.fds[fd]
		f.dirty = false
		var want IOEvents
		for _, id := range f.ids {
			want |= p.ids[id].events
		}
		if want == f.have {
			if want == 0 {
				delete(p.fds, fd)
			}
			continue
		}
		if want == 0 && !f.idle {
			// Kept for one Run: a G woken from this fd usually waits on it
			// again as soon as it has run, and a hub turn that ends before
			// all woken Gs ran (the switch interval) would otherwise remove
			// and re-add the fd.
			f.idle = true
			p.mark(fd, f)
			continue
		}
		if want == 0 {
			f.idle = false
			syscall.EpollCtl(p.ep, syscall.EPOLL_CTL_DEL, int(fd), nil) // a closed fd is gone already
			p.nfds--
			delete(p.fds, fd)
			continue
		}
		ev := syscall.EpollEvent{Fd: fd}
		if want&Readable != 0 {
			ev.Events |= syscall.EPOLLIN | syscall.EPOLLRDHUP
		}
		if want&Writable != 0 {
			ev.Events |= syscall.EPOLLOUT
		}
		var err error
		if f.have != 0 {
			if err = syscall.EpollCtl(p.ep, syscall.EPOLL_CTL_MOD, int(fd), &ev); err == syscall.ENOENT {
				// The file was closed behind the loop's back and the number
				// reused: register the new one.
				err = syscall.EpollCtl(p.ep, syscall.EPOLL_CTL_ADD, int(fd), &ev)
			}
		} else {
			if err = syscall.EpollCtl(p.ep, syscall.EPOLL_CTL_ADD, int(fd), &ev); err == syscall.EEXIST {
				err = syscall.EpollCtl(p.ep, syscall.EPOLL_CTL_MOD, int(fd), &ev)
			}
			if err == nil {
				p.nfds++
			}
		}
		if err == nil {
			f.have = want
			continue
		}
		if f.have != 0 {
			p.nfds--
			f.have = 0
		}
		for _, id := range f.ids {
			r := IOReady{ID: id, Events: p.ids[id].events}
			if err != syscall.EPERM {
				r.Err = os.NewSyscallError("epoll_ctl", err)
			}
			// else a regular file or a directory, which epoll refuses: always
			// ready, as poll(2) and libev (on every core) say.
			p.ready = append(p.ready, r)
		}
	}
	p.keep = dirty[:0]
}

// runPoll is Run while fds are watched: apply the registrations, then one
// epoll_wait that also serves as the wait for the earliest timer and for
// Wake.
func (l *goLoop) runPoll(p *fdPoller, block bool, fired []uint64) ([]uint64, error) {
	if p == nil { // no poller: only the failed watches to report
		l.UpdateNow()
		return l.popDue(l.now, fired), nil
	}
	p.apply()
	timeout := 0
	if block && len(p.ready) == 0 && len(l.pollErrs) == 0 {
		l.UpdateNow()
		timeout = -1
		if first, ok := l.first(); ok {
			d := first - l.now
			switch {
			case d <= 0:
				timeout = 0
			case d >= int64(time.Hour):
				timeout = int(time.Hour / time.Millisecond)
			default:
				timeout = int((d + int64(time.Millisecond) - 1) / int64(time.Millisecond))
			}
		}
	}
	if timeout != 0 {
		// Announce the wait before looking for a wake-up: a Wake that
		// comes after the look sees polling and writes the eventfd.
		p.polling.Store(true)
		select {
		case <-l.wake:
			timeout = 0
		default:
		}
	} else {
		select {
		case <-l.wake:
		default:
		}
	}
	n, err := syscall.EpollWait(p.ep, p.events, timeout)
	p.polling.Store(false)
	if err != nil && err != syscall.EINTR {
		return fired, os.NewSyscallError("epoll_wait", err)
	}
	for _, e := range p.events[:max(n, 0)] {
		fd := e.Fd
		if int(fd) == p.efd {
			var buf [8]byte
			syscall.Read(p.efd, buf[:])
			p.kicked.Store(false)
			continue
		}
		f := p.fds[fd]
		if f == nil || len(f.ids) == 0 {
			if f != nil {
				p.mark(fd, f) // nobody wants it any more: remove at the next Run
			}
			continue
		}
		var got IOEvents
		if e.Events&(syscall.EPOLLIN|syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
			got |= Readable
		}
		if e.Events&(syscall.EPOLLOUT|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
			got |= Writable
		}
		for _, id := range f.ids {
			if g := got & p.ids[id].events; g != 0 {
				p.ready = append(p.ready, IOReady{ID: id, Events: g})
			}
		}
	}
	if n == len(p.events) && len(p.events) < 4096 {
		p.events = make([]syscall.EpollEvent, 2*len(p.events))
	}
	l.UpdateNow()
	return l.popDue(l.now, fired), nil
}

// kick makes a blocking epoll_wait return: safe from any goroutine, once
// per wait at most.
func (p *fdPoller) kick() {
	if !p.polling.Load() || !p.kicked.CompareAndSwap(false, true) {
		return
	}
	p.mu.RLock()
	if !p.closed {
		one := uint64(1)
		syscall.Write(p.efd, (*[8]byte)(unsafe.Pointer(&one))[:])
	}
	p.mu.RUnlock()
}

func (p *fdPoller) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	syscall.Close(p.ep)
	syscall.Close(p.efd)
}

// reinit gives a forked child its own epoll set and eventfd (the parent's
// are shared with it) and registers every watched fd anew at the next Run.
func (p *fdPoller) reinit() error {
	np, err := newFDPoller()
	if err != nil {
		return err
	}
	p.mu.Lock()
	syscall.Close(p.ep)
	syscall.Close(p.efd)
	p.ep, p.efd = np.ep, np.efd
	p.mu.Unlock()
	p.nfds = 0
	for fd, f := range p.fds {
		f.have = 0
		p.mark(fd, f)
	}
	return nil
}

package greenlet_test

import (
	"os"
	"syscall"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// openFDs counts the process's open file descriptors (Linux), for the leak
// checks of the fd cases; -1 where /proc is missing.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// fdCase runs body with a fresh pipe as the main greenlet of a new hub on
// the suite's lane, and checks that the fds are back where they started.
// On the virtual lane fd waits are refused: it checks that instead.
func (s *Conformance) fdCase(body func(main *greenlet.Greenlet, r, w int) error) {
	before := openFDs()
	var p [2]int
	s.Require().NoError(syscall.Pipe2(p[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC))
	s.run(func(main *greenlet.Greenlet) error {
		if s.Virtual {
			s.ErrorIs(greenlet.WaitRead(main, p[0]), greenlet.ErrVirtualIO)
			return nil
		}
		return body(main, p[0], p[1])
	})
	syscall.Close(p[0])
	syscall.Close(p[1])
	s.Equal(before, openFDs(), "open fds after the case")
}

// WaitRead parks only the caller: a greenlet that sleeps and then writes
// runs meanwhile, and the wait returns once the byte is there.
func (s *Conformance) TestWaitRead() {
	s.fdCase(func(main *greenlet.Greenlet, r, w int) error {
		var order []string
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			if err := greenlet.Sleep(g, time.Millisecond); err != nil {
				return nil, err
			}
			order = append(order, "write")
			_, err := syscall.Write(w, []byte("x"))
			return nil, err
		})
		s.NoError(greenlet.WaitRead(main, r))
		order = append(order, "read")
		var buf [1]byte
		n, err := syscall.Read(r, buf[:])
		s.Equal(1, n)
		s.NoError(err)
		s.Equal([]string{"write", "read"}, order)
		return nil
	})
}

// A timed wait on an idle fd reports false after at least its timeout; an
// fd that is ready reports true; the timeout never fires later.
func (s *Conformance) TestWaitReadWriteTimeout() {
	s.fdCase(func(main *greenlet.Greenlet, r, w int) error {
		start := time.Now()
		ok, err := greenlet.WaitReadTimeout(main, r, 5*time.Millisecond)
		s.False(ok)
		s.NoError(err)
		s.GreaterOrEqual(time.Since(start), 5*time.Millisecond)
		ok, err = greenlet.WaitWriteTimeout(main, w, generous)
		s.True(ok, "an empty pipe is writable")
		s.NoError(err)
		s.NoError(greenlet.WaitWrite(main, w))
		ok, err = greenlet.WaitReadTimeout(main, r, 0)
		s.False(ok, "d <= 0 expires at the next iteration")
		s.NoError(err)
		return greenlet.Sleep(main, 2*time.Millisecond) // no stale timer fires into the sleep
	})
}

// A greenlet killed while it waits on an fd gets the kill, and its watcher
// is gone: the census is empty after Run.
func (s *Conformance) TestWaitReadKilled() {
	s.fdCase(func(main *greenlet.Greenlet, r, w int) error {
		var got error
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			got = greenlet.WaitRead(g, r)
			return nil, got
		})
		s.NoError(greenlet.Sleep(main, 0))
		s.NoError(g.Kill(main))
		var exit *greenlet.GreenletExit
		s.ErrorAs(got, &exit)
		s.Equal(0, main.Hub().Census().IOWaits)
		return nil
	})
}

// Many greenlets wait on one fd: one write wakes all of them.
func (s *Conformance) TestWaitManyWaiters() {
	s.fdCase(func(main *greenlet.Greenlet, r, w int) error {
		const n = 50
		woke := 0
		gs := make([]*greenlet.Greenlet, n)
		for i := range gs {
			gs[i] = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				err := greenlet.WaitRead(g, r)
				if err == nil {
					woke++
				}
				return nil, err
			})
		}
		s.NoError(greenlet.Sleep(main, 0))
		s.Equal(n, main.Hub().Census().IOWaits)
		_, err := syscall.Write(w, []byte("x"))
		s.NoError(err)
		_, err = greenlet.JoinAll(main, gs, greenlet.StopOnError())
		s.NoError(err)
		s.Equal(n, woke)
		return nil
	})
}

// Bad fds: a negative one and one that is not open fail with ErrBadFD, at
// once, and the hub goes on; the main greenlet then sleeps normally.
func (s *Conformance) TestWaitBadFD() {
	s.fdCase(func(main *greenlet.Greenlet, r, w int) error {
		s.ErrorIs(greenlet.WaitRead(main, -1), greenlet.ErrBadFD)
		var p [2]int
		s.Require().NoError(syscall.Pipe(p[:]))
		syscall.Close(p[0])
		syscall.Close(p[1])
		_, err := greenlet.WaitReadTimeout(main, p[0], generous)
		s.ErrorIs(err, greenlet.ErrBadFD)
		return greenlet.Sleep(main, time.Millisecond)
	})
}

// An fd closed through CancelWait while a greenlet waits on it, and its
// number reused at once by a new pipe with data in it: the waiter wakes with
// ErrFDClosed and never sees the new file.
func (s *Conformance) TestWaitFDClosedAndReused() {
	s.fdCase(func(main *greenlet.Greenlet, r, w int) error {
		var got error
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			got = greenlet.WaitRead(g, r)
			return nil, nil
		})
		s.NoError(greenlet.Sleep(main, 0))
		var p [2]int
		s.Require().NoError(syscall.Pipe(p[:])) // the numbers to reuse
		s.Equal(1, greenlet.CancelWait(main.Hub(), p[0], nil)+1, "nobody waits on the new pipe")
		s.Equal(1, greenlet.CancelWait(main.Hub(), r, nil))
		syscall.Close(r)
		s.Require().NoError(syscall.Dup2(p[0], r)) // r names another file now
		_, err := syscall.Write(p[1], []byte("x"))
		s.NoError(err)
		s.NoError(g.Join(main))
		s.ErrorIs(got, greenlet.ErrFDClosed)
		syscall.Close(p[0])
		syscall.Close(p[1])
		// r stays open (fdCase closes it), now the new pipe's read end.
		return nil
	})
}

// A regular file cannot block: a wait on it returns at once, ready, on
// every core (epoll refuses such fds; the loops treat them as always ready).
func (s *Conformance) TestWaitRegularFile() {
	s.fdCase(func(main *greenlet.Greenlet, r, w int) error {
		f, err := os.CreateTemp(s.T().TempDir(), "f")
		s.Require().NoError(err)
		defer f.Close()
		ok, err := greenlet.WaitReadTimeout(main, int(f.Fd()), generous)
		s.True(ok)
		s.NoError(err)
		s.NoError(greenlet.WaitWrite(main, int(f.Fd())))
		return nil
	})
}

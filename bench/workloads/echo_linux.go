//go:build linux

package workloads

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// allowedCPUs lists the CPUs this process may run on, ascending.
func allowedCPUs() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("sched_getaffinity: %w", err)
	}
	var cpus []int
	for c := range 1024 {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

// pinTasks restricts every thread of process pid to cpus. Affinity is per
// thread and a new thread inherits its creator's, so it sets every thread
// listed in /proc, and goes round again in case one was being created
// meanwhile.
func pinTasks(pid int, cpus ...int) error {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	seen := map[int]bool{}
	for range 3 {
		tids, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		if err != nil {
			return err
		}
		fresh := 0
		for _, t := range tids {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || seen[tid] {
				continue
			}
			fresh++
			seen[tid] = true
			if err := unix.SchedSetaffinity(tid, &set); err != nil && !errors.Is(err, unix.ESRCH) {
				return fmt.Errorf("sched_setaffinity(%d): %w", tid, err)
			}
		}
		if fresh == 0 {
			return nil
		}
	}
	return nil
}

// procCPU returns the CPU time process pid has used so far, user and
// system, summed over its threads: the first field of each thread's
// /proc/<pid>/task/<tid>/schedstat, the scheduler's own nanosecond count
// (/proc/<pid>/stat counts in clock ticks of 10 ms, too coarse for a
// sample of a second). A thread that exits between two readings would take
// its time with it; the servers start their threads before they print
// their address.
func procCPU(pid int) (time.Duration, error) {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tids, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var sum time.Duration
	for _, t := range tids {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/schedstat")
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // the thread exited
			}
			return 0, err
		}
		f := bytes.Fields(b)
		if len(f) == 0 {
			return 0, fmt.Errorf("%s/%s/schedstat: empty", dir, t.Name())
		}
		ns, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s/%s/schedstat: %w", dir, t.Name(), err)
		}
		sum += time.Duration(ns)
	}
	return sum, nil
}

// serveEpoll is the floor: one thread, one level-triggered epoll set, and
// the reads and writes themselves as raw system calls (no Go scheduler
// hooks around them; only epoll_wait, which blocks, goes through the
// runtime). It does what every other server does and nothing more.
func serveEpoll(limit time.Duration) error {
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	if err := unix.SetsockoptInt(lfd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return err
	}
	if err := unix.Bind(lfd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return err
	}
	if err := unix.Listen(lfd, 4096); err != nil {
		return err
	}
	sa, err := unix.Getsockname(lfd)
	if err != nil {
		return err
	}
	fmt.Printf("127.0.0.1:%d\n", sa.(*unix.SockaddrInet4).Port)
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return err
	}
	watch := func(fd int, ev uint32, op int) error {
		return unix.EpollCtl(ep, op, fd, &unix.EpollEvent{Events: ev, Fd: int32(fd)})
	}
	if err := watch(lfd, unix.EPOLLIN, unix.EPOLL_CTL_ADD); err != nil {
		return err
	}
	if err := watch(0, unix.EPOLLIN, unix.EPOLL_CTL_ADD); err != nil {
		return fmt.Errorf("watching standard input: %w", err)
	}
	pending := map[int][]byte{} // what a short write left to send
	events := make([]unix.EpollEvent, 256)
	var buf [echoReadBuf]byte
	end := time.Now().Add(limit)
	for {
		ms := int(time.Until(end) / time.Millisecond)
		if ms <= 0 {
			return errEchoLimit
		}
		n, err := unix.EpollWait(ep, events, ms)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		for _, ev := range events[:n] {
			fd := int(ev.Fd)
			switch {
			case fd == 0:
				return nil // the client closed our input
			case fd == lfd:
				for {
					c, _, err := unix.Accept4(lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
					if err != nil {
						break // EAGAIN: none left; anything else: the client retries
					}
					unix.SetsockoptInt(c, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
					if err := watch(c, unix.EPOLLIN, unix.EPOLL_CTL_ADD); err != nil {
						unix.Close(c)
					}
				}
			case pending[fd] != nil:
				rest := pending[fd]
				w, errno := rawWrite(fd, rest)
				switch {
				case errno == unix.EAGAIN:
				case errno != 0:
					delete(pending, fd)
					unix.Close(fd)
				case w < len(rest):
					pending[fd] = rest[w:]
				default:
					delete(pending, fd)
					watch(fd, unix.EPOLLIN, unix.EPOLL_CTL_MOD)
				}
			default:
				r, errno := rawRead(fd, buf[:])
				if errno == unix.EAGAIN {
					continue
				}
				if errno != 0 || r == 0 {
					unix.Close(fd)
					continue
				}
				w, errno := rawWrite(fd, buf[:r])
				if errno == unix.EAGAIN {
					w, errno = 0, 0
				}
				if errno != 0 {
					unix.Close(fd)
					continue
				}
				if w < r {
					pending[fd] = bytes.Clone(buf[w:r])
					watch(fd, unix.EPOLLOUT, unix.EPOLL_CTL_MOD)
				}
			}
		}
	}
}

// rawRead is read(2) on a non-blocking fd without the runtime's
// system-call hooks, which only matter for calls that may block.
func rawRead(fd int, p []byte) (int, unix.Errno) {
	n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	return int(n), e
}

// rawWrite is write(2) on a non-blocking fd, as rawRead.
func rawWrite(fd int, p []byte) (int, unix.Errno) {
	n, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	return int(n), e
}

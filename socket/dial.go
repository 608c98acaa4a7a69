//go:build unix

package socket

import (
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// resolve turns network and address into a socket family, a sockaddr and
// the Conn's network name ("tcp" or "unix").
func resolve(network, address string) (int, syscall.Sockaddr, string, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
		a, err := net.ResolveTCPAddr(network, address)
		if err != nil {
			return 0, nil, "", err
		}
		if ip4 := a.IP.To4(); ip4 != nil && network != "tcp6" {
			sa := &syscall.SockaddrInet4{Port: a.Port}
			copy(sa.Addr[:], ip4)
			return syscall.AF_INET, sa, "tcp", nil
		}
		if a.IP == nil && network != "tcp6" {
			return syscall.AF_INET, &syscall.SockaddrInet4{Port: a.Port}, "tcp", nil
		}
		sa := &syscall.SockaddrInet6{Port: a.Port}
		copy(sa.Addr[:], a.IP.To16())
		if a.Zone != "" {
			if ifi, err := net.InterfaceByName(a.Zone); err == nil {
				sa.ZoneId = uint32(ifi.Index)
			}
		}
		return syscall.AF_INET6, sa, "tcp", nil
	case "unix":
		return syscall.AF_UNIX, &syscall.SockaddrUnix{Name: address}, "unix", nil
	}
	return 0, nil, "", net.UnknownNetworkError(network)
}

// openSocket resolves address and makes a non-blocking, close-on-exec
// stream socket of its family; it returns the socket, the address and the
// network's kind ("tcp" or "unix"), as resolve does.
func openSocket(network, address string) (int, syscall.Sockaddr, string, error) {
	family, sa, netw, err := resolve(network, address)
	if err != nil {
		return -1, nil, "", err
	}
	fd, err := newSocket(family)
	return fd, sa, netw, err
}

// newSocket makes a non-blocking, close-on-exec stream socket.
func newSocket(family int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return -1, os.NewSyscallError("setnonblock", err)
	}
	return fd, nil
}

// Dial connects to address on network ("tcp", "tcp4", "tcp6" or "unix"),
// parking cur while the connection is being made, and returns a Conn of
// cur's hub. Errors are *net.OpError values, as from net.Dial.
func Dial(cur *greenlet.Greenlet, network, address string) (*Conn, error) {
	return dial(cur, network, address, time.Time{})
}

// DialTimeout is Dial that gives up after d (an error wrapping
// os.ErrDeadlineExceeded).
func DialTimeout(cur *greenlet.Greenlet, network, address string, d time.Duration) (*Conn, error) {
	return dial(cur, network, address, time.Now().Add(d))
}

func dial(cur *greenlet.Greenlet, network, address string, deadline time.Time) (*Conn, error) {
	if cur == nil {
		panic("socket: Dial: nil calling greenlet (pass the greenlet making the call)")
	}
	h := cur.Hub()
	g, err := current(h, "Dial")
	if err == nil && g.Owner != cur {
		panic(fmt.Sprintf("socket: Dial: %v is not running; a blocking call must name the calling greenlet", cur))
	}
	opErr := func(err error) error { return &net.OpError{Op: "dial", Net: network, Err: err} }
	if err != nil {
		return nil, opErr(err)
	}
	fd, sa, netw, err := openSocket(network, address)
	if err != nil {
		return nil, opErr(err)
	}
	if netw == "tcp" {
		syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
	}
	for {
		err = syscall.Connect(fd, sa)
		if err != syscall.EINTR {
			break
		}
	}
	if err == syscall.EINPROGRESS || err == syscall.EAGAIN && netw == "unix" {
		if err = wait(g, fd, sched.Writable, deadline, "socket: Dial"); err == nil {
			var soErr int
			soErr, err = syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ERROR)
			if err == nil && soErr != 0 {
				err = syscall.Errno(soErr)
			}
		}
	}
	if err != nil {
		sched.Of(h).CancelFD(fd, nil)
		syscall.Close(fd)
		if _, ok := err.(syscall.Errno); ok {
			err = os.NewSyscallError("connect", err)
		}
		return nil, opErr(err)
	}
	return newConn(h, fd, netw), nil
}

// A Listener accepts stream connections for the greenlets of one hub.
type Listener struct {
	h      *hub.Hub
	fd     int
	net    string
	addr   net.Addr
	unlink string // a Unix socket's path, removed at Close
	closed bool
}

// A ListenOption configures Listen.
type ListenOption func(*listenConfig)

type listenConfig struct{ reusePort bool }

// ReusePort sets SO_REUSEPORT on a TCP listener (Linux and the BSDs): several
// listeners, one per hub, may then bind the same address, and the kernel
// spreads the incoming connections over them, so one hub per CPU serves one
// port without an acceptor handing connections between threads.
func ReusePort() ListenOption { return func(c *listenConfig) { c.reusePort = true } }

// Listen announces on address ("tcp", "tcp4", "tcp6" or "unix") for the
// greenlets of h. It does not block (except to resolve a name: see the
// package comment). TCP listeners set SO_REUSEADDR, as the net package does.
func Listen(h *hub.Hub, network, address string, opts ...ListenOption) (*Listener, error) {
	var cfg listenConfig
	for _, o := range opts {
		o(&cfg)
	}
	opErr := func(err error) error { return &net.OpError{Op: "listen", Net: network, Err: err} }
	fd, sa, netw, err := openSocket(network, address)
	if err != nil {
		return nil, opErr(err)
	}
	if netw == "tcp" {
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
		if cfg.reusePort {
			if err := setReusePort(fd); err != nil {
				syscall.Close(fd)
				return nil, opErr(os.NewSyscallError("setsockopt", err))
			}
		}
	}
	if err := syscall.Bind(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, opErr(os.NewSyscallError("bind", err))
	}
	if err := syscall.Listen(fd, listenBacklog()); err != nil {
		syscall.Close(fd)
		return nil, opErr(os.NewSyscallError("listen", err))
	}
	l := &Listener{h: h, fd: fd, net: netw}
	if s, err := syscall.Getsockname(fd); err == nil {
		l.addr = sockaddrToAddr(netw, s)
	}
	if netw == "unix" {
		l.unlink = address
	}
	return l, nil
}

// Addr returns the address the listener is bound to (with the port chosen
// by the kernel for port 0).
func (l *Listener) Addr() net.Addr { return l.addr }

// Fd returns the listening socket's file descriptor (-1 once closed).
func (l *Listener) Fd() int {
	if l.closed {
		return -1
	}
	return l.fd
}

// Accept parks cur until a connection comes in and returns it as a Conn of
// the listener's hub. After Close (also one made while cur waits) it
// returns an error wrapping net.ErrClosed.
func (l *Listener) Accept(cur *greenlet.Greenlet) (*Conn, error) {
	opErr := func(err error) error { return &net.OpError{Op: "accept", Net: l.net, Addr: l.addr, Err: err} }
	if cur == nil {
		panic("socket: Accept: nil calling greenlet (pass the greenlet making the call)")
	}
	g, err := current(l.h, "Accept")
	if err != nil {
		return nil, opErr(err)
	}
	if g.Owner != cur {
		panic(fmt.Sprintf("socket: Accept: %v is not running; a blocking call must name the calling greenlet", cur))
	}
	for {
		if l.closed {
			return nil, opErr(net.ErrClosed)
		}
		syscall.ForkLock.RLock() //greenletvet:ignore held for the accept call only, never across a park
		fd, _, err := syscall.Accept(l.fd)
		if err == nil {
			syscall.CloseOnExec(fd)
		}
		syscall.ForkLock.RUnlock()
		switch err {
		case nil:
			if err := syscall.SetNonblock(fd, true); err != nil {
				syscall.Close(fd)
				return nil, opErr(os.NewSyscallError("setnonblock", err))
			}
			if l.net == "tcp" {
				syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
			}
			return newConn(l.h, fd, l.net), nil
		case syscall.EINTR, syscall.ECONNABORTED:
		case syscall.EAGAIN:
			if err := wait(g, l.fd, sched.Readable, time.Time{}, "socket: Accept"); err != nil {
				return nil, opErr(err)
			}
		default:
			return nil, opErr(os.NewSyscallError("accept", err))
		}
	}
}

// Close stops listening: a greenlet waiting in Accept wakes with
// net.ErrClosed; a Unix socket's path is removed. Call it from a greenlet
// or a callback of the listener's hub.
func (l *Listener) Close() error {
	if l.closed {
		return &net.OpError{Op: "close", Net: l.net, Addr: l.addr, Err: net.ErrClosed}
	}
	l.closed = true
	sched.Of(l.h).CancelFD(l.fd, nil)
	err := syscall.Close(l.fd)
	if l.unlink != "" {
		os.Remove(l.unlink)
	}
	if err != nil {
		return &net.OpError{Op: "close", Net: l.net, Addr: l.addr, Err: os.NewSyscallError("close", err)}
	}
	return nil
}

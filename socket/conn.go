//go:build unix

package socket

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// A Conn is a stream socket of one hub whose Read and Write park the
// running greenlet while the socket is not ready (see the package comment
// for how it finds that greenlet). Only the greenlets of its hub may use it.
type Conn struct {
	h      *hub.Hub
	fd     int
	net    string // "tcp" or "unix"
	closed bool
	// drained: the last read returned less than asked, so the socket's
	// buffer was empty then; the next Read waits for readiness before it
	// reads, which saves the read that would return EAGAIN (a request-reply
	// protocol reads right after it wrote, before the answer can be there).
	drained bool
	rdl     time.Time
	wdl     time.Time
	laddr   net.Addr
	raddr   net.Addr
}

var _ net.Conn = (*Conn)(nil)

func newConn(h *hub.Hub, fd int, network string) *Conn {
	c := &Conn{h: h, fd: fd, net: network}
	if sa, err := syscall.Getsockname(fd); err == nil {
		c.laddr = sockaddrToAddr(network, sa)
	}
	if sa, err := syscall.Getpeername(fd); err == nil {
		c.raddr = sockaddrToAddr(network, sa)
	}
	return c
}

// Fd returns the socket's file descriptor (-1 once closed). Closing it
// behind the Conn's back is a bug: close the Conn.
func (c *Conn) Fd() int {
	if c.closed {
		return -1
	}
	return c.fd
}

// Hub returns the hub the connection belongs to.
func (c *Conn) Hub() *hub.Hub { return c.h }

// current returns the running G, the caller of op.
func current(h *hub.Hub, op string) (*sched.G, error) {
	g := sched.Of(h).CurrentFor("socket: " + op)
	if g == nil {
		return nil, hub.ErrBlockingSwitchOut
	}
	return g, nil
}

// wait parks g until fd is ready for ev or the deadline passes.
func wait(g *sched.G, fd int, ev sched.IOEvents, deadline time.Time, op string) error {
	if deadline.IsZero() {
		_, err := g.WaitFD(fd, ev, op)
		return mapWaitErr(err)
	}
	d := time.Until(deadline)
	if d <= 0 {
		return os.ErrDeadlineExceeded
	}
	got, err := g.WaitFDTimeout(fd, ev, d, op)
	if err == nil && got == 0 {
		return os.ErrDeadlineExceeded
	}
	return mapWaitErr(err)
}

func mapWaitErr(err error) error {
	if errors.Is(err, hub.ErrFDClosed) {
		return net.ErrClosed
	}
	return err
}

func (c *Conn) opErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return &net.OpError{Op: op, Net: c.net, Source: c.laddr, Addr: c.raddr, Err: err}
}

// Read reads into p, parking the running greenlet until data, the end of the
// stream (io.EOF) or an error is there, or the read deadline passes.
func (c *Conn) Read(p []byte) (int, error) {
	if c.closed {
		return 0, c.opErr("read", net.ErrClosed)
	}
	g, err := current(c.h, "Conn.Read")
	if err != nil {
		return 0, c.opErr("read", err)
	}
	if c.drained && len(p) > 0 {
		c.drained = false
		if err := wait(g, c.fd, sched.Readable, c.rdl, "socket: Conn.Read"); err != nil {
			return 0, c.opErr("read", err)
		}
		if c.closed {
			return 0, c.opErr("read", net.ErrClosed)
		}
	}
	for {
		n, err := syscall.Read(c.fd, p)
		switch {
		case err == nil && n == 0 && len(p) > 0:
			return 0, io.EOF
		case err == nil:
			c.drained = n < len(p)
			return n, nil
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			if err := wait(g, c.fd, sched.Readable, c.rdl, "socket: Conn.Read"); err != nil {
				return 0, c.opErr("read", err)
			}
			if c.closed {
				return 0, c.opErr("read", net.ErrClosed)
			}
		default:
			return 0, c.opErr("read", os.NewSyscallError("read", err))
		}
	}
}

// Write writes all of p, parking the running greenlet while the socket's
// buffer is full; it returns fewer bytes only with an error (the peer reset
// the connection, the write deadline passed, the Conn was closed).
func (c *Conn) Write(p []byte) (int, error) {
	if c.closed {
		return 0, c.opErr("write", net.ErrClosed)
	}
	g, err := current(c.h, "Conn.Write")
	if err != nil {
		return 0, c.opErr("write", err)
	}
	done := 0
	for done < len(p) {
		n, err := syscall.Write(c.fd, p[done:])
		switch {
		case err == nil:
			done += n
		case err == syscall.EINTR:
		case err == syscall.EAGAIN:
			if err := wait(g, c.fd, sched.Writable, c.wdl, "socket: Conn.Write"); err != nil {
				return done, c.opErr("write", err)
			}
			if c.closed {
				return done, c.opErr("write", net.ErrClosed)
			}
		default:
			return done, c.opErr("write", os.NewSyscallError("write", err))
		}
	}
	return done, nil
}

// Close wakes every greenlet waiting on the connection with net.ErrClosed,
// then closes the socket. Closing twice returns net.ErrClosed. Call it from
// a greenlet or a callback of the connection's hub.
func (c *Conn) Close() error {
	if c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	c.closed = true
	sched.Of(c.h).CancelFD(c.fd, nil)
	return c.opErr("close", os.NewSyscallError("close", syscall.Close(c.fd)))
}

// CloseWrite shuts down the writing side (a half-close): the peer reads
// io.EOF, and this side can still read.
func (c *Conn) CloseWrite() error {
	if c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	return c.opErr("close", os.NewSyscallError("shutdown", syscall.Shutdown(c.fd, syscall.SHUT_WR)))
}

// CloseRead shuts down the reading side: later reads return io.EOF.
func (c *Conn) CloseRead() error {
	if c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	return c.opErr("close", os.NewSyscallError("shutdown", syscall.Shutdown(c.fd, syscall.SHUT_RD)))
}

// LocalAddr returns the local address (nil if unknown).
func (c *Conn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr returns the peer's address (nil if unknown).
func (c *Conn) RemoteAddr() net.Addr { return c.raddr }

// SetDeadline sets the read and write deadlines (the zero time: none).
func (c *Conn) SetDeadline(t time.Time) error { c.rdl, c.wdl = t, t; return nil }

// SetReadDeadline bounds the waits of later Reads (the zero time: none);
// one that passes returns an error wrapping os.ErrDeadlineExceeded.
func (c *Conn) SetReadDeadline(t time.Time) error { c.rdl = t; return nil }

// SetWriteDeadline bounds the waits of later Writes, like SetReadDeadline.
func (c *Conn) SetWriteDeadline(t time.Time) error { c.wdl = t; return nil }

func sockaddrToAddr(network string, sa syscall.Sockaddr) net.Addr {
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(sa.Addr[:]).To16(), Port: sa.Port}
	case *syscall.SockaddrInet6:
		a := &net.TCPAddr{IP: net.IP(sa.Addr[:]), Port: sa.Port}
		if sa.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(sa.ZoneId)); err == nil {
				a.Zone = ifi.Name
			}
		}
		return a
	case *syscall.SockaddrUnix:
		return &net.UnixAddr{Name: sa.Name, Net: "unix"}
	}
	return nil
}

//go:build unix

package socket_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/leakcheck"
	"github.com/gevent-go/gevent/internal/sched"
	"github.com/gevent-go/gevent/socket"
)

// generous bounds waits that only a broken implementation reaches.
const generous = 10 * time.Second

func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// eachCore runs body as the main greenlet of a verifying hub on every core,
// then checks that nothing leaked: the hub's census, the goroutines and the
// open fds are back where they started.
func eachCore(t *testing.T, body func(t *testing.T, main *greenlet.Greenlet) error) {
	for _, core := range hub.Cores() {
		t.Run(core, func(t *testing.T) {
			fds, gs := openFDs(t), runtime.NumGoroutine()
			h, err := hub.New(hub.WithCore(core), hub.WithVerify(true))
			if err != nil {
				t.Fatal(err)
			}
			if err := greenlet.RunOn(h, func(main *greenlet.Greenlet) error { return body(t, main) }); err != nil {
				t.Fatal(err)
			}
			if c := h.Census(); c != (hub.Census{}) {
				t.Errorf("census after Run: %+v", c)
			}
			if n, dump := leakcheck.Settle(gs, generous); dump != nil {
				t.Errorf("goroutines: %d, baseline %d\n%s", n, gs, dump)
			}
			if n := openFDs(t); n != fds {
				t.Errorf("open fds: %d, baseline %d", n, fds)
			}
		})
	}
}

func listen(t *testing.T, main *greenlet.Greenlet) *socket.Listener {
	ln, err := socket.Listen(main.Hub(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func echo(cur *greenlet.Greenlet, c *socket.Conn) { io.Copy(c, c) }

// A StreamServer echoes for many clients at once, each in its own greenlet,
// and Stop leaves no handler, connection or fd behind.
func TestStreamServerEcho(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		srv := socket.NewStreamServer(listen(t, main), echo)
		srv.Start(main)
		const clients, rounds = 20, 10
		gs := make([]*greenlet.Greenlet, clients)
		for i := range gs {
			gs[i] = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				c, err := socket.Dial(g, "tcp", srv.Addr().String())
				if err != nil {
					return nil, err
				}
				defer c.Close()
				msg := bytes.Repeat([]byte{byte('a' + i%26)}, 64)
				buf := make([]byte, 64)
				for range rounds {
					if _, err := c.Write(msg); err != nil {
						return nil, err
					}
					if _, err := io.ReadFull(c, buf); err != nil {
						return nil, err
					}
					if !bytes.Equal(buf, msg) {
						return nil, errors.New("echo mismatch")
					}
				}
				return nil, nil
			})
		}
		if _, err := greenlet.JoinAll(main, gs, greenlet.Within(generous), greenlet.StopOnError()); err != nil {
			t.Error(err)
		}
		if err := srv.Stop(main); err != nil {
			t.Error(err)
		}
		if srv.Len() != 0 {
			t.Errorf("handlers left after Stop: %d", srv.Len())
		}
		return nil
	})
}

// With a Pool the server never runs more handlers than the pool's size.
func TestStreamServerPool(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		running, most := 0, 0
		handler := func(cur *greenlet.Greenlet, c *socket.Conn) {
			running++
			most = max(most, running)
			defer func() { running-- }()
			greenlet.Sleep(cur, time.Millisecond)
			c.Write([]byte("x"))
		}
		srv := socket.NewStreamServer(listen(t, main), handler, socket.WithPool(greenlet.NewPool(main.Hub(), 2)))
		srv.Start(main)
		gs := make([]*greenlet.Greenlet, 6)
		for i := range gs {
			gs[i] = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				c, err := socket.Dial(g, "tcp", srv.Addr().String())
				if err != nil {
					return nil, err
				}
				defer c.Close()
				_, err = io.ReadAll(c)
				return nil, err
			})
		}
		if _, err := greenlet.JoinAll(main, gs, greenlet.Within(generous), greenlet.StopOnError()); err != nil {
			t.Error(err)
		}
		if most != 2 {
			t.Errorf("at most %d handlers ran at once, want the pool's 2", most)
		}
		return srv.Stop(main)
	})
}

// Stop waits for the handlers up to its timeout, then kills those left: a
// handler blocked in a read gets the kill, and its client sees the end of
// the stream.
func TestStreamServerStopKillsHandlers(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		var handlerErr error
		srv := socket.NewStreamServer(listen(t, main), func(cur *greenlet.Greenlet, c *socket.Conn) {
			_, handlerErr = c.Read(make([]byte, 1))
		}, socket.WithStopTimeout(5*time.Millisecond))
		srv.Start(main)
		c, err := socket.Dial(main, "tcp", srv.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		for srv.Len() == 0 {
			greenlet.Sleep(main, time.Millisecond)
		}
		start := time.Now()
		if err := srv.Stop(main); err != nil {
			t.Error(err)
		}
		if d := time.Since(start); d < 5*time.Millisecond {
			t.Errorf("Stop returned after %v, before its timeout", d)
		}
		var exit *greenlet.GreenletExit
		if !errors.As(handlerErr, &exit) {
			t.Errorf("handler's read: %v, want the kill (GreenletExit)", handlerErr)
		}
		if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Errorf("client after the kill: %d, %v; want EOF", n, err)
		}
		if _, err := socket.DialTimeout(main, "tcp", srv.Addr().String(), generous); err == nil {
			t.Error("dial after Stop succeeded")
		}
		return nil
	})
}

// A peer that resets the connection (SO_LINGER 0, close): the reader gets
// ECONNRESET, a clear error, and no leak.
func TestPeerReset(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		ln := listen(t, main)
		defer ln.Close()
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			c, err := ln.Accept(g)
			if err != nil {
				return nil, err
			}
			if _, err := c.Read(make([]byte, 1)); err != nil { // the client is connected
				return nil, err
			}
			syscall.SetsockoptLinger(c.Fd(), syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
			return nil, c.Close()
		})
		c, err := socket.Dial(main, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		c.Write([]byte("x"))
		_, err = c.Read(make([]byte, 1))
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("read after a reset: %v, want ECONNRESET", err)
		}
		// Writing to the reset connection fails with a clear error (EPIPE
		// or ECONNRESET), and no SIGPIPE ends the process.
		var werr error
		for range 3 {
			if _, werr = c.Write([]byte("x")); werr != nil {
				break
			}
		}
		if !errors.Is(werr, syscall.EPIPE) && !errors.Is(werr, syscall.ECONNRESET) {
			t.Errorf("write after a reset: %v, want EPIPE or ECONNRESET", werr)
		}
		return nil
	})
}

// A half-close: the client shuts its writing side, the server reads to EOF
// and still answers, and the client reads the answer then EOF; over a Unix
// socket.
func TestHalfCloseUnix(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		path := filepath.Join(t.TempDir(), "s")
		ln, err := socket.Listen(main.Hub(), "unix", path)
		if err != nil {
			return err
		}
		srv := socket.NewStreamServer(ln, func(cur *greenlet.Greenlet, c *socket.Conn) {
			b, err := io.ReadAll(c)
			if err != nil {
				t.Error(err)
			}
			c.Write([]byte(strings.ToUpper(string(b))))
		})
		srv.Start(main)
		c, err := socket.Dial(main, "unix", path)
		if err != nil {
			return err
		}
		defer c.Close()
		c.Write([]byte("hello"))
		if err := c.CloseWrite(); err != nil {
			t.Error(err)
		}
		b, err := io.ReadAll(c)
		if string(b) != "HELLO" || err != nil {
			t.Errorf("answer after the half-close: %q, %v", b, err)
		}
		if err := srv.Stop(main); err != nil {
			t.Error(err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("socket path after Stop: %v", err)
		}
		return nil
	})
}

// Closing a Conn while another greenlet reads it: the reader wakes with
// net.ErrClosed, also when the fd number is reused by the next socket at
// once; later calls on the closed Conn fail the same way.
func TestCloseWhileReading(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		ln := listen(t, main)
		defer ln.Close()
		c, err := socket.Dial(main, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		peer, err := ln.Accept(main)
		if err != nil {
			return err
		}
		defer peer.Close()
		var readErr error
		r := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			_, readErr = c.Read(make([]byte, 1))
			return nil, nil
		})
		greenlet.Sleep(main, 0)
		fd := c.Fd()
		c.Close()
		// The next socket likely takes fd's number; data on it must not
		// reach the old reader.
		c2, err := socket.Dial(main, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c2.Close()
		p2, err := ln.Accept(main)
		if err != nil {
			return err
		}
		defer p2.Close()
		r.JoinTimeout(main, generous) // no data on the new socket: only the close wakes the reader
		if !r.Ready() {
			t.Fatal("the reader of the closed conn still waits")
		}
		p2.Write([]byte("x"))
		if n, err := c2.Read(make([]byte, 1)); n != 1 || err != nil {
			t.Errorf("new socket on the reused fd: %d, %v", n, err)
		}
		if !errors.Is(readErr, net.ErrClosed) {
			t.Errorf("reader of a closed conn: %v, want net.ErrClosed", readErr)
		}
		t.Logf("old fd %d, new fd %d", fd, c2.Fd())
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
			t.Errorf("read after Close: %v", err)
		}
		if err := c.Close(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("second Close: %v", err)
		}
		return nil
	})
}

// Deadlines: a read past its deadline fails with os.ErrDeadlineExceeded, a
// net.Error whose Timeout is true, after at least the deadline; dialing a
// closed port is refused.
func TestDeadlineAndRefused(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		ln := listen(t, main)
		c, err := socket.Dial(main, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		start := time.Now()
		c.SetReadDeadline(start.Add(5 * time.Millisecond))
		_, err = c.Read(make([]byte, 1))
		var ne net.Error
		if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("read past its deadline: %v", err)
		}
		if d := time.Since(start); d < 5*time.Millisecond {
			t.Errorf("deadline passed after %v", d)
		}
		addr := ln.Addr().String()
		ln.Close()
		if _, err := socket.Dial(main, "tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("dial of a closed port: %v, want ECONNREFUSED", err)
		}
		return nil
	})
}

// A writer far ahead of a slow reader hits EAGAIN over and over: every byte
// arrives, in order, and the writer parks instead of spinning.
func TestEAGAINStorm(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		ln := listen(t, main)
		defer ln.Close()
		const size = 4 << 20
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i * 7)
		}
		w := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			c, err := ln.Accept(g)
			if err != nil {
				return nil, err
			}
			defer c.Close()
			return c.Write(data)
		})
		c, err := socket.Dial(main, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		got := make([]byte, 0, size)
		buf := make([]byte, 1000)
		for len(got) < size {
			n, err := c.Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, buf[:n]...)
			greenlet.Sleep(main, 0)
		}
		if !bytes.Equal(got, data) {
			t.Error("data corrupted")
		}
		n, err := w.Get(main)
		if n != size || err != nil {
			t.Errorf("writer: %v, %v", n, err)
		}
		return nil
	})
}

// Many greenlets accept on one listener (many waiters on one fd): every
// connection is accepted exactly once, and Close wakes the waiters left.
func TestManyAcceptors(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		ln := listen(t, main)
		const n = 10
		accepted, closedErrs := 0, 0
		gs := make([]*greenlet.Greenlet, 2*n)
		for i := range gs {
			gs[i] = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				c, err := ln.Accept(g)
				if errors.Is(err, net.ErrClosed) {
					closedErrs++
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				accepted++
				return nil, c.Close()
			})
		}
		greenlet.Sleep(main, 0)
		for range n {
			c, err := socket.Dial(main, "tcp", ln.Addr().String())
			if err != nil {
				return err
			}
			c.Close()
		}
		for accepted < n {
			greenlet.Sleep(main, time.Millisecond)
		}
		ln.Close()
		if _, err := greenlet.JoinAll(main, gs, greenlet.Within(generous), greenlet.StopOnError()); err != nil {
			t.Error(err)
		}
		if accepted != n || closedErrs != n {
			t.Errorf("accepted %d, woken by Close %d; want %d each", accepted, closedErrs, n)
		}
		return nil
	})
}

// Misuse: a Conn read from a hub callback returns ErrBlockingSwitchOut; from
// a goroutine that is not the hub's, it panics with a "socket:" message
// before touching the hub.
func TestConnMisuse(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		ln := listen(t, main)
		defer ln.Close()
		c, err := socket.Dial(main, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		var cbErr error
		sched.Of(main.Hub()).RunCallback(func() { _, cbErr = c.Read(make([]byte, 1)) })
		greenlet.Sleep(main, 0)
		if !errors.Is(cbErr, hub.ErrBlockingSwitchOut) {
			t.Errorf("read from a callback: %v", cbErr)
		}
		done := make(chan any)
		go func() {
			defer func() { done <- recover() }()
			c.Read(make([]byte, 1))
		}()
		r, _ := greenlet.Blocking(main, func(ctx context.Context) (any, error) { return <-done, nil })
		if s, _ := r.(string); !strings.HasPrefix(s, "socket: Conn.Read: called from a goroutine") {
			t.Errorf("read from a foreign goroutine: %v", r)
		}
		return nil
	})
}

// ReusePort lets two listeners bind one address (without it the second
// bind fails), and between them they accept every connection.
func TestReusePort(t *testing.T) {
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		h := main.Hub()
		ln1, err := socket.Listen(h, "tcp", "127.0.0.1:0", socket.ReusePort())
		if err != nil {
			return err
		}
		addr := ln1.Addr().String()
		if ln, err := socket.Listen(h, "tcp", addr); !errors.Is(err, syscall.EADDRINUSE) {
			t.Errorf("second bind without ReusePort: %v", err)
			if ln != nil {
				ln.Close()
			}
		}
		ln2, err := socket.Listen(h, "tcp", addr, socket.ReusePort())
		if err != nil {
			ln1.Close()
			return err
		}
		accepted := 0
		var gs []*greenlet.Greenlet
		for _, ln := range []*socket.Listener{ln1, ln2} {
			gs = append(gs, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				for {
					c, err := ln.Accept(g)
					if errors.Is(err, net.ErrClosed) {
						return nil, nil
					}
					if err != nil {
						return nil, err
					}
					accepted++
					c.Close()
				}
			}))
		}
		const n = 20
		for range n {
			c, err := socket.Dial(main, "tcp", addr)
			if err != nil {
				return err
			}
			c.Close()
		}
		for accepted < n {
			greenlet.Sleep(main, time.Millisecond)
		}
		ln1.Close()
		ln2.Close()
		_, err = greenlet.JoinAll(main, gs, greenlet.Within(generous), greenlet.StopOnError())
		return err
	})
}

//go:build linux

package workloads

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/socket"
)

// oursEchoServers are our echo servers, one hub on each core: package
// socket's listener with an accept loop that spawns a greenlet per
// connection.
var oursEchoServers = map[string]func(limit time.Duration) error{
	string(CoreGo): func(limit time.Duration) error { return serveOurs(limit, "go") },
	string(CoreC):  func(limit time.Duration) error { return serveOurs(limit, "c") },
}

// serveOurs runs the echo server in one hub on core: the main greenlet
// waits for the end of standard input (the client's signal to stop) while
// an accept greenlet spawns one handler greenlet per connection; when main
// returns, the hub stops the greenlets left.
func serveOurs(limit time.Duration, core string) error {
	return greenlet.Run(func(main *greenlet.Greenlet) error {
		ln, err := socket.Listen(main.Hub(), "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		fmt.Println(ln.Addr())
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for {
				c, err := ln.Accept(g)
				if err != nil {
					return nil, nil // closed: the server is stopping
				}
				greenlet.Spawn(g, func(*greenlet.Greenlet) (any, error) {
					defer c.Close()
					var buf [echoMsg]byte
					for {
						n, err := c.Read(buf[:])
						if n > 0 {
							if _, werr := c.Write(buf[:n]); werr != nil {
								return nil, nil
							}
						}
						if err != nil {
							return nil, nil
						}
					}
				})
			}
		})
		return waitInputGreenlet(main, limit)
	}, hub.WithCore(core))
}

// waitInputGreenlet is waitInput for a greenlet: it parks cur on standard
// input until it reaches its end, or returns errEchoLimit after limit.
func waitInputGreenlet(cur *greenlet.Greenlet, limit time.Duration) error {
	end := time.Now().Add(limit)
	var buf [512]byte
	for {
		ready, err := greenlet.WaitReadTimeout(cur, 0, time.Until(end))
		if err != nil {
			return fmt.Errorf("waiting on standard input: %w", err)
		}
		if !ready {
			return errEchoLimit
		}
		n, err := syscall.Read(0, buf[:])
		switch {
		case err == syscall.EAGAIN || err == syscall.EINTR:
		case err != nil:
			return os.NewSyscallError("read stdin", err)
		case n == 0:
			return nil // end of input
		}
	}
}

//go:build linux

package workloads

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/socket"
)

// oursEchoServers are our echo servers: one hub on each core, and one
// core=go hub per CPU.
var oursEchoServers = map[string]func(limit time.Duration) error{
	string(CoreGo): func(limit time.Duration) error {
		return echoHub(limit, "go", func(addr string) { fmt.Println(addr) })
	},
	string(CoreC): func(limit time.Duration) error {
		return echoHub(limit, "c", func(addr string) { fmt.Println(addr) })
	},
	string(HubPerCPU): serveHubPerCPU,
}

// echoHub runs an echo server in one hub on core, and calls ready with its
// address once it listens: package socket's listener, an accept greenlet
// spawning a handler greenlet per connection, and the main greenlet
// waiting for the end of standard input (the client's signal to stop);
// when main returns, the hub stops the greenlets left.
func echoHub(limit time.Duration, core string, ready func(addr string)) error {
	return greenlet.Run(func(main *greenlet.Greenlet) error {
		ln, err := socket.Listen(main.Hub(), "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		ready(ln.Addr().String())
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

// serveHubPerCPU runs one core=go hub per CPU, each on its own goroutine
// (so its own thread) with its own listener on its own port, and prints
// their addresses on one line: the client spreads its connections over
// them in turn. (Package socket has no SO_REUSEPORT listener, which would
// let the kernel spread connections over one port.) Every hub watches
// standard input and stops at its end.
func serveHubPerCPU(limit time.Duration) error {
	n := runtime.NumCPU()
	addrs := make(chan string, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			errs <- echoHub(limit, "go", func(addr string) { addrs <- addr })
		}()
	}
	var got []string
	for len(got) < n {
		select {
		case a := <-addrs:
			got = append(got, a)
		case err := <-errs:
			return fmt.Errorf("a hub ended before it listened: %v", err)
		}
	}
	fmt.Println(strings.Join(got, " "))
	var all []error
	for range n {
		all = append(all, <-errs)
	}
	return errors.Join(all...)
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

//go:build linux

package workloads

import (
	"errors"
	"fmt"
	"os"
	"runtime"
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
		return echoHub(limit, "go", "127.0.0.1:0", nil, func(addr string) { fmt.Println(addr) })
	},
	string(CoreC): func(limit time.Duration) error {
		return echoHub(limit, "c", "127.0.0.1:0", nil, func(addr string) { fmt.Println(addr) })
	},
	string(HubPerCPU): serveHubPerCPU,
}

// echoHub runs an echo server in one hub on core, listening on addr with
// opts, and calls ready with the address it listens on (or "" if it could
// not listen): a socket.StreamServer (a greenlet per connection) whose main
// greenlet waits for the end of standard input, the client's signal to
// stop, and then stops the server.
func echoHub(limit time.Duration, core, addr string, opts []socket.ListenOption, ready func(addr string)) error {
	return greenlet.Run(func(main *greenlet.Greenlet) error {
		ln, err := socket.Listen(main.Hub(), "tcp", addr, opts...)
		if err != nil {
			ready("")
			return err
		}
		ready(ln.Addr().String())
		srv := socket.NewStreamServer(ln, echoHandler)
		srv.Start(main)
		werr := waitInputGreenlet(main, limit)
		return errors.Join(werr, srv.Stop(main))
	}, hub.WithCore(core))
}

// echoHandler echoes c until it ends, reading up to echoReadBuf bytes at a
// time as every echo server does.
func echoHandler(_ *greenlet.Greenlet, c *socket.Conn) { echoLoop(c) }

// serveHubPerCPU runs one core=go hub per CPU, each on its own goroutine
// (so its own thread) with its own SO_REUSEPORT listener on one port,
// over which the kernel spreads the connections. Every hub watches
// standard input and stops at its end.
func serveHubPerCPU(limit time.Duration) error {
	n := runtime.NumCPU()
	opts := []socket.ListenOption{socket.ReusePort()}
	bound := make(chan string, n)
	errs := make(chan error, n)
	start := func(addr string) {
		go func() { errs <- echoHub(limit, "go", addr, opts, func(a string) { bound <- a }) }()
	}
	start("127.0.0.1:0")
	addr := <-bound
	if addr == "" {
		return <-errs
	}
	for range n - 1 {
		start(addr)
	}
	for range n - 1 {
		if <-bound == "" {
			break // its error follows on errs
		}
	}
	fmt.Println(addr)
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

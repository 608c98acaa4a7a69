// Command echo is an echo server: a socket.StreamServer whose handler
// copies every byte back, on one hub or on several (one per goroutine, each
// with its own SO_REUSEPORT listener on the same port), for load tests of
// the greenlet sockets (the echo workload of the comparison runs it). It
// listens on loopback only, prints its address on the first line of stdout,
// and serves until stdin is closed.
//
//	echo [-core go|c] [-addr 127.0.0.1:0] [-hubs n] [-pool n] [-cpuprofile file]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/pprof"
	"sync"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/socket"
)

func main() {
	core := flag.String("core", "", "the hubs' core (go or c; default: GEVENT_CORE, then the build's default)")
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	hubs := flag.Int("hubs", 1, "hubs, each on its own goroutine and thread with its own listener")
	pool := flag.Int("pool", 0, "bound each hub's handlers to a pool of this size (0: unbounded)")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			fmt.Fprintln(os.Stderr, "echo:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*core, *addr, *hubs, *pool); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(core, addr string, hubs, pool int) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q is not a loopback IP: load stays on this machine", addr)
	}
	if hubs < 1 {
		return fmt.Errorf("-hubs %d: need at least one hub", hubs)
	}
	var opts []hub.Option
	if core != "" {
		opts = append(opts, hub.WithCore(core))
	}
	done := make(chan struct{}) // closed when stdin is
	bound := make(chan string, 1)
	errs := make(chan error, hubs)
	var wg sync.WaitGroup
	serve := func(addr string, first bool) {
		defer wg.Done()
		errs <- greenlet.Run(func(main *greenlet.Greenlet) error {
			h := main.Hub()
			var lopts []socket.ListenOption
			if hubs > 1 {
				lopts = append(lopts, socket.ReusePort())
			}
			ln, err := socket.Listen(h, "tcp", addr, lopts...)
			if first {
				if err != nil {
					close(bound)
					return err
				}
				bound <- ln.Addr().String() //greenletvet:ignore buffered for this one send: never blocks
			}
			if err != nil {
				return err
			}
			var sopts []socket.ServerOption
			if pool > 0 {
				sopts = append(sopts, socket.WithPool(greenlet.NewPool(h, pool)))
			}
			srv := socket.NewStreamServer(ln, echo, sopts...)
			srv.Start(main)
			greenlet.Blocking(main, func(ctx context.Context) (any, error) {
				select {
				case <-done:
				case <-ctx.Done():
				}
				return nil, nil
			})
			return srv.Stop(main)
		}, opts...)
	}
	wg.Add(1)
	go serve(addr, true)
	a, ok := <-bound
	if !ok {
		wg.Wait()
		return <-errs
	}
	for range hubs - 1 {
		wg.Add(1)
		go serve(a, false)
	}
	fmt.Println(a)
	io.Copy(io.Discard, os.Stdin)
	close(done)
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

// echo copies every byte back until the client closes.
func echo(cur *greenlet.Greenlet, c *socket.Conn) {
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}

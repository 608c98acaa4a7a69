// Command echo is an echo server on one hub: a socket.StreamServer whose
// handler copies every byte back, for load tests of the greenlet sockets
// (the echo workload of the comparison runs it). It listens on loopback
// only, prints its address on the first line of stdout, and serves until
// stdin is closed.
//
//	echo [-core go|c] [-addr 127.0.0.1:0] [-pool n] [-cpuprofile file]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/pprof"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/socket"
)

func main() {
	core := flag.String("core", "", "the hub's core (go or c; default: GEVENT_CORE, then the build's default)")
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	pool := flag.Int("pool", 0, "bound the handlers to a pool of this size (0: unbounded)")
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
	if err := run(*core, *addr, *pool); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(core, addr string, pool int) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q is not a loopback IP: load stays on this machine", addr)
	}
	var opts []hub.Option
	if core != "" {
		opts = append(opts, hub.WithCore(core))
	}
	return greenlet.Run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		ln, err := socket.Listen(h, "tcp", addr)
		if err != nil {
			return err
		}
		var sopts []socket.ServerOption
		if pool > 0 {
			sopts = append(sopts, socket.WithPool(greenlet.NewPool(h, pool)))
		}
		srv := socket.NewStreamServer(ln, func(cur *greenlet.Greenlet, c *socket.Conn) {
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
		}, sopts...)
		fmt.Println(srv.Addr())
		srv.Start(main)
		// Wait for stdin to close: a goroutine's read, handed to the hub.
		greenlet.Blocking(main, func(ctx context.Context) (any, error) {
			_, err := io.Copy(io.Discard, os.Stdin)
			return nil, err
		})
		return srv.Stop(main)
	}, opts...)
}

//go:build linux

package socket_test

import (
	"context"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gevent-go/gevent/greenlet"
)

// A burst of connects larger than syscall.SOMAXCONN (128) completes even
// while nobody accepts: Listen asks for the system's backlog, as package net
// does. With a backlog of 128 the connects beyond it are dropped and time out.
func TestListenBacklogTakesABurst(t *testing.T) {
	const burst = 300
	if b, err := os.ReadFile("/proc/sys/net/core/somaxconn"); err == nil {
		if n, _ := strconv.Atoi(strings.TrimSpace(string(b))); n < burst+10 {
			t.Skipf("net.core.somaxconn is %d: too small for a burst of %d", n, burst)
		}
	}
	eachCore(t, func(t *testing.T, main *greenlet.Greenlet) error {
		ln := listen(t, main)
		defer ln.Close()
		addr := ln.Addr().String()
		// The dials are plain Go, off the hub, so they block nobody; the
		// hub only waits for them.
		conns, err := greenlet.Blocking(main, func(ctx context.Context) ([]net.Conn, error) {
			var cs []net.Conn
			for range burst {
				c, err := net.DialTimeout("tcp", addr, generous)
				if err != nil {
					for _, c := range cs {
						c.Close()
					}
					return nil, err
				}
				cs = append(cs, c)
			}
			return cs, nil
		})
		if err != nil {
			t.Fatalf("dial %d connections with nobody accepting: %v", burst, err)
		}
		for _, c := range conns {
			c.Close()
		}
		return nil
	})
}

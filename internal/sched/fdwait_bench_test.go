package sched

import (
	"os"
	"syscall"
	"testing"
)

// The pure-Go core's choice of poller: a ping-pong of one byte between two
// Gs of one hub over a socketpair, each side waiting for readability before
// its read. "epoll-go" is the loop's own wait (WaitFD, epoll in the hub's
// Run); "netpoll" is the alternative built on the Go runtime's poller: a
// goroutine parks in RawConn.Read until the fd is readable and Posts the
// G's wake-up to the hub (its loop then blocks on the wake channel).
// "epoll-c" is the C core's WaitFD, for the record.
func BenchmarkFDPingPong(b *testing.B) {
	for _, mode := range []string{"epoll-go", "epoll-c", "netpoll"} {
		b.Run(mode, func(b *testing.B) {
			core := "go"
			if mode == "epoll-c" {
				core = "c"
			}
			h, err := New(WithCore(core))
			if err != nil {
				b.Skip(err)
			}
			fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
			if err != nil {
				b.Fatal(err)
			}
			for _, fd := range fds {
				syscall.SetNonblock(fd, true)
			}
			files := [2]*os.File{os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")}
			defer files[0].Close()
			defer files[1].Close()
			wait := func(g *G, i int) {
				if mode != "netpoll" {
					if _, err := g.WaitFD(fds[i], Readable, "bench"); err != nil {
						b.Error(err)
					}
					return
				}
				// The runtime's poller is edge-triggered and RawConn.Read
				// resets its readiness first, so the callback must look
				// (MSG_PEEK) rather than assume: a byte that came before
				// the reset would otherwise be waited for forever.
				rc, _ := files[i].SyscallConn()
				tok := g.Token()
				h.Ref()
				go func() {
					var peek [1]byte
					rc.Read(func(fd uintptr) bool {
						_, _, err := syscall.Recvfrom(int(fd), peek[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
						return err != syscall.EAGAIN
					})
					h.Post(func() { h.Wake(tok) })
					h.Unref()
				}()
				if err := g.Park(); err != nil {
					b.Error(err)
				}
			}
			var buf [1]byte
			read := func(g *G, i int) {
				for {
					if _, err := syscall.Read(fds[i], buf[:]); err == nil {
						return
					}
					wait(g, i)
				}
			}
			side := func(g *G, i int) {
				for range b.N {
					if i == 0 {
						syscall.Write(fds[i], buf[:])
						read(g, i)
					} else {
						read(g, i)
						syscall.Write(fds[i], buf[:])
					}
				}
			}
			b.ResetTimer()
			err = h.Run(func(main *G) error {
				peer := &G{}
				peer.Init(h, func(g *G) { side(g, 1) })
				h.Start(peer)
				side(main, 0)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}

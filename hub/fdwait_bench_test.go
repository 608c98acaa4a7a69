package hub

import (
	"os"
	"syscall"
	"testing"
)

// A ping-pong of one byte between two Gs of one hub over a socketpair, each
// side waiting for readability (WaitFD) before its read, on each core.
func BenchmarkFDPingPong(b *testing.B) {
	for _, mode := range []string{"epoll-go", "epoll-c"} {
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
				if _, err := g.WaitFD(fds[i], Readable, "bench"); err != nil {
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

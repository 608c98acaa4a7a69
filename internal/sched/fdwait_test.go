package sched

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A G waiting on a pipe's read end parks alone: another G's sleep and write
// run meanwhile, and the wait returns Readable; a timed wait on an idle fd
// returns 0 after its timeout, and a negative fd is ErrBadFD; on every core.
func TestWaitFD(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			rfd := int(r.Fd())
			h, err := New(WithCore(core), WithVerify(true))
			if err != nil {
				t.Fatal(err)
			}
			var order []string
			err = h.Run(func(main *G) error {
				ev, err := main.WaitFDTimeout(rfd, Readable, time.Millisecond, "test")
				if ev != 0 || err != nil {
					t.Errorf("timed wait on an idle pipe: %v, %v; want 0, nil", ev, err)
				}
				if _, err := main.WaitFD(-1, Readable, "test"); !errors.Is(err, ErrBadFD) {
					t.Errorf("fd -1: %v, want ErrBadFD", err)
				}
				writer := &G{}
				writer.Init(h, func(g *G) {
					g.SleepFor(time.Millisecond, "test")
					order = append(order, "write")
					w.Write([]byte("x"))
				})
				h.Start(writer)
				ev, err = main.WaitFD(rfd, Readable, "test")
				order = append(order, "read")
				if ev != Readable || err != nil {
					t.Errorf("wait on a written pipe: %v, %v; want read, nil", ev, err)
				}
				if c := h.Census(); c.IOWaits != 0 {
					t.Errorf("census after the wait: %+v", c)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(order) != 2 || order[0] != "write" {
				t.Errorf("order %v, want [write read]", order)
			}
			if c := h.Census(); c != (Census{}) {
				t.Errorf("census after Run: %+v", c)
			}
		})
	}
}

// A wait on an fd that is not open fails with ErrBadFD on every core, and
// the hub goes on.
func TestWaitFDClosedFD(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			h, err := New(WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			err = h.Run(func(main *G) error {
				// Made after the loop's own fds, so that the number stays free.
				var p [2]int
				if err := syscall.Pipe(p[:]); err != nil {
					return err
				}
				syscall.Close(p[0])
				syscall.Close(p[1])
				_, err := main.WaitFDTimeout(p[0], Readable, 5*time.Second, "test")
				if !errors.Is(err, ErrBadFD) {
					t.Errorf("closed fd: %v, want ErrBadFD", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// While a G waits on an fd (the pure-Go core then blocks in epoll_wait), a
// Post from another goroutine still wakes the hub: the eventfd path of
// Wake, on every core.
func TestWaitFDPostWakes(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			h, err := New(WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			var posters sync.WaitGroup
			err = h.Run(func(main *G) error {
				waiter := &G{}
				waiter.Init(h, func(g *G) { g.WaitFD(int(r.Fd()), Readable, "test") })
				h.Start(waiter)
				main.Yield() // the waiter watches the pipe now
				for i := range 20 {
					tok := main.Token()
					h.Ref()
					posters.Add(1)
					go func() {
						defer posters.Done()
						if i%2 == 0 {
							time.Sleep(time.Millisecond) // the hub is in its wait by then, usually
						}
						h.Post(func() { h.Wake(tok) })
						h.Unref()
					}()
					if err := main.Park(); err != nil {
						return err
					}
				}
				w.Write([]byte("x"))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			posters.Wait() // the last Unref may come after Run returned
			if c := h.Census(); c != (Census{}) {
				t.Errorf("census after Run: %+v", c)
			}
		})
	}
}

// Package clean is correct greenlet code in the shapes users write (the
// README's first program among them): greenletvet must report nothing.
package clean

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

func firstProgram() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			if err := greenlet.Sleep(g, 10*time.Millisecond); err != nil {
				return nil, err // killed or timed out while parked here
			}
			return "done", nil
		})
		v, err := g.Get(main, true, greenlet.Forever)
		fmt.Println(v, err)
		return err
	})
	if err != nil {
		fmt.Println("error:", err)
	}
}

// offload does blocking work in a goroutine and hands the result to the
// hub, the way to do I/O today.
func offload(main *greenlet.Greenlet, h *hub.Hub, q *greenlet.Queue[[]byte]) error {
	var mu sync.Mutex // guards nothing greenlets touch: used by goroutines only
	done := make(chan struct{})
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		go func() {
			mu.Lock()
			defer mu.Unlock()
			b, _ := os.ReadFile("/etc/hostname")
			_ = h.Post(func() { _ = q.PutNowait(b) })
			close(done)
		}()
		b, err := q.Get(g)
		return b, err
	})
	return nil
}

// worker is a named body; helpers take the current greenlet as cur.
func worker(g *greenlet.Greenlet) (any, error) {
	if err := wait(g, 2); err != nil {
		return nil, err
	}
	return nil, nil
}

func wait(cur *greenlet.Greenlet, n int) error {
	for i := 0; i < n; i++ {
		if err := greenlet.Sleep(cur, time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

func fanOut(main *greenlet.Greenlet, grp *greenlet.Group) error {
	gs := []*greenlet.Greenlet{greenlet.Spawn(main, worker)}
	for _, g := range gs {
		if err := g.Join(main); err != nil {
			return err
		}
	}
	// Killing another greenlet names it as the target and main as the caller.
	return grp.Killone(main, gs[0], nil)
}

func links(g *greenlet.Greenlet) {
	g.Link(func(cur, src *greenlet.Greenlet) error { return src.Join(cur) })
	g.Rawlink(func(src *greenlet.Greenlet) { fmt.Println(src) })
}

func nonBlockingSelect(main *greenlet.Greenlet, ch chan int) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		select {
		case v := <-ch:
			return v, nil
		default:
			return nil, greenlet.Sleep(g, 0)
		}
	})
}

// Package current holds cases of check 1: the greenlet passed as the current
// one must be the innermost body's own.
package current

import (
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

var pkgG *greenlet.Greenlet

func capturedMain() error {
	return greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { // Spawn's on may be any greenlet of the hub
			if err := greenlet.Sleep(main, time.Millisecond); err != nil { // want `Sleep is passed main, a greenlet captured from outside this body, as the current greenlet; pass its own greenlet g`
				return nil, err
			}
			v, err := g.GetTimeout(main, time.Second) // want `\(\*Greenlet\).GetTimeout is passed main, a greenlet captured`
			if err != nil {
				return nil, err
			}
			return v, greenlet.Sleep(g, time.Millisecond) // own greenlet: fine
		})
		_, err := g.Get(main, true, greenlet.Forever) // main is Run's own: fine
		return err
	})
}

func nested(main *greenlet.Greenlet) {
	greenlet.Spawn(main, func(outer *greenlet.Greenlet) (any, error) {
		inner := greenlet.Spawn(outer, func(inner *greenlet.Greenlet) (any, error) {
			return nil, greenlet.Sleep(outer, 0) // want `Sleep is passed outer, a greenlet captured from outside this body, as the current greenlet; pass its own greenlet inner`
		})
		// The target of Join may be any greenlet; only the current slot counts.
		if err := inner.Join(outer); err != nil {
			return nil, err
		}
		return nil, greenlet.Sleep(pkgG, 0) // want `Sleep is passed pkgG, a greenlet captured`
	})
}

func closures(main *greenlet.Greenlet, t *greenlet.Timeout) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		// A closure without a greenlet parameter runs in the body around it.
		err := t.Do(g, func() error { return greenlet.Sleep(g, time.Second) })
		if err != nil {
			return nil, err
		}
		err = t.Do(g, func() error { return greenlet.Sleep(main, time.Second) }) // want `Sleep is passed main, a greenlet captured`
		// A helper shaped like a body but called in place runs as part of g.
		join := func(other *greenlet.Greenlet) error { return other.Join(g) }
		if err := join(main); err != nil {
			return nil, err
		}
		if err := func(x *greenlet.Greenlet) error { return x.Join(g) }(main); err != nil {
			return nil, err
		}
		// A local copy is not judged.
		c := g
		return nil, greenlet.Sleep(c, 0)
	})
}

func targets(main *greenlet.Greenlet, grp *greenlet.Group, q *greenlet.Queue[int]) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		if err := grp.Killone(g, main, nil); err != nil { // main is the target: fine
			return nil, err
		}
		if err := grp.Killone(main, g, nil); err != nil { // want `\(\*Group\).Killone is passed main`
			return nil, err
		}
		if err := q.Put(main, 1); err != nil { // want `\(\*Queue\).Put is passed main`
			return nil, err
		}
		greenlet.Kill(main, nil) // no current slot
		if main.Err() != nil {   // not a blocking call
			return nil, main.Err()
		}
		return nil, greenlet.Shutdown(main) // want `Shutdown is passed main`
	})
}

func link(main, other *greenlet.Greenlet) {
	other.Link(func(cur, src *greenlet.Greenlet) error {
		if err := src.Join(cur); err != nil { // src is the target: fine
			return err
		}
		return greenlet.Sleep(src, 0) // want `Sleep is passed src as the current greenlet, but this body runs as its own greenlet cur`
	})
	// Not bodies: callbacks about a greenlet that return nothing.
	other.Rawlink(func(src *greenlet.Greenlet) {})
}

func mapped(main *greenlet.Greenlet) error {
	_, err := greenlet.Map(main, []int{1, 2}, func(g *greenlet.Greenlet, x int) (int, error) {
		return x, greenlet.Sleep(main, 0) // want `Sleep is passed main`
	})
	return err
}

// worker is a named body.
func worker(g *greenlet.Greenlet) (any, error) {
	return nil, greenlet.Sleep(pkgG, 0) // want `Sleep is passed pkgG`
}

// helper is shaped like the API: its cur is the current slot.
func helper(cur *greenlet.Greenlet, n int) error { return greenlet.Sleep(cur, 0) }

func useHelper(main *greenlet.Greenlet) {
	greenlet.Spawn(main, worker)
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		return nil, helper(main, 1) // want `helper is passed main`
	})
}

func goroutine(main *greenlet.Greenlet, q *greenlet.Queue[int], h *hub.Hub) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		go func() {
			// A goroutine runs no greenlet: the hub panics at run time.
			err := q.Put(g, 1)                          // want `\(\*Queue\).Put is passed g from a goroutine, where that greenlet is not running; greenlet calls run in the greenlet they are passed, on its hub's thread: hand the work to the hub with \(\*hub.Hub\).Post`
			_ = h.Post(func() { err = q.Put(main, 2) }) // want `\(\*Queue\).Put is passed main from a goroutine`
			_ = q.PutNowait(3)                          // no current slot: not judged
			_ = err
			_ = greenlet.Run(func(m2 *greenlet.Greenlet) error {
				return greenlet.Sleep(m2, 0) // a new hub's body on this goroutine: fine
			})
		}()
		go helper(g, 1)             // want `helper is started on a goroutine of its own but passed a greenlet as the current one`
		go g.Join(main)             // want `\(\*Greenlet\).Join is started on a goroutine`
		go greenlet.Kill(main, nil) // no current slot: fine
		return nil, nil
	})
}

// A call that takes the current greenlet without returning an error still
// needs the right one.
func iterate(main *greenlet.Greenlet) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		it := greenlet.IWait(main, nil) // want `IWait is passed main`
		for it.Next(main) {             // want `\(\*Iter\).Next is passed main`
		}
		for it.Next(g) {
		}
		return nil, it.Err()
	})
}

// A greenlet the body spawned is never the one running it.
func spawned(main *greenlet.Greenlet, p func(cur *greenlet.Greenlet, fn greenlet.Func) (*greenlet.Greenlet, error)) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		child := greenlet.Spawn(g, worker)
		if err := child.Join(child); err != nil { // want `\(\*Greenlet\).Join is passed child, a greenlet spawned by this body, as the current greenlet; pass its own greenlet g`
			return nil, err
		}
		pooled, err := p(g, worker)
		if err != nil {
			return nil, err
		}
		if err := greenlet.Sleep(pooled, 0); err != nil { // want `Sleep is passed pooled, a greenlet spawned by this body`
			return nil, err
		}
		// A variable also assigned something else is not judged.
		either := greenlet.Spawn(g, worker)
		if child.Err() != nil {
			either = g
		}
		return nil, greenlet.Sleep(either, 0)
	})
}

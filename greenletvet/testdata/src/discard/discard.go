// Package discard holds cases of check 2: the error of a blocking call must
// not be dropped.
package discard

import (
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

func bodies(main *greenlet.Greenlet, q *greenlet.Queue[int]) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		greenlet.Sleep(g, time.Second)         // want `the error of Sleep is discarded`
		(greenlet.Sleep(g, time.Second))       // want `the error of Sleep is discarded`
		_ = greenlet.Sleep(g, time.Second)     // want `the error of Sleep is discarded`
		v, _ := q.Get(g)                       // want `the error of \(\*Queue\).Get is discarded`
		_, _ = main.GetTimeout(g, time.Second) // want `the error of \(\*Greenlet\).GetTimeout is discarded`
		var _ = q.Put(g, v)                    // want `the error of \(\*Queue\).Put is discarded`
		x, err := main.Get(g, true, greenlet.Forever)
		if err != nil {
			return nil, err
		}
		_ = x
		return nil, nil
	})
}

// Outside bodies too: a helper that drops the error makes its caller
// unkillable there.
func helper(cur *greenlet.Greenlet, g *greenlet.Greenlet) {
	g.Join(cur)                              // want `the error of \(\*Greenlet\).Join is discarded`
	g.Kill(cur, nil, true, greenlet.Forever) // want `the error of \(\*Greenlet\).Kill is discarded`
}

func notBlocking(main *greenlet.Greenlet, q *greenlet.Queue[int], h *hub.Hub) {
	q.PutNowait(1) // no current slot: not a blocking call
	_ = main.Err()
	greenlet.Kill(main, nil)
	_ = h.Post(func() {})
	// defer and go discard by construction.
	defer main.Join(main)
	go main.Join(main)                   // want `is started on a goroutine`
	greenlet.IWait(main, nil).Next(main) // no error result: not a blocking call
}

// Excused: the greenlet is leaving with a failure anyway.
func leaving(cur, g *greenlet.Greenlet, bodyErr error) error {
	if bodyErr != nil {
		_ = g.Kill(cur, bodyErr, true, greenlet.Forever)
		return bodyErr
	}
	defer func() {
		if r := recover(); r != nil {
			_ = g.Kill(cur, nil, true, greenlet.Forever)
			panic(r)
		}
	}()
	_ = g.Join(cur) // want `the error of \(\*Greenlet\).Join is discarded`
	return nil
}

// Excused: with nil as the current greenlet nothing can park.
func nilCurrent(q *greenlet.Queue[int]) {
	_ = q.Put(nil, 1)
}

// Excused: a func() handed to other code leaves the error nowhere to go.
func panics(main *greenlet.Greenlet, q *greenlet.Queue[int], expectPanic func(func())) {
	expectPanic(func() { _, _ = q.Get(main) })
	cases := map[string]func(){"x": func() { _ = q.Put(main, 1) }}
	_ = cases
	// Not excused: called in place, the error had somewhere to go.
	func() { _ = q.Put(main, 1) }()  // want `the error of \(\*Queue\).Put is discarded`
	put := func() { q.Put(main, 1) } // want `the error of \(\*Queue\).Put is discarded`
	put()
	expectPanic(func() {
		_ = q.Put(main, 1) // want `the error of \(\*Queue\).Put is discarded`
		_ = q.Put(main, 2) // want `the error of \(\*Queue\).Put is discarded`
	})
}

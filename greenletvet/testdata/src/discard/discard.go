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
	g.Raw().Park()                           // want `the error of \(\*G\).Park is discarded`
}

func notBlocking(main *greenlet.Greenlet, q *greenlet.Queue[int], h *hub.Hub) {
	q.PutNowait(1) // no current slot: not a blocking call
	_ = main.Err()
	greenlet.Kill(main, nil)
	_ = h.Post(func() {})
	// defer and go discard by construction.
	defer main.Join(main)
	go main.Join(main)
	h.Throw(nil, nil)
}

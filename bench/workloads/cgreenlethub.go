//go:build cgo && !purego

package workloads

import (
	"fmt"
	"time"

	"github.com/gevent-go/gevent/cgo"
	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// C greenlets in our hub: the main greenlet of a hub on the C core spawns
// C greenlets (Hub.SpawnC, with the bodies of cgo/bodies.c), waits for them
// (CGreenlet.Wait) and kills them, as a program mixing Go and C greenlets
// would. Their scheduling happens in the C hub's turn, which the hub's loop
// runs once per iteration.

func init() {
	sleep0W.add(CGreenletHub, oursC(hubCSleep0), "")
	spawnJoinW.add(CGreenletHub, oursC(hubCSpawnJoin), "")
	spawnJoinAllW.add(CGreenletHub, oursC(hubCSpawnJoinAll), "")
	killParkedW.add(CGreenletHub, oursC(hubCKill), "")
	sleep1msW.add(CGreenletHub, oursC(hubCSleep1ms), "")
	const why = "C greenlets in the hub start at the next C turn, which Go cannot observe; the bare C hub row measures their memory"
	parkedW.add(CGreenletHub, nil, why)
	spawnLaterW.add(CGreenletHub, nil, "Hub.SpawnC has no start delay; the bare C hub row spawns with one")
}

// oursC runs f as the main greenlet of a fresh hub on the C core.
func oursC(f oursFunc) Func {
	return func(n int) (Metrics, error) {
		if err := coreAvailable(CoreC); err != nil {
			return nil, err
		}
		var m Metrics
		err := greenlet.Run(func(main *greenlet.Greenlet) error {
			var err error
			m, err = f(main, n)
			return err
		}, hub.WithCore("c"))
		return m, err
	}
}

// cfn turns a body of the binding into what SpawnC takes.
func cfn(b cgo.Body) hub.CFunc { return b }

// waitC waits for c from main (the running greenlet, which Wait blocks) and
// checks that it succeeded.
func waitC(main *greenlet.Greenlet, c *hub.CGreenlet) error {
	if err := c.Wait(); err != nil {
		return err
	}
	if !c.Successful() {
		return fmt.Errorf("C greenlet %v failed: %v", c, c.Err())
	}
	return nil
}

// hubCSleep0: two C greenlets yielding n times each through the C hub; main
// waits for both.
func hubCSleep0(main *greenlet.Greenlet, n int) (Metrics, error) {
	h := main.Hub()
	t0 := time.Now()
	var cs [2]*hub.CGreenlet
	for i := range cs {
		var err error
		if cs[i], err = h.SpawnC(cfn(cgo.BodyYield), uintptr(n)); err != nil {
			return nil, err
		}
	}
	for _, c := range cs {
		if err := waitC(main, c); err != nil {
			return nil, err
		}
	}
	return Metrics{"ns/switch": perOp(time.Since(t0), 2*n)}, nil
}

// hubCSpawnJoin: SpawnC of a body that ends at once, then Wait, one at a
// time.
func hubCSpawnJoin(main *greenlet.Greenlet, n int) (Metrics, error) {
	h := main.Hub()
	t0 := time.Now()
	for range n {
		c, err := h.SpawnC(cfn(cgo.BodyYield), 0)
		if err != nil {
			return nil, err
		}
		if err := waitC(main, c); err != nil {
			return nil, err
		}
	}
	return Metrics{"ns/greenlet": perOp(time.Since(t0), n)}, nil
}

// hubCSpawnJoinAll: N SpawnC, then a Wait on each (JoinAll's C analogue).
func hubCSpawnJoinAll(main *greenlet.Greenlet, n int) (Metrics, error) {
	h := main.Hub()
	run := func(n int) (t0, t1, t2 time.Time, err error) {
		cs := make([]*hub.CGreenlet, n)
		t0 = time.Now()
		for i := range cs {
			if cs[i], err = h.SpawnC(cfn(cgo.BodyYield), 0); err != nil {
				return
			}
		}
		t1 = time.Now()
		for _, c := range cs {
			if err = waitC(main, c); err != nil {
				return
			}
		}
		t2 = time.Now()
		return
	}
	if _, _, _, err := run(joinAllWarmup); err != nil {
		return nil, err
	}
	rss0 := rss()
	t0, t1, t2, err := run(n)
	if err != nil {
		return nil, err
	}
	return spawnJoinAllMetrics(n, t0, t1, t2, rss0), nil
}

// hubCKill: batches of C greenlets parked until killed; a 1 ms sleep of main
// lets the C turn start them; then each is killed and waited for.
func hubCKill(main *greenlet.Greenlet, n int) (Metrics, error) {
	h := main.Hub()
	var total time.Duration
	err := batches(n, func(m int) error {
		cs := make([]*hub.CGreenlet, m)
		for i := range cs {
			var err error
			if cs[i], err = h.SpawnC(cfn(cgo.BodyPark), 0); err != nil {
				return err
			}
		}
		if err := greenlet.Sleep(main, time.Millisecond); err != nil {
			return err
		}
		t0 := time.Now()
		for _, c := range cs {
			c.Kill(0)
			if err := waitC(main, c); err != nil {
				return err
			}
		}
		total += time.Since(t0)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return Metrics{"ns/kill": perOp(total, n)}, nil
}

// hubCSleep1ms: a C greenlet sleeping 1 ms, spawned and waited for.
func hubCSleep1ms(main *greenlet.Greenlet, n int) (Metrics, error) {
	h := main.Hub()
	ds := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		c, err := h.SpawnC(cfn(cgo.BodySleep), 1)
		if err != nil {
			return nil, err
		}
		if err := waitC(main, c); err != nil {
			return nil, err
		}
		ds = append(ds, time.Since(t0))
	}
	return durationMetrics(ds), nil
}

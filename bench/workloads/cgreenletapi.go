//go:build cgo && !purego

package workloads

import (
	"time"

	"github.com/gevent-go/gevent/cgo"
	"github.com/gevent-go/gevent/greenlet"
)

// C greenlets through the greenlet API: greenlet.SpawnC returns a
// *greenlet.Greenlet backed by the C greenlet itself (no Go greenlet per C
// greenlet), so the workloads read exactly as the Go ones, with Join, JoinAll
// and Kill.

func init() {
	sleep0W.add(CGreenletAPI, oursC(apiCSleep0), "")
	spawnJoinW.add(CGreenletAPI, oursC(apiCSpawnJoin), "")
	spawnJoinAllW.add(CGreenletAPI, oursC(apiCSpawnJoinAll), "")
	killParkedW.add(CGreenletAPI, oursC(apiCKill), "")
	sleep1msW.add(CGreenletAPI, oursC(apiCSleep1ms), "")
	parkedW.add(CGreenletAPI, nil, "the C greenlet starts at the next C turn, which Go cannot observe; the bare C hub row measures C greenlets' memory")
	spawnLaterW.add(CGreenletAPI, nil, "greenlet.SpawnC has no start delay; the bare C hub row spawns with one")
}

// spawnC is greenlet.SpawnC of one of the binding's bodies.
func spawnC(main *greenlet.Greenlet, b cgo.Body, arg uintptr) (*greenlet.Greenlet, error) {
	return greenlet.SpawnC(main, cfn(b), arg)
}

func apiCSleep0(main *greenlet.Greenlet, n int) (Metrics, error) {
	t0 := time.Now()
	gs := make([]*greenlet.Greenlet, 2)
	for i := range gs {
		var err error
		if gs[i], err = spawnC(main, cgo.BodyYield, uintptr(n)); err != nil {
			return nil, err
		}
	}
	if _, err := greenlet.JoinAll(main, gs, greenlet.StopOnError()); err != nil {
		return nil, err
	}
	el := time.Since(t0)
	if err := failed(gs); err != nil {
		return nil, err
	}
	return Metrics{"ns/switch": perOp(el, 2*n)}, nil
}

func apiCSpawnJoin(main *greenlet.Greenlet, n int) (Metrics, error) {
	t0 := time.Now()
	for range n {
		g, err := spawnC(main, cgo.BodyYield, 0)
		if err != nil {
			return nil, err
		}
		if err := g.Join(main); err != nil {
			return nil, err
		}
	}
	return Metrics{"ns/greenlet": perOp(time.Since(t0), n)}, nil
}

func apiCSpawnJoinAll(main *greenlet.Greenlet, n int) (Metrics, error) {
	run := func(n int) (t0, t1, t2 time.Time, err error) {
		gs := make([]*greenlet.Greenlet, n)
		t0 = time.Now()
		for i := range gs {
			if gs[i], err = spawnC(main, cgo.BodyYield, 0); err != nil {
				return
			}
		}
		t1 = time.Now()
		if _, err = greenlet.JoinAll(main, gs); err != nil {
			return
		}
		t2 = time.Now()
		err = failed(gs)
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

// apiCKill: batches of parked C greenlets (a 1 ms sleep of main lets them
// start), each killed with block.
func apiCKill(main *greenlet.Greenlet, n int) (Metrics, error) {
	var total time.Duration
	err := batches(n, func(m int) error {
		gs := make([]*greenlet.Greenlet, m)
		for i := range gs {
			var err error
			if gs[i], err = spawnC(main, cgo.BodyPark, 0); err != nil {
				return err
			}
		}
		if err := greenlet.Sleep(main, time.Millisecond); err != nil {
			return err
		}
		t0 := time.Now()
		for _, g := range gs {
			if err := g.Kill(main); err != nil {
				return err
			}
		}
		total += time.Since(t0)
		return failed(gs)
	})
	if err != nil {
		return nil, err
	}
	return Metrics{"ns/kill": perOp(total, n)}, nil
}

func apiCSleep1ms(main *greenlet.Greenlet, n int) (Metrics, error) {
	ds := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		g, err := spawnC(main, cgo.BodySleep, 1)
		if err != nil {
			return nil, err
		}
		if err := g.Join(main); err != nil {
			return nil, err
		}
		if !g.Successful() {
			return nil, g.Err()
		}
		ds = append(ds, time.Since(t0))
	}
	return durationMetrics(ds), nil
}

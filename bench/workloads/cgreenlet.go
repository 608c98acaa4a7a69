//go:build cgo && !purego

package workloads

import (
	"fmt"
	"runtime"
	"time"

	"github.com/gevent-go/gevent/cgo"
)

// C greenlets driven from Go: C functions on C stacks, spawned, joined and
// killed through the C hub's command and event arrays (package cgo), one cgo
// call per hub turn. The bodies are the binding's own (cgo/bodies.c): yield
// n times, park until killed, sleep n ms; so only the workloads those
// bodies can express have a C greenlet row.

func init() {
	sleep0W.add(CGreenlet, cSleep0, "")
	spawnJoinW.add(CGreenlet, cSpawnJoin, "")
	spawnJoinAllW.add(CGreenlet, cSpawnJoinAll, "")
	parkedW.add(CGreenlet, cParked, "")
	killParkedW.add(CGreenlet, cKill, "")
	sleep1msW.add(CGreenlet, cSleep1ms, "")
	spawnLaterW.add(CGreenlet, cSpawnLater, "")
}

// cCmdCap is the command array's size (the C default): a larger burst of
// commands is flushed by a non-blocking turn, which also runs what it
// spawned. (With 4,096, a spawn burst cost ~25 µs per C greenlet here
// instead of ~0.5 µs; not investigated, probably stacks beyond the pool
// being mapped afresh.)
const cCmdCap = 256

// cDriver drives one C hub from the locked goroutine that created it.
type cDriver struct {
	h      *cgo.Hub
	nextID uint64
	done   int                              // EvGreenletDone events seen
	onDone func(e cgo.Event, now time.Time) // optional, per done event
}

// withCHub runs f with a fresh C hub on a locked thread and destroys the hub
// afterwards (which frees the C greenlets still alive).
func withCHub(f func(d *cDriver) (Metrics, error)) (Metrics, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	h, err := cgo.NewHub(cCmdCap)
	if err != nil {
		return nil, fmt.Errorf("cgo.NewHub: %w", err)
	}
	defer h.Destroy()
	return f(&cDriver{h: h, nextID: 1})
}

// push returns a free command slot, flushing the array with a turn when
// it is full.
func (d *cDriver) push() (*cgo.Cmd, error) {
	if c := d.h.Push(); c != nil {
		return c, nil
	}
	if err := d.turn(0); err != nil {
		return nil, err
	}
	if c := d.h.Push(); c != nil {
		return c, nil
	}
	return nil, fmt.Errorf("cgo: command array still full after a turn")
}

// spawn queues a C greenlet running body(arg) after delay; it returns the id.
func (d *cDriver) spawn(body cgo.Body, arg uintptr, delay time.Duration) (uint64, error) {
	c, err := d.push()
	if err != nil {
		return 0, err
	}
	id := d.nextID
	d.nextID++
	c.Op, c.ID, c.Fn, c.Arg, c.Seconds = cgo.OpSpawn, id, body, arg, delay.Seconds()
	return id, nil
}

// kill queues the default kill (GreenletExit) of greenlet id.
func (d *cDriver) kill(id uint64) error {
	c, err := d.push()
	if err != nil {
		return err
	}
	c.Op, c.ID = cgo.OpKill, id
	return nil
}

// turn runs one hub turn, waiting at most maxWait seconds (< 0: until
// something happens), and counts the greenlets that ended. A failed command
// or a greenlet that did not succeed is an error.
func (d *cDriver) turn(maxWait float64) error {
	if _, err := d.h.Turn(maxWait); err != nil {
		return fmt.Errorf("cgo turn: %w", err)
	}
	now := time.Now()
	for _, e := range d.h.Events() {
		switch e.Kind {
		case cgo.EvGreenletDone:
			if e.Status != 0 && e.Status != cgo.Exit {
				return fmt.Errorf("C greenlet %d ended with status %d (%s)", e.ID, e.Status, cgo.Strerror(e.Status))
			}
			d.done++
			if d.onDone != nil {
				d.onDone(e, now)
			}
		case cgo.EvCmdError:
			return fmt.Errorf("cgo command %d on id %d failed: %s", e.Value, e.ID, cgo.Strerror(e.Status))
		}
	}
	return nil
}

// until runs turns until done reaches target; it blocks in the loop only
// when no C greenlet is ready (a timer is then due).
func (d *cDriver) until(target int) error {
	for d.done < target {
		wait := 0.0
		if !d.h.HasReady() && len(d.h.Cmds()) == 0 {
			wait = -1
		}
		if err := d.turn(wait); err != nil {
			return err
		}
	}
	return nil
}

// cSleep0: two C greenlets each yielding n times through the C hub.
func cSleep0(n int) (Metrics, error) {
	return withCHub(func(d *cDriver) (Metrics, error) {
		t0 := time.Now()
		for range 2 {
			if _, err := d.spawn(cgo.BodyYield, uintptr(n), 0); err != nil {
				return nil, err
			}
		}
		if err := d.until(2); err != nil {
			return nil, err
		}
		return Metrics{"ns/switch": perOp(time.Since(t0), 2*n)}, nil
	})
}

// cSpawnJoin: spawn a C greenlet that ends at once, and run turns until it
// has: one cgo call per greenlet.
func cSpawnJoin(n int) (Metrics, error) {
	return withCHub(func(d *cDriver) (Metrics, error) {
		t0 := time.Now()
		for i := range n {
			if _, err := d.spawn(cgo.BodyYield, 0, 0); err != nil {
				return nil, err
			}
			if err := d.until(i + 1); err != nil {
				return nil, err
			}
		}
		return Metrics{"ns/greenlet": perOp(time.Since(t0), n)}, nil
	})
}

// cSpawnJoinAll: N spawn commands, then turns until all have ended. The
// command array holds cCmdCap commands, so the spawn phase already runs
// turns: spawn-ns/greenlet is not reported.
func cSpawnJoinAll(n int) (Metrics, error) {
	return withCHub(func(d *cDriver) (Metrics, error) {
		run := func(n int) (time.Duration, error) {
			base := d.done
			t0 := time.Now()
			for range n {
				if _, err := d.spawn(cgo.BodyYield, 0, 0); err != nil {
					return 0, err
				}
			}
			err := d.until(base + n)
			return time.Since(t0), err
		}
		if _, err := run(joinAllWarmup); err != nil {
			return nil, err
		}
		runtime.GC()
		rss0 := rss()
		el, err := run(n)
		if err != nil {
			return nil, err
		}
		peak := peakRSS()
		return Metrics{
			"ns/greenlet":    perOp(el, n),
			"peak-rss-MiB":   peak / (1 << 20),
			"rss-B/greenlet": (peak - rss0) / float64(n),
		}, nil
	})
}

// cParked: N C greenlets parked until killed; resident memory per greenlet
// (C stacks and records: inuse-B/greenlet, the Go heap's share, shows that
// next to none of it is Go's).
func cParked(n int) (Metrics, error) {
	return withCHub(func(d *cDriver) (Metrics, error) {
		mem0, rss0 := inUse(), rss()
		t0 := time.Now()
		for range n {
			if _, err := d.spawn(cgo.BodyPark, 0, 0); err != nil {
				return nil, err
			}
		}
		for len(d.h.Cmds()) > 0 || d.h.HasReady() {
			if err := d.turn(0); err != nil {
				return nil, err
			}
		}
		t1 := time.Now()
		if alive := d.h.Alive(); alive != uint64(n) {
			return nil, fmt.Errorf("%d of %d C greenlets parked", alive, n)
		}
		mem1, rss1 := inUse(), rss()
		return parkedMetrics(n, rss0, rss1, mem0, mem1, t0, t1), nil
	})
}

// cKill: batches of parked C greenlets, each killed and waited for in turn.
func cKill(n int) (Metrics, error) {
	return withCHub(func(d *cDriver) (Metrics, error) {
		var total time.Duration
		err := batches(n, func(m int) error {
			ids := make([]uint64, m)
			for i := range ids {
				var err error
				if ids[i], err = d.spawn(cgo.BodyPark, 0, 0); err != nil {
					return err
				}
			}
			for len(d.h.Cmds()) > 0 || d.h.HasReady() {
				if err := d.turn(0); err != nil {
					return err
				}
			}
			t0 := time.Now()
			for _, id := range ids {
				if err := d.kill(id); err != nil {
					return err
				}
				if err := d.until(d.done + 1); err != nil {
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
	})
}

// cSleep1ms: a C greenlet sleeping 1 ms, spawned and waited for, n times;
// the duration runs from the spawn command to its end.
func cSleep1ms(n int) (Metrics, error) {
	return withCHub(func(d *cDriver) (Metrics, error) {
		ds := make([]time.Duration, 0, n)
		for i := range n {
			t0 := time.Now()
			if _, err := d.spawn(cgo.BodySleep, 1, 0); err != nil {
				return nil, err
			}
			if err := d.until(i + 1); err != nil {
				return nil, err
			}
			ds = append(ds, time.Since(t0))
		}
		return durationMetrics(ds), nil
	})
}

// cSpawnLater: n C greenlets spawned with random start delays; each ends at
// once, and its lateness is read when its end reaches Go (after the turn).
func cSpawnLater(n int) (Metrics, error) {
	return withCHub(func(d *cDriver) (Metrics, error) {
		for range spawnLaterWarmup {
			delay := time.Duration(float64(5*time.Millisecond) * float64(d.nextID%97) / 97)
			if _, err := d.spawn(cgo.BodyYield, 0, delay); err != nil {
				return nil, err
			}
		}
		if err := d.until(spawnLaterWarmup); err != nil {
			return nil, err
		}
		delays, maxd := randomDelays(n)
		late := make([]time.Duration, n)
		var t0, tLast time.Time
		first := d.nextID
		d.onDone = func(e cgo.Event, now time.Time) {
			i := int(e.ID - first)
			late[i] = now.Sub(t0.Add(delays[i]))
			tLast = now
		}
		runtime.GC()
		c0 := cpuTime()
		t0 = time.Now()
		for _, dl := range delays {
			if _, err := d.spawn(cgo.BodyYield, 0, dl); err != nil {
				return nil, err
			}
		}
		tSetup := time.Now()
		if err := d.until(spawnLaterWarmup + n); err != nil {
			return nil, err
		}
		cpu := cpuTime() - c0
		return spawnLaterMetrics(n, maxd, t0, tSetup, tLast, cpu, late), nil
	})
}

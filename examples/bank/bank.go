package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// Config is one run of the bank model. Times are in simulated minutes.
type Config struct {
	Customers int // how many customers arrive, one after the other
	Counters  int // K: customers served at once
	// Interval, Service and Patience are the means of the exponential
	// inter-arrival time, service time and patience (how long a customer
	// queues before leaving unserved).
	Interval, Service, Patience float64
	// Seed fixes the random stream: on the virtual clock the same seed
	// gives the same run, event for event.
	Seed uint64
	// Trace, when not nil, receives one line per event.
	Trace io.Writer
}

// DefaultConfig is the model the program runs without flags: ten counters,
// a customer a minute on average, each served for ten minutes on average
// and willing to queue for five.
var DefaultConfig = Config{Customers: 100_000, Counters: 10, Interval: 1, Service: 10, Patience: 5, Seed: 1}

// Result is what a run found.
type Result struct {
	Served, Reneged int
	// MeanWait is the mean time a served customer queued, in minutes.
	MeanWait float64
	// End is the simulated time when the last customer left, in minutes.
	End float64
}

// Simulate runs the model in a new hub built with opts (the clock the
// model runs on is chosen there) and returns its counts. A minute of the
// model lasts minute on the hub's clock.
//
// Each customer is a greenlet: it queues on the counters (a Semaphore of
// Counters slots) with a timed Acquire, which gives up after its
// patience; a served customer holds a counter for its service time
// (Sleep) and releases it. The source greenlet draws each customer's
// patience and service time when it arrives, so the random stream is
// consumed in arrival order whatever the schedule.
func Simulate(cfg Config, minute time.Duration, opts ...hub.Option) (Result, error) {
	if cfg.Customers < 0 || cfg.Counters <= 0 || cfg.Interval <= 0 || cfg.Service <= 0 || cfg.Patience <= 0 {
		return Result{}, fmt.Errorf("bank: bad model %+v: customers ≥ 0, and counters and every mean > 0", cfg)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0))
	// exp draws an exponential time of the given mean, at least 1 ns so
	// that it is a real wait and not a yield.
	exp := func(mean float64) time.Duration {
		return max(1, time.Duration(rng.ExpFloat64()*mean*float64(minute)))
	}
	var res Result
	var waited time.Duration
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		t0 := h.Now()
		minutes := func(ns int64) float64 { return float64(ns) / float64(minute) }
		trace := func(id int, format string, args ...any) {
			if cfg.Trace != nil {
				fmt.Fprintf(cfg.Trace, "%8.3f customer %d: %s\n", minutes(h.Now()-t0), id, fmt.Sprintf(format, args...))
			}
		}
		counters := greenlet.NewSemaphore(h, cfg.Counters)
		customer := func(id int, patience, service time.Duration) greenlet.Func {
			return func(g *greenlet.Greenlet) (any, error) {
				arrive := h.Now()
				trace(id, "arrives")
				got, err := counters.AcquireTimeout(g, patience)
				if err != nil {
					return nil, err
				}
				if !got {
					res.Reneged++
					trace(id, "reneges after %.3f", minutes(h.Now()-arrive))
					return nil, nil
				}
				wait := time.Duration(h.Now() - arrive)
				waited += wait
				res.Served++
				trace(id, "waited %.3f, is served", minutes(int64(wait)))
				err = greenlet.Sleep(g, service)
				counters.Release()
				if err != nil {
					return nil, err
				}
				trace(id, "leaves")
				return nil, nil
			}
		}
		gs := make([]*greenlet.Greenlet, 0, cfg.Customers)
		for id := range cfg.Customers {
			patience, service := exp(cfg.Patience), exp(cfg.Service)
			gs = append(gs, greenlet.Spawn(main, customer(id, patience, service)))
			if id == cfg.Customers-1 {
				break
			}
			if err := greenlet.Sleep(main, exp(cfg.Interval)); err != nil {
				return err
			}
		}
		if _, err := greenlet.JoinAll(main, gs, greenlet.StopOnError()); err != nil {
			return err
		}
		res.End = minutes(h.Now() - t0)
		return nil
	}, opts...)
	if res.Served > 0 {
		res.MeanWait = float64(waited) / float64(minute) / float64(res.Served)
	}
	return res, err
}

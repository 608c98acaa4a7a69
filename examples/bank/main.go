// Command bank is a discrete-event simulation written with greenlets, after
// SimPy's bank example with reneging customers: K counters, customers
// arriving with exponential inter-arrival times, served for an exponential
// time, and leaving unserved when they have queued longer than their
// (exponential) patience. It prints how many were served and how many
// reneged, and the mean wait of the served ones.
//
// It runs on a virtual clock: simulated minutes cost no real time, and a
// fixed seed gives the same run every time.
//
//	go run ./examples/bank [-customers N] [-counters K] [-seed S] [-trace]
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	cfg := DefaultConfig
	flag.IntVar(&cfg.Customers, "customers", cfg.Customers, "customers to simulate")
	flag.IntVar(&cfg.Counters, "counters", cfg.Counters, "counters (customers served at once)")
	flag.Float64Var(&cfg.Interval, "interval", cfg.Interval, "mean minutes between arrivals")
	flag.Float64Var(&cfg.Service, "service", cfg.Service, "mean minutes of service")
	flag.Float64Var(&cfg.Patience, "patience", cfg.Patience, "mean minutes a customer queues before leaving")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the random stream (PCG)")
	trace := flag.Bool("trace", false, "print every event")
	flag.Parse()
	if *trace {
		cfg.Trace = os.Stdout
	}
	t0 := time.Now()
	res, err := Simulate(cfg, clockMinute, clock...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bank:", err)
		os.Exit(1)
	}
	report(res, cfg)
	fmt.Fprintf(os.Stderr, "bank: %d customers in %v\n", cfg.Customers, time.Since(t0).Round(time.Millisecond))
}

// report prints the counts of a run.
func report(res Result, cfg Config) {
	fmt.Printf("customers %d, counters %d: served %d, reneged %d, mean wait %.3f min, closed at %.3f min\n",
		cfg.Customers, cfg.Counters, res.Served, res.Reneged, res.MeanWait, res.End)
}

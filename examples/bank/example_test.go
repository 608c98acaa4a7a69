package main

import (
	"fmt"
	"os"
)

// A small bank: two counters, twelve customers. The trace shows each
// customer arriving, queueing, being served or reneging, and leaving.
func Example() {
	cfg := Config{Customers: 12, Counters: 2, Interval: 1, Service: 3, Patience: 1, Seed: 7}
	res, err := Simulate(cfg, clockMinute, clock...)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Fprintln(os.Stdout, "every customer served or reneged:", res.Served+res.Reneged == cfg.Customers)
	// Output:
	// every customer served or reneged: true
}

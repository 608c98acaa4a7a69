package main

import (
	"bytes"
	"fmt"
	"os"
	"testing"
)

// A small bank: two counters, twelve customers who queue for a minute on
// average. On the virtual clock the run is the same every time, to the
// last digit of every timestamp.
func Example() {
	cfg := Config{Customers: 12, Counters: 2, Interval: 1, Service: 3, Patience: 1, Seed: 7, Trace: os.Stdout}
	res, err := Simulate(cfg, clockMinute, clock...)
	if err != nil {
		fmt.Println(err)
		return
	}
	report(res, cfg)
	// Output:
	//    0.000 customer 0: arrives
	//    0.000 customer 0: waited 0.000, is served
	//    0.354 customer 1: arrives
	//    0.354 customer 1: waited 0.000, is served
	//    0.511 customer 2: arrives
	//    0.650 customer 2: reneges after 0.139
	//    1.690 customer 3: arrives
	//    1.979 customer 4: arrives
	//    1.996 customer 3: reneges after 0.307
	//    2.753 customer 4: reneges after 0.774
	//    3.731 customer 1: leaves
	//    4.417 customer 5: arrives
	//    4.417 customer 5: waited 0.000, is served
	//    4.465 customer 6: arrives
	//    5.232 customer 5: leaves
	//    5.232 customer 6: waited 0.767, is served
	//    5.418 customer 7: arrives
	//    5.472 customer 7: reneges after 0.054
	//    6.330 customer 8: arrives
	//    7.146 customer 6: leaves
	//    7.146 customer 8: waited 0.815, is served
	//    8.129 customer 8: leaves
	//    8.671 customer 9: arrives
	//    8.671 customer 9: waited 0.000, is served
	//    9.089 customer 10: arrives
	//    9.668 customer 10: reneges after 0.579
	//   10.023 customer 0: leaves
	//   12.470 customer 9: leaves
	//   13.048 customer 11: arrives
	//   13.048 customer 11: waited 0.000, is served
	//   17.325 customer 11: leaves
	// customers 12, counters 2: served 7, reneged 5, mean wait 0.226 min, closed at 17.325 min
}

// TestSameTraceTwice runs a larger model twice with the same seed: the
// traces are identical byte for byte, and both outcomes occur.
func TestSameTraceTwice(t *testing.T) {
	run := func() ([]byte, Result) {
		var b bytes.Buffer
		cfg := DefaultConfig
		cfg.Customers, cfg.Trace = 3000, &b
		res, err := Simulate(cfg, clockMinute, clock...)
		if err != nil {
			t.Fatal(err)
		}
		if res.Served+res.Reneged != cfg.Customers || res.Served == 0 || res.Reneged == 0 {
			t.Fatalf("served %d, reneged %d of %d", res.Served, res.Reneged, cfg.Customers)
		}
		return b.Bytes(), res
	}
	a, ra := run()
	b, rb := run()
	if !bytes.Equal(a, b) || ra != rb {
		t.Fatalf("two runs with the same seed differ: %+v vs %+v", ra, rb)
	}
}

// TestBadModel checks a model that cannot run is an error, not a hang.
func TestBadModel(t *testing.T) {
	for _, cfg := range []Config{{Customers: 1, Counters: 0, Interval: 1, Service: 1, Patience: 1}, {Customers: -1, Counters: 1, Interval: 1, Service: 1, Patience: 1}, {Customers: 1, Counters: 1, Service: 1, Patience: 1}} {
		if _, err := Simulate(cfg, clockMinute, clock...); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

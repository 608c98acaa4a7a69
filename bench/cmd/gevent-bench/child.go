package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/gevent-go/gevent/bench/workloads"
)

// childArgs name the one sample a child process runs.
type childArgs struct {
	workload, impl string
	n              int
}

// runChild runs one sample in this fresh process and prints its metrics as
// one JSON object on stdout. An Ops workload first runs a warm-up of n/10
// operations, as the gevent script does.
func runChild(a childArgs) error {
	w := workloads.Lookup(a.workload)
	if w == nil {
		return fmt.Errorf("no workload %q", a.workload)
	}
	if a.n <= 0 {
		return fmt.Errorf("-n must be positive, got %d", a.n)
	}
	f, err := w.Func(workloads.Impl(a.impl))
	if err != nil {
		return fmt.Errorf("not available: %w", err)
	}
	if w.Ops {
		if _, err := f(max(1, a.n/10)); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	m, err := f(a.n)
	if err != nil {
		return err
	}
	for k, v := range m {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			delete(m, k) // JSON has no NaN; an absent metric shows as such
		}
	}
	return json.NewEncoder(os.Stdout).Encode(m)
}

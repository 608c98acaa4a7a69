package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gevent-go/gevent/bench/workloads"
)

// config is the command line, checked and completed by finish.
type config struct {
	quick         bool
	reps, repsBig int
	onlyFlag      string
	only          map[string]bool // nil: every workload
	out           string
	python        string
	noGevent      bool
	noSimpy       bool
	csrcFile      string
	benchDir      string // the folder holding gevent_bench.py
	child         childArgs
}

// finish applies defaults and rejects bad flags with a clear message.
func (c *config) finish() error {
	if c.reps < 0 || c.repsBig < 0 {
		return errors.New("-reps and -reps-big must be positive")
	}
	if c.reps == 0 {
		c.reps = 7
		if c.quick {
			c.reps = 2
		}
	}
	if c.repsBig == 0 {
		c.repsBig = min(3, c.reps)
	}
	if c.onlyFlag != "" {
		c.only = map[string]bool{}
		for _, name := range strings.Split(c.onlyFlag, ",") {
			name = strings.TrimSpace(name)
			if workloads.Lookup(name) == nil {
				var names []string
				for _, w := range workloads.All() {
					names = append(names, w.Name)
				}
				return fmt.Errorf("-only: no workload %q (workloads: %s)", name, strings.Join(names, ", "))
			}
			c.only[name] = true
		}
	}
	c.benchDir = findBenchDir()
	if c.out == "" {
		if c.benchDir == "" {
			return errors.New("cannot find the bench folder (gevent_bench.py) from here: run from bench/ or the repository root, or pass -out")
		}
		c.out = filepath.Join(c.benchDir, "results")
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	if c.csrcFile != "" {
		if _, err := os.Stat(c.csrcFile); err != nil {
			return fmt.Errorf("-csrc: %w", err)
		}
	}
	return nil
}

// findBenchDir returns the bench folder: the working directory or its
// bench/ subfolder, whichever holds gevent_bench.py; "" if neither does.
func findBenchDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for _, d := range []string{wd, filepath.Join(wd, "bench")} {
		if _, err := os.Stat(filepath.Join(d, "gevent_bench.py")); err == nil {
			return d
		}
	}
	return ""
}

// sizes returns the sizes of w that this run uses (none: a quick run
// leaves w out, see Workload.NotQuick).
func (c *config) sizes(w *workloads.Workload) []int {
	if c.quick {
		return w.QuickSizes
	}
	return w.Sizes
}

// repsFor returns how many samples a row of w at size n gets: fewer for
// the million-greenlet rows, which take gevent half a minute each.
func (c *config) repsFor(w *workloads.Workload, n int) int {
	if !w.Ops && n >= 1_000_000 {
		return c.repsBig
	}
	return c.reps
}

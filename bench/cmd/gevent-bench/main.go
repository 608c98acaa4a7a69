// Command gevent-bench runs the gevent-go comparison: every workload of
// bench/workloads on every implementation (bare iter.Pull, goroutines, our
// pure-Go core, our C core), beside real gevent (bench/gevent_bench.py under
// Debian's python3-gevent) and the C core's own perf programs (csrc), and
// reports medians and min–max over several samples with ratios to each
// workload's baseline.
//
// Usage, from bench/ (ci/bench.sh does this):
//
//	go run ./cmd/gevent-bench [-quick] [-csrc FILE] [-only w1,w2] [-reps N] [-out DIR]
//
// Every sample runs in a fresh process (this binary re-executed with
// -child, or python3), so memory figures are clean and no sample inherits
// another's heap; the samples of all implementations are interleaved, rep
// after rep, so background noise spreads over all of them. A progress line
// goes to stderr. At the end the report is printed and written to
// DIR/<date>.md with the scaling plot DIR/<date>-spawn_joinall.svg, the
// run's summary DIR/<date>.json (each row's median, which later runs
// compare with) and the raw samples DIR/<date>-samples.json (-quick runs
// add "-quick" to the names).
//
// A full run's report evaluates the project's budgets and compares each
// row with the newest previous full run in DIR, as ratios to the baseline
// of the same run, flagging rows more than 10 % worse; it reads that run's
// JSON summary, or its Markdown report when the summary is absent.
//
// -quick uses small sizes and two samples per row: it proves the command
// works in well under a minute, says nothing reliable about speed, and so
// judges nothing: no budget, target or comparison appears in its report.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gevent-go/gevent/bench/workloads"
)

func main() {
	workloads.ServeEchoIfAsked() // a sample's echo server is this binary re-executed
	var cfg config
	flag.BoolVar(&cfg.quick, "quick", false, "small sizes, 2 samples per row: proves the command works, measures nothing reliable")
	flag.IntVar(&cfg.reps, "reps", 0, "samples per row (default 7, or 2 with -quick)")
	flag.IntVar(&cfg.repsBig, "reps-big", 0, "samples per row for N >= 1e6 (default 3)")
	flag.StringVar(&cfg.onlyFlag, "only", "", "comma-separated workloads to run (default all)")
	flag.StringVar(&cfg.out, "out", "", "directory for the report, plot and samples (default <bench>/results)")
	flag.StringVar(&cfg.python, "python", "", "python3 with gevent and SimPy (default /usr/bin/python3, else python3 on PATH)")
	flag.BoolVar(&cfg.noGevent, "no-gevent", false, "leave real gevent out")
	flag.BoolVar(&cfg.noSimpy, "no-simpy", false, "leave SimPy out (the simulation workloads' Python rival)")
	flag.StringVar(&cfg.csrcFile, "csrc", "", "file holding the output of `make -C csrc bench` to include")
	flag.StringVar(&cfg.child.workload, "child", "", "internal: run one sample of this workload and print its metrics as JSON")
	flag.StringVar(&cfg.child.impl, "impl", "", "internal: the implementation for -child")
	flag.IntVar(&cfg.child.n, "n", 0, "internal: the size or operation count for -child")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: gevent-bench [-quick] [-csrc FILE] [-only w1,w2] [-reps N] [-out DIR]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gevent-bench: unexpected arguments: %s\n", strings.Join(flag.Args(), " "))
		flag.Usage()
		os.Exit(2)
	}
	if cfg.child.workload != "" {
		if err := runChild(cfg.child); err != nil {
			fmt.Fprintf(os.Stderr, "gevent-bench -child %s -impl %s: %v\n", cfg.child.workload, cfg.child.impl, err)
			os.Exit(1)
		}
		return
	}
	if err := cfg.finish(); err != nil {
		fmt.Fprintf(os.Stderr, "gevent-bench: %v\n", err)
		os.Exit(2)
	}
	start := time.Now()
	if err := run(&cfg, start); err != nil {
		fmt.Fprintf(os.Stderr, "gevent-bench: %v\n", err)
		os.Exit(1)
	}
}

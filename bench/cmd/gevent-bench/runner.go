package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/gevent-go/gevent/bench/workloads"
)

// sampleTimeout bounds one sample, so a hung implementation fails its row
// instead of hanging the run.
const sampleTimeout = 5 * time.Minute

// A job is one row of one case: an implementation of a workload at a size,
// sampled reps times.
type job struct {
	w    *workloads.Workload
	size int
	impl string
	reps int
}

// A sample is what one fresh process measured.
type sample struct {
	Workload string            `json:"workload"`
	Size     int               `json:"n"`
	Impl     string            `json:"impl"`
	Rep      int               `json:"rep"`
	Metrics  workloads.Metrics `json:"metrics,omitempty"`
	Err      string            `json:"error,omitempty"`
	WallS    float64           `json:"wall_s"`
	Other    float64           `json:"other_cpus"` // CPUs other processes kept busy meanwhile
}

// runner executes jobs in fresh processes.
type runner struct {
	self     string            // this executable, re-run with -child
	py       map[string]pyInfo // the Python implementations measured, by row key
	progress *progress
}

// runAll samples every job, rep-major: each rep visits every job once, so
// the samples of competing implementations are taken close together.
func (r *runner) runAll(jobs []job) []sample {
	maxReps := 0
	total := 0
	for _, j := range jobs {
		maxReps = max(maxReps, j.reps)
		total += j.reps
	}
	r.progress.start(total)
	var out []sample
	for rep := range maxReps {
		for _, j := range jobs {
			if rep >= j.reps {
				continue
			}
			r.progress.step(rep, maxReps, j)
			out = append(out, r.runOne(j, rep))
		}
	}
	r.progress.done()
	return out
}

// runOne runs one sample of j and never fails: an error is recorded in the
// sample.
func (r *runner) runOne(j job, rep int) sample {
	s := sample{Workload: j.w.Name, Size: j.size, Impl: j.impl, Rep: rep}
	var cmd *exec.Cmd
	ctx, cancel := context.WithTimeout(context.Background(), sampleTimeout)
	defer cancel()
	n := strconv.Itoa(j.size)
	if py, ok := r.py[j.impl]; ok && j.w.PythonServer {
		// Our load client drives the Python server: a Go child runs the
		// row and starts the script's server itself.
		cmd = exec.CommandContext(ctx, r.self, "-child", j.w.Name, "-impl", j.impl, "-n", n)
		cmd.Env = append(withoutEnv(withoutEnv(os.Environ(), workloads.EnvPython), workloads.EnvGeventScript),
			workloads.EnvPython+"="+py.python, workloads.EnvGeventScript+"="+py.script)
	} else if ok {
		cmd = exec.CommandContext(ctx, py.python, py.script, j.w.Name, n)
		cmd.Env = withoutEnv(os.Environ(), "PYTHONPATH")
	} else {
		cmd = exec.CommandContext(ctx, r.self, "-child", j.w.Name, "-impl", j.impl, "-n", n)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	lm := startLoadMeter()
	err := cmd.Run()
	s.WallS, s.Other = lm.stop(cmd.ProcessState)
	if err != nil {
		msg := lastLine(stderr.String())
		if ctx.Err() != nil {
			msg = fmt.Sprintf("no result within %v", sampleTimeout)
		}
		s.Err = fmt.Sprintf("%v: %s", err, msg)
		return s
	}
	line := lastLine(stdout.String())
	if err := json.Unmarshal([]byte(line), &s.Metrics); err != nil {
		s.Err = fmt.Sprintf("unreadable output %q: %v", line, err)
	}
	return s
}

// lastLine returns the last non-empty line of s, trimmed, at most 300 bytes.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if len(l) > 300 {
		l = l[:300] + "…"
	}
	return l
}

func withoutEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

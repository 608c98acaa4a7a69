package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gevent-go/gevent/bench/workloads"
)

// simpyForTest finds SimPy and simpy_bench.py from this test's folder, or
// skips the test saying why (as the command's report does).
func simpyForTest(t *testing.T) pyInfo {
	t.Helper()
	sim := findSimpy(&config{benchDir: filepath.Join("..", "..")})
	if sim.missing != "" {
		t.Skip("SimPy: ", sim.missing)
	}
	return sim
}

// TestSimpyScriptSamples runs simpy_bench.py through the runner, as the
// command does, at small sizes, and checks it reports the Go workloads'
// metrics under the same names.
func TestSimpyScriptSamples(t *testing.T) {
	sim := simpyForTest(t)
	if sim.versions["simpy"] == "" || sim.label() != "SimPy "+sim.versions["simpy"] {
		t.Errorf("versions %v, label %q", sim.versions, sim.label())
	}
	r := &runner{py: map[string]pyInfo{simpyImpl: sim}}
	for _, c := range []struct {
		workload string
		n        int
	}{{"sim_bank", 300}, {"sim_timeouts_1e5", 100_000}} {
		w := workloads.Lookup(c.workload)
		s := r.runOne(job{w: w, size: c.n, impl: simpyImpl, reps: 1}, 0)
		if s.Err != "" {
			t.Fatalf("%s: %s", c.workload, s.Err)
		}
		for _, m := range append([]string{w.Primary}, w.Secondary...) {
			if v, ok := s.Metrics[m]; !ok || v <= 0 {
				t.Errorf("%s: metric %q = %v (present %v) in %v", c.workload, m, v, ok, s.Metrics)
			}
		}
		if v := s.Metrics["reneged-%"]; w.Name == "sim_bank" && v >= 100 {
			t.Errorf("sim_bank: reneged-%% = %v", v)
		}
	}
}

// TestSimpyScriptKnowsEveryWorkload: every workload compared with SimPy is
// one the script runs, and a bad N is a clear error.
func TestSimpyScriptKnowsEveryWorkload(t *testing.T) {
	sim := simpyForTest(t)
	out, err := exec.Command(sim.python, sim.script).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "usage: simpy_bench.py") {
		t.Fatalf("no arguments: %v, %s", err, out)
	}
	n := 0
	for _, w := range workloads.All() {
		if w.Python == simpyImpl {
			n++
			if !strings.Contains(string(out), w.Name) {
				t.Errorf("the script does not list %s: %s", w.Name, out)
			}
		}
	}
	if n == 0 {
		t.Error("no workload is compared with SimPy")
	}
	r := &runner{py: map[string]pyInfo{simpyImpl: sim}}
	s := r.runOne(job{w: workloads.Lookup("sim_bank"), size: 0, impl: simpyImpl, reps: 1}, 0)
	if !strings.Contains(s.Err, "N must be a positive integer") {
		t.Errorf("N = 0: error %q", s.Err)
	}
}

// TestPythonOutputParsing runs a stand-in for a Python script through the
// runner: the metrics are read from the last line, whatever comes before,
// and output that is not a JSON object fails the sample with the line.
func TestPythonOutputParsing(t *testing.T) {
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := script("good.sh", `echo "a warning on stdout"; echo '{"ns/customer": 12.5, "reneged-%": 3}'`)
	bad := script("bad.sh", `echo 'ns/customer=12.5'`)
	w := workloads.Lookup("sim_bank")
	r := &runner{py: map[string]pyInfo{simpyImpl: {spec: simpySpec, python: "/bin/sh", script: good}}}
	s := r.runOne(job{w: w, size: 10, impl: simpyImpl, reps: 1}, 0)
	if s.Err != "" || s.Metrics["ns/customer"] != 12.5 || s.Metrics["reneged-%"] != 3 || s.Size != 10 || s.Impl != simpyImpl {
		t.Errorf("good output: %+v", s)
	}
	r.py[simpyImpl] = pyInfo{spec: simpySpec, python: "/bin/sh", script: bad}
	s = r.runOne(job{w: w, size: 10, impl: simpyImpl, reps: 1}, 0)
	if !strings.Contains(s.Err, "unreadable output") || !strings.Contains(s.Err, "ns/customer=12.5") {
		t.Errorf("bad output: %+v", s)
	}
}

// TestPythonMissingSaysHow: without a usable python3 the reason names the
// package to install, and a left-out one names the flag.
func TestPythonMissingSaysHow(t *testing.T) {
	cfg := &config{benchDir: filepath.Join("..", ".."), python: filepath.Join(t.TempDir(), "no-python3")}
	if m := findSimpy(cfg).missing; !strings.Contains(m, "apt-get install python3-simpy3") {
		t.Errorf("missing = %q", m)
	}
	cfg.noSimpy = true
	if m := findSimpy(cfg).missing; m != "left out (-no-simpy)" {
		t.Errorf("missing = %q", m)
	}
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The Python implementations: real gevent for the greenlet workloads and
// SimPy for the simulation ones, each driven by its script in bench/.
const (
	geventImpl = "gevent"
	simpyImpl  = "simpy"
)

// A pySpec says how to find one Python implementation.
type pySpec struct {
	key     string // row key, and the workloads' Python field ("" stands for gevent)
	name    string // for headings: "gevent", "SimPy"
	module  string // what the script's "versions" command imports
	script  string // in the bench folder
	install string // how to get it
	flag    string // the flag that leaves it out
}

var (
	geventSpec = pySpec{key: geventImpl, name: "gevent", module: "gevent", script: "gevent_bench.py",
		install: "apt-get install python3-gevent", flag: "-no-gevent"}
	simpySpec = pySpec{key: simpyImpl, name: "SimPy", module: "simpy", script: "simpy_bench.py",
		install: "apt-get install python3-simpy3", flag: "-no-simpy"}
)

// pyInfo describes one Python implementation, or why there is none.
type pyInfo struct {
	spec           pySpec
	python, script string
	// Versions as the script's versions command prints them (gevent:
	// python, gevent, greenlet, loop, backend, libev; SimPy: python,
	// simpy).
	versions map[string]string
	// missing is non-empty when the implementation cannot be measured; it
	// says why and how to fix it.
	missing string
}

// findGevent locates a python3 that imports gevent, and gevent_bench.py.
func findGevent(cfg *config) pyInfo { return findPython(cfg, geventSpec, cfg.noGevent) }

// findSimpy locates a python3 that imports simpy, and simpy_bench.py.
func findSimpy(cfg *config) pyInfo { return findPython(cfg, simpySpec, cfg.noSimpy) }

// findPython locates a python3 that runs spec's script. Debian's
// python3-gevent and python3-simpy3 live in /usr/bin/python3's
// site-packages, which a pyenv or venv python3 earlier on PATH does not
// see, so that one is tried first.
func findPython(cfg *config, spec pySpec, leftOut bool) pyInfo {
	g := pyInfo{spec: spec}
	if leftOut {
		g.missing = "left out (" + spec.flag + ")"
		return g
	}
	if cfg.benchDir == "" {
		g.missing = spec.script + " not found (run from bench/ or the repository root)"
		return g
	}
	g.script = filepath.Join(cfg.benchDir, spec.script)
	candidates := []string{cfg.python}
	if cfg.python == "" {
		candidates = []string{"/usr/bin/python3"}
		if p, err := exec.LookPath("python3"); err == nil {
			candidates = append(candidates, p)
		}
	}
	var errs []string
	for _, py := range candidates {
		if _, err := os.Stat(py); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		v, err := pythonVersions(py, g.script, spec.module)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", py, err))
			continue
		}
		g.python, g.versions = py, v
		return g
	}
	g.missing = fmt.Sprintf("%s is not installed (%s): %s", spec.name, spec.install, strings.Join(errs, "; "))
	return g
}

// pythonVersions runs the script's "versions" command.
func pythonVersions(py, script, module string) (map[string]string, error) {
	cmd := exec.Command(py, script, "versions")
	cmd.Env = withoutEnv(os.Environ(), "PYTHONPATH")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("cannot import %s: %s", module, lastLine(string(ee.Stderr)))
		}
		return nil, err
	}
	v := map[string]string{}
	if err := json.Unmarshal([]byte(lastLine(string(out))), &v); err != nil {
		return nil, fmt.Errorf("unreadable versions %q: %v", lastLine(string(out)), err)
	}
	return v, nil
}

// label is the row label of the implementation, with its version.
func (g pyInfo) label() string {
	if v := g.versions[g.spec.module]; v != "" {
		return g.spec.name + " " + v
	}
	return g.spec.name
}

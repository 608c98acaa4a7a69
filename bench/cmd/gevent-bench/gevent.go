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

// geventInfo describes the Python side, or why there is none.
type geventInfo struct {
	python, script string
	// Versions as gevent_bench.py versions prints them: python, gevent,
	// greenlet, loop, backend, libev.
	versions map[string]string
	// missing is non-empty when gevent cannot be measured; it says why and
	// how to fix it.
	missing string
}

// findGevent locates a python3 that imports gevent and the workload script.
// Debian's python3-gevent lives in /usr/bin/python3's site-packages, which a
// pyenv or venv python3 earlier on PATH does not see, so that one is tried
// first.
func findGevent(cfg *config) geventInfo {
	if cfg.noGevent {
		return geventInfo{missing: "left out (-no-gevent)"}
	}
	if cfg.benchDir == "" {
		return geventInfo{missing: "gevent_bench.py not found (run from bench/ or the repository root)"}
	}
	g := geventInfo{script: filepath.Join(cfg.benchDir, "gevent_bench.py")}
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
		v, err := pythonVersions(py, g.script)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", py, err))
			continue
		}
		g.python, g.versions = py, v
		return g
	}
	g.missing = "gevent is not installed (apt-get install python3-gevent): " + strings.Join(errs, "; ")
	return g
}

// pythonVersions runs the script's "versions" command.
func pythonVersions(py, script string) (map[string]string, error) {
	cmd := exec.Command(py, script, "versions")
	cmd.Env = withoutEnv(os.Environ(), "PYTHONPATH")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("cannot import gevent: %s", lastLine(string(ee.Stderr)))
		}
		return nil, err
	}
	v := map[string]string{}
	if err := json.Unmarshal([]byte(lastLine(string(out))), &v); err != nil {
		return nil, fmt.Errorf("unreadable versions %q: %v", lastLine(string(out)), err)
	}
	return v, nil
}

// label is the row label of gevent, with its version.
func (g geventInfo) label() string {
	if v := g.versions["gevent"]; v != "" {
		return "gevent " + v
	}
	return "gevent"
}

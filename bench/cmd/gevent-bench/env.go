package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// machine describes where and on what the run happened, for the report
// header: numbers from different machines or toolchains do not compare.
type machine struct {
	Date       time.Time
	CPU        string
	Kernel     string
	Go         string
	GOMAXPROCS int
	Commit     string
	LibevDeb   string // Debian's libev-dev, which our C core links
	BoostDeb   string // Debian's libboost-context-dev, the C perf program's rival
	LoadStart  string
	LoadEnd    string
}

func describeMachine(benchDir string) machine {
	m := machine{
		Date:       time.Now().UTC(),
		CPU:        cpuModel(),
		Kernel:     strings.TrimSpace(readFile("/proc/sys/kernel/osrelease")),
		Go:         runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		LibevDeb:   debVersion("libev-dev"),
		BoostDeb:   debVersion("libboost-context-dev"),
		LoadStart:  loadavg(),
	}
	if benchDir != "" {
		if out, err := exec.Command("git", "-C", benchDir, "describe", "--always", "--dirty", "--exclude", "*").Output(); err == nil {
			m.Commit = strings.TrimSpace(string(out))
		}
	}
	return m
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "?"
	}
	return string(b)
}

// cpuModel returns "<count> x <model name>" from /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return fmt.Sprintf("%d CPUs", runtime.NumCPU())
	}
	defer f.Close()
	model := "?"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			model = strings.TrimSpace(v)
			break
		}
	}
	return fmt.Sprintf("%d x %s", runtime.NumCPU(), model)
}

// debVersion returns the installed version of a Debian package, or "not
// installed".
func debVersion(pkg string) string {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", pkg).Output()
	if err != nil || len(out) == 0 {
		return "not installed"
	}
	return string(out)
}

func loadavg() string {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

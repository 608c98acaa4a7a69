package main

import (
	"strings"
	"testing"

	"github.com/gevent-go/gevent/bench/report"
	"github.com/gevent-go/gevent/bench/workloads"
)

// TestEchoSection builds echo cases from synthetic samples and checks the
// summary divides by the floor of the same case, shows a missing row as
// n/a, and that the echo cases stay out of the vs-gevent table while their
// goals are checked.
func TestEchoSection(t *testing.T) {
	gev := pyInfo{spec: geventSpec, versions: map[string]string{"gevent": "22.10.2"}}
	var cases []*report.Case
	for _, name := range []string{"echo_100", "echo_1000"} {
		w := workloads.Lookup(name)
		n := w.Sizes[0]
		var samples []sample
		add := func(impl string, cpu, rate float64) {
			samples = append(samples, sample{Workload: name, Size: n, Impl: impl,
				Metrics: workloads.Metrics{"server-cpu-us/req": cpu, "req/s": rate}})
		}
		add("epoll", 10, 40000)
		add("goroutines", 15, 38000)
		add("goroutines-2p", 16, 60000)
		add(geventImpl, 30, 30000)
		cases = append(cases, buildCase(caseInput{w: w, index: 1, size: n, reps: 1, py: gev, rows: aggregate(samples)}))
	}
	s := echoSection(cases)
	for _, want := range []string{
		"| 100 | 50,000 | 10.0 | n/a | n/a | 3.00x | 1.50x | 1.60x | n/a |",
		"| 1,000 | 50,000 | 10.0 |",
		"| 100 | 60,000 | n/a — hub-per-cpu n/a — ",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("echo section lacks %q:\n%s", want, s)
		}
	}
	if vs := report.VsGevent(withoutEcho(cases), []string{"core=go"}, geventImpl, 10); strings.Contains(vs, "echo") {
		t.Errorf("an echo case in the vs-gevent table:\n%s", vs)
	}
	checks := echoChecks(cases)
	if len(checks) != 2*3+2 {
		t.Fatalf("%d echo checks, want 8: %+v", len(checks), checks)
	}
	if !strings.HasPrefix(checks[0].Verdict, "not measured: core=go n/a") {
		t.Errorf("a missing core=go row gives the verdict %q", checks[0].Verdict)
	}
	if echoSection(withoutEcho(cases)) != "" {
		t.Error("an echo section without echo cases")
	}
}

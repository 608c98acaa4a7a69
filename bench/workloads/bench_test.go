package workloads

import (
	"fmt"
	"strings"
	"testing"
)

// The go test -bench form of every workload, for benchstat across commits:
//
//	cd bench && go test -run '^$' -bench . -count 10 ./workloads > new.txt
//	benchstat old.txt new.txt
//
// Sub-benchmarks are the implementations (impl=iterpull, impl=goroutines,
// core=go, core=c); sized workloads add N=<size> and run the whole workload
// once per iteration, so give them a count, not a duration or a large
// -benchtime Nx: N=1e6 takes about a second per iteration. Each reports the
// workload's own metrics (ns/switch, late-us-p99, ...): ns/op also counts
// set-up such as creating a hub, so compare the named metrics. RSS metrics
// are left out here: they only mean something in a fresh process, which is
// how the gevent-bench command measures them.

func BenchmarkSwitch(b *testing.B)         { benchWorkload(b, "switch") }
func BenchmarkSleep0(b *testing.B)         { benchWorkload(b, "sleep0") }
func BenchmarkSpawnJoin(b *testing.B)      { benchWorkload(b, "spawn_join") }
func BenchmarkSpawnJoinAll(b *testing.B)   { benchWorkload(b, "spawn_joinall") }
func BenchmarkParked(b *testing.B)         { benchWorkload(b, "parked") }
func BenchmarkEventWakeAll(b *testing.B)   { benchWorkload(b, "event_wakeall") }
func BenchmarkTimeoutCancel(b *testing.B)  { benchWorkload(b, "timeout_cancel") }
func BenchmarkTimeoutFire(b *testing.B)    { benchWorkload(b, "timeout_fire") }
func BenchmarkSleep1ms(b *testing.B)       { benchWorkload(b, "sleep_1ms") }
func BenchmarkKillParked(b *testing.B)     { benchWorkload(b, "kill_parked") }
func BenchmarkEventHandoff(b *testing.B)   { benchWorkload(b, "event_handoff") }
func BenchmarkQueueHandoff(b *testing.B)   { benchWorkload(b, "queue_handoff") }
func BenchmarkSpawnLater(b *testing.B)     { benchWorkload(b, "spawn_later") }
func BenchmarkSimTimeouts1e5(b *testing.B) { benchWorkload(b, "sim_timeouts_1e5") }
func BenchmarkSimTimeouts1e6(b *testing.B) { benchWorkload(b, "sim_timeouts_1e6") }
func BenchmarkSimBank(b *testing.B)        { benchWorkload(b, "sim_bank") }
func BenchmarkEcho100(b *testing.B)        { benchWorkload(b, "echo_100") }
func BenchmarkEcho1000(b *testing.B)       { benchWorkload(b, "echo_1000") }

func benchWorkload(b *testing.B, name string) {
	w := Lookup(name)
	if w == nil {
		b.Fatalf("no workload %q", name)
	}
	for _, impl := range GoImpls {
		if !w.Shows(impl) {
			continue
		}
		f, err := w.Func(impl)
		if w.Ops {
			b.Run(impl.SubName(), func(b *testing.B) { benchOps(b, f, err) })
			continue
		}
		for _, size := range w.Sizes {
			b.Run(fmt.Sprintf("N=%d/%s", size, impl.SubName()), func(b *testing.B) { benchSized(b, f, err, size) })
		}
	}
}

// benchOps runs an Ops workload once with b.N operations.
func benchOps(b *testing.B, f Func, na error) {
	if na != nil {
		b.Skip("n/a: ", na)
	}
	m, err := f(b.N)
	if err != nil {
		b.Fatal(err)
	}
	report(b, m, 1)
}

// benchSized runs a sized workload b.N times and reports the mean of each
// metric.
func benchSized(b *testing.B, f Func, na error, size int) {
	if na != nil {
		b.Skip("n/a: ", na)
	}
	sum := Metrics{}
	for range b.N {
		m, err := f(size)
		if err != nil {
			b.Fatal(err)
		}
		for k, v := range m {
			sum[k] += v
		}
	}
	report(b, sum, b.N)
}

func report(b *testing.B, m Metrics, div int) {
	for k, v := range m {
		if strings.Contains(k, "rss") {
			continue
		}
		b.ReportMetric(v/float64(div), k)
	}
}

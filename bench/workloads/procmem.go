package workloads

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

// Memory and CPU readings of the current process. RSS figures are only
// meaningful in a fresh process (the command runs every memory sample in
// one); the benchmarks of this package drop them.

// procStatusBytes returns a "kB" field of /proc/self/status (VmRSS, VmHWM)
// in bytes, or NaN-like -1 when unreadable (not Linux).
func procStatusBytes(field string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range bytes.SplitSeq(b, []byte{'\n'}) {
		rest, ok := bytes.CutPrefix(line, []byte(field+":"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) == 0 {
			return -1
		}
		v, err := strconv.ParseFloat(string(f[0]), 64)
		if err != nil {
			return -1
		}
		return v * 1024
	}
	return -1
}

// rss returns the resident set size now, in bytes.
func rss() float64 { return procStatusBytes("VmRSS") }

// peakRSS returns the high-water mark of the resident set, in bytes.
func peakRSS() float64 { return procStatusBytes("VmHWM") }

// inUse returns the bytes the Go runtime holds for live heap spans and
// goroutine stacks, after a full collection: what parked greenlets cost the
// runtime, independent of how much the OS has been given back.
func inUse() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse + ms.StackInuse)
}

// cpuTime returns the user+system CPU time of the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// perOp returns d in nanoseconds divided by n operations.
func perOp(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }

// trivial is the body every spawn workload runs: a call that cannot be
// optimised away, like the gevent script's `def trivial(): pass`.
//
//go:noinline
func trivial() {}

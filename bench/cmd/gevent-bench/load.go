package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// loadMeter measures how many CPUs processes other than the sample kept
// busy while it ran: (busy CPU time of the whole system − the sample's own
// CPU time) / wall time. On this project's shared 2-core machines it tells
// a noisy sample from a slow implementation.
type loadMeter struct {
	busy0 float64
	t0    time.Time
}

// clockTick is USER_HZ, the unit of /proc/stat; 100 on every Linux port
// Go supports.
const clockTick = 100

func startLoadMeter() loadMeter { return loadMeter{busy0: systemBusy(), t0: time.Now()} }

// stop returns the wall time in seconds and the other processes' load in
// CPUs (0 when /proc/stat is unreadable).
func (m loadMeter) stop(ps *os.ProcessState) (wallS, otherCPUs float64) {
	wallS = time.Since(m.t0).Seconds()
	busy := systemBusy() - m.busy0
	own := 0.0
	if ps != nil {
		own = (ps.UserTime() + ps.SystemTime()).Seconds()
	}
	if m.busy0 < 0 || wallS <= 0 {
		return wallS, 0
	}
	return wallS, max(0, (busy-own)/wallS)
}

// systemBusy returns the seconds all CPUs spent not idle since boot, or -1.
func systemBusy() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return -1
	}
	var busy float64
	for i, v := range f[1:9] { // user nice system idle iowait irq softirq steal
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return -1
		}
		if i != 3 && i != 4 { // idle, iowait
			busy += x
		}
	}
	return busy / clockTick
}

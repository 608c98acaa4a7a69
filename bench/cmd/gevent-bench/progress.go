package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gevent-go/gevent/bench/report"
)

// progress prints where the run is on stderr: one line rewritten in place
// on a terminal; on a log (CI), a line when a rep starts and then at most
// every few seconds.
type progress struct {
	w        io.Writer
	tty      bool
	t0       time.Time
	lastLine time.Time
	total    int
	n        int
	lastRep  int
}

func newProgress() *progress {
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return &progress{w: os.Stderr, tty: tty, lastRep: -1}
}

func (p *progress) start(total int) {
	p.total, p.t0 = total, time.Now()
}

// step announces the sample about to run.
func (p *progress) step(rep, reps int, j job) {
	p.n++
	el := time.Since(p.t0)
	size := ""
	if !j.w.Ops {
		size = " N=" + report.Size(j.size)
	}
	line := fmt.Sprintf("[%3d/%d] rep %d/%d  %-28s %-10s  %s elapsed", p.n, p.total, rep+1, reps,
		j.w.Name+size, j.impl, el.Round(time.Second))
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		return
	}
	if rep != p.lastRep || time.Since(p.lastLine) >= 5*time.Second {
		fmt.Fprintln(p.w, line)
		p.lastRep, p.lastLine = rep, time.Now()
	}
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, "%d samples in %s\n", p.n, time.Since(p.t0).Round(time.Second))
}

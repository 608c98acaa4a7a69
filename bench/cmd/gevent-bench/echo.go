package main

import (
	"fmt"
	"strings"

	"github.com/gevent-go/gevent/bench/report"
)

// The echo workloads (bench/workloads/echo.go) have their own goals (issue
// 10): a server CPU cost per request near the floor's, not a multiple of
// gevent's speed, so they have their own section instead of rows in the
// vs-gevent table.

// isEcho reports whether c is an echo workload's case.
func isEcho(c *report.Case) bool { return strings.HasPrefix(c.ID, "echo_") }

// withoutEcho returns cases minus the echo ones.
func withoutEcho(cases []*report.Case) []*report.Case {
	var out []*report.Case
	for _, c := range cases {
		if !isEcho(c) {
			out = append(out, c)
		}
	}
	return out
}

// echoCols are the rows compared with the floor, in the section's order,
// with their short names.
var echoCols = []struct{ key, name string }{
	{"core=go", "ours, core=go"}, {"core=c", "ours, core=c"}, {"gevent", "gevent"},
	{"goroutines", "plain Go"}, {"goroutines-2p", "plain Go, GOMAXPROCS=2"}, {"hub-per-cpu", "ours, one hub per CPU"},
}

// echoSection renders the echo summary: per connection count, the floor's
// server CPU per request and every other server's as a ratio to it, then
// the requests per second of the servers that use both CPUs. "" when no
// echo workload ran.
func echoSection(cases []*report.Case) string {
	var echo []*report.Case
	for _, c := range cases {
		if isEcho(c) {
			echo = append(echo, c)
		}
	}
	if len(echo) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Server CPU time (user + system) per request, as a ratio to the floor (a bare epoll loop) measured in this run; " +
		"the floor's own figure in µs. Single-CPU servers are pinned to one CPU and the load client to the other.\n\n")
	head := []string{"connections", "requests", "floor µs/req"}
	for _, k := range echoCols {
		head = append(head, k.name+" ÷ floor")
	}
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|---" + strings.Repeat("|--:", len(head)-1) + "|\n")
	for _, c := range echo {
		cells := []string{echoConns(c), report.Num(float64(c.Size))}
		floor, ok := c.Median("epoll", c.Primary)
		if !ok {
			cells = append(cells, "n/a — "+rowWhy(c, "epoll"))
		} else {
			cells = append(cells, report.Num(floor))
		}
		for _, k := range echoCols {
			v, okV := c.Median(k.key, c.Primary)
			switch {
			case !okV:
				cells = append(cells, "n/a")
			case !ok:
				cells = append(cells, "?")
			default:
				cells = append(cells, report.Ratio(v, floor))
			}
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	b.WriteString("\nThroughput with the server on both CPUs (the client shares one of them): requests/s, median. " +
		"The client, pinned to one CPU, saturates first, so this shows whether a server holds it back more than plain Go does, not what either server could do with both CPUs to itself.\n\n")
	b.WriteString("| connections | goroutines, GOMAXPROCS=2 | ours, one hub per CPU | ours ÷ goroutines |\n|---|--:|--:|--:|\n")
	for _, c := range echo {
		g, okG := c.Median("goroutines-2p", "req/s")
		h, okH := c.Median("hub-per-cpu", "req/s")
		cell := func(v float64, ok bool, key string) string {
			if !ok {
				return "n/a — " + rowWhy(c, key)
			}
			return report.Num(v)
		}
		ratio := ""
		if okG && okH {
			ratio = report.Ratio(h, g)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", echoConns(c), cell(g, okG, "goroutines-2p"), cell(h, okH, "hub-per-cpu"), ratio)
	}
	return b.String()
}

// echoConns is the connection count of an echo case, as the tables show it.
func echoConns(c *report.Case) string {
	var n float64
	fmt.Sscan(strings.TrimPrefix(c.ID, "echo_"), &n)
	return report.Num(n)
}

// echoChecks evaluates issue 10's goals on every echo case run: each of
// our cores within 1.2x of the floor's server CPU per request and cheaper
// than plain Go at 1,000 connections; one hub per CPU at or above plain Go
// with GOMAXPROCS=2 in requests/s.
func echoChecks(cases []*report.Case) []report.Check {
	var out []report.Check
	for _, c := range cases {
		if !isEcho(c) {
			continue
		}
		at := c.ID + ": "
		for _, core := range []string{"core=go", "core=c"} {
			out = append(out, ratioCheck(at+core+" server CPU/request ≤ 1.2x the floor (bare epoll loop)", c, c.Primary, core, "epoll", 1.2))
			if c.ID == "echo_1000" {
				out = append(out, ratioCheck(at+core+" server CPU/request ≤ 1x plain Go (GOMAXPROCS=1)", c, c.Primary, core, "goroutines", 1))
			}
		}
		out = append(out, ratioCheck(at+"one hub per CPU at or above plain Go with GOMAXPROCS=2 in req/s (measured as goroutines ≤ 1x hubs)",
			c, "req/s", "goroutines-2p", "hub-per-cpu", 1))
	}
	return out
}

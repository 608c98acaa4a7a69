package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/gevent-go/gevent/bench/report"
)

// reportName matches the reports the command writes: <date>.md, and
// <date>-quick.md for quick runs, which never count as previous runs.
var reportName = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}.*\.md$`)

// previousRun returns the newest full run in dir other than the report
// stem is about to overwrite: its report's file name and its summary, read
// from the JSON beside the report when there is one, else parsed back from
// the Markdown (reports from before the JSON summaries existed). It returns
// "", nil when there is none; a report it cannot read is skipped with a
// word on stderr.
func previousRun(dir, stem string) (string, *report.Snapshot) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gevent-bench: no comparison with a previous run: %v\n", err)
		return "", nil
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && reportName.MatchString(n) && !strings.Contains(n, "-quick") && n != stem+".md" {
			names = append(names, n)
		}
	}
	// Date-stamped names sort in time order.
	slices.Sort(names)
	slices.Reverse(names)
	for _, n := range names {
		snap, err := readRun(filepath.Join(dir, n))
		if err != nil {
			fmt.Fprintf(os.Stderr, "gevent-bench: skipping %s as a previous run: %v\n", n, err)
			continue
		}
		if snap.Full {
			return n, snap
		}
	}
	return "", nil
}

// readRun reads the summary of the report at mdPath: its JSON sidecar when
// that parses, else the report itself.
func readRun(mdPath string) (*report.Snapshot, error) {
	if b, err := os.ReadFile(strings.TrimSuffix(mdPath, ".md") + ".json"); err == nil {
		if s, err := report.ParseSnapshot(b); err == nil {
			return s, nil
		}
		// Not a summary (raw samples from an older command): the
		// report itself still says what the run measured.
	}
	b, err := os.ReadFile(mdPath)
	if err != nil {
		return nil, err
	}
	return report.ParseMarkdown(string(b))
}

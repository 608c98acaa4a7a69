package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A Snapshot is the machine-readable summary of one run: per case, each
// row's primary median, and which row is the baseline. The command writes
// it beside the Markdown report so that a later run can compare with it;
// ParseMarkdown rebuilds one from a report written before snapshots
// existed.
type Snapshot struct {
	// Date is the run's start, "2006-01-02 15:04" UTC.
	Date string `json:"date"`
	// Full is false for a -quick run, whose numbers compare with nothing.
	Full   bool           `json:"full"`
	Commit string         `json:"commit,omitempty"`
	Cases  []SnapshotCase `json:"cases"`
}

// A SnapshotCase is one table of a run.
type SnapshotCase struct {
	// ID and Size name the workload and size; a case parsed from Markdown
	// has no ID and is matched by Heading instead.
	ID      string        `json:"id,omitempty"`
	Size    int           `json:"size,omitempty"`
	Heading string        `json:"heading"`
	Metric  string        `json:"metric"`
	Rows    []SnapshotRow `json:"rows"`
}

// A SnapshotRow is one implementation's primary median in a case.
type SnapshotRow struct {
	// Key is the implementation's key ("core=go"); empty when parsed
	// from Markdown, where the row is matched by Label.
	Key      string  `json:"key,omitempty"`
	Label    string  `json:"label"`
	Median   float64 `json:"median"`
	Baseline bool    `json:"baseline,omitempty"`
}

// NewSnapshot summarises cases: every row with a primary median.
func NewSnapshot(date, commit string, full bool, cases []*Case) *Snapshot {
	s := &Snapshot{Date: date, Full: full, Commit: commit}
	for _, c := range cases {
		sc := SnapshotCase{ID: c.ID, Size: c.Size, Heading: c.Heading(), Metric: c.Primary}
		for _, r := range c.Rows {
			if v, ok := c.Median(r.Key, c.Primary); ok {
				sc.Rows = append(sc.Rows, SnapshotRow{Key: r.Key, Label: r.Label, Median: v, Baseline: r.Key == c.BaselineKey})
			}
		}
		s.Cases = append(s.Cases, sc)
	}
	return s
}

// ParseSnapshot reads a snapshot written as JSON.
func ParseSnapshot(b []byte) (*Snapshot, error) {
	var s Snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("report: not a run summary: %w", err)
	}
	if len(s.Cases) == 0 {
		return nil, fmt.Errorf("report: run summary has no cases")
	}
	return &s, nil
}

var (
	modeLine    = regexp.MustCompile(`^- mode: (.*)$`)
	commitLine  = regexp.MustCompile("^- commit: `?([0-9a-f]+)`?")
	titleLine   = regexp.MustCompile(`comparison, (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC`)
	primaryLine = regexp.MustCompile("^Primary metric `([^`]+)`")
)

// ParseMarkdown rebuilds a Snapshot from a report this package rendered
// (the "### heading", "Primary metric" line and table of each case, under
// "## Workloads"). It is the fallback for reports that have no JSON
// summary beside them; rows it cannot read (n/a, failed, "?") are left
// out, and so is anything inside code blocks.
func ParseMarkdown(text string) (*Snapshot, error) {
	s := &Snapshot{}
	var cur *SnapshotCase
	inWorkloads, inCode := false, false
	var header []string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \r")
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if inCode {
			continue
		}
		if m := titleLine.FindStringSubmatch(line); m != nil && s.Date == "" && strings.HasPrefix(line, "# ") {
			s.Date = m[1]
		}
		if m := modeLine.FindStringSubmatch(line); m != nil && !inWorkloads {
			s.Full = strings.HasPrefix(m[1], "full run")
		}
		if m := commitLine.FindStringSubmatch(line); m != nil && !inWorkloads {
			s.Commit = m[1]
		}
		switch {
		case strings.HasPrefix(line, "## "):
			inWorkloads = strings.TrimSpace(line[3:]) == "Workloads"
			cur = nil
			continue
		case !inWorkloads:
			continue
		case strings.HasPrefix(line, "### "):
			s.Cases = append(s.Cases, SnapshotCase{Heading: unescape(strings.TrimSpace(line[4:]))})
			cur = &s.Cases[len(s.Cases)-1]
			header = nil
			continue
		case cur == nil:
			continue
		}
		if m := primaryLine.FindStringSubmatch(line); m != nil {
			cur.Metric = m[1]
			continue
		}
		cells := splitRow(line)
		if cells == nil {
			if header != nil {
				cur = nil // the table ended; notes follow
			}
			continue
		}
		if header == nil {
			header = cells
			continue
		}
		if isRule(cells) || len(cells) < 2 || len(header) < 2 || header[1] != cur.Metric+" median" {
			continue
		}
		v, ok := parseNum(cells[1])
		if !ok {
			continue
		}
		label, _, _ := strings.Cut(cells[0], " — ") // drop a note
		label, base := strings.CutSuffix(label, " (baseline)")
		cur.Rows = append(cur.Rows, SnapshotRow{Label: label, Median: v, Baseline: base})
	}
	if len(s.Cases) == 0 {
		return nil, fmt.Errorf("report: no workload tables found")
	}
	return s, nil
}

// splitRow splits a Markdown table row into unescaped, trimmed cells; nil
// for a line that is not a table row.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") || len(line) < 2 {
		return nil
	}
	var cells []string
	var b strings.Builder
	body := line[1 : len(line)-1]
	for i := 0; i < len(body); i++ {
		switch {
		case body[i] == '\\' && i+1 < len(body) && body[i+1] == '|':
			b.WriteByte('|')
			i++
		case body[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(body[i])
		}
	}
	return append(cells, strings.TrimSpace(b.String()))
}

func isRule(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, "-:") != "" {
			return false
		}
	}
	return true
}

func unescape(s string) string { return strings.ReplaceAll(s, `\|`, "|") }

// parseNum reads a number as Num prints it ("1,234", "0.0123").
func parseNum(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return v, err == nil
}

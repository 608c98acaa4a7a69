package main

import (
	"strings"
	"testing"
)

func TestConfigRejectsBadFlags(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]config{
		"no workload \"nope\"": {onlyFlag: "switch,nope", out: dir},
		"must be positive":     {reps: -1, out: dir},
		"-csrc":                {csrcFile: dir + "/missing", out: dir},
	}
	for want, c := range cases {
		err := c.finish()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("finish(%+v) = %v, want an error containing %q", c, err, want)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	c := config{quick: true, onlyFlag: "switch, sleep0", out: t.TempDir()}
	if err := c.finish(); err != nil {
		t.Fatal(err)
	}
	if c.reps != 2 || c.repsBig != 2 || !c.only["switch"] || !c.only["sleep0"] || len(c.only) != 2 {
		t.Errorf("quick defaults: %+v", c)
	}
	full := config{out: t.TempDir()}
	if err := full.finish(); err != nil {
		t.Fatal(err)
	}
	if full.reps != 7 || full.repsBig != 3 || full.only != nil {
		t.Errorf("full defaults: %+v", full)
	}
}

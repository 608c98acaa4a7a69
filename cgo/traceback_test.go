//go:build cgo && !purego

package cgo

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestCTracebackShowsCFrames proves the wiring of EnableCTraceback: a child
// process (this test binary again) breaks a C invariant on purpose, so that
// the C core aborts inside gev_hub_turn; the Go runtime's crash report must
// then name the C frames (the aborting hub_die and gev_hub_turn above it),
// which it cannot do without the traceback and symbolizer functions.
func TestCTracebackShowsCFrames(t *testing.T) {
	if os.Getenv("GEVGO_TRACEBACK_CHILD") == "1" {
		EnableCTraceback()
		runtime.LockOSThread()
		h, err := NewHub(4)
		if err != nil {
			t.Fatal(err)
		}
		h.host.ncmds = h.host.cmd_cap + 1 // misuse that only C can see
		h.Turn(0)
		t.Fatal("gev_hub_turn accepted a command count beyond its capacity")
	}
	if testing.Short() {
		t.Skip("runs a crashing child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCTracebackShowsCFrames$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GEVGO_TRACEBACK_CHILD=1", "GOTRACEBACK=single")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child did not crash:\n%s", out)
	}
	s := string(out)
	for _, want := range []string{
		"gev_hub_turn: ncmds 5 exceeds cmd_cap 4", // the C core's own message
		"signal arrived during cgo execution",
		"\nhub_die\n", // C frames, named by the symbolizer
		"\ngev_hub_turn\n",
		"\ngevgo_turn\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("crash report lacks %q:\n%s", want, s)
		}
	}
}

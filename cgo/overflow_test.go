//go:build cgo && !purego

package cgo

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// overflowChild runs in the child process of the overflow tests: it spawns
// C greenlets that overflow their stack as GEVGO_OVERFLOW_CHILD says, and
// turns the hub until the process dies.
func overflowChild(t *testing.T, mode string) {
	runtime.LockOSThread()
	if mode == "smash" || mode == "canary" {
		SetGuardBudget(0) // unguarded stacks: the canary and bounds checks catch it
	}
	h, err := NewHub(0)
	if err != nil {
		t.Fatal(err)
	}
	spawn := func(id uint64, b Body) *Cmd {
		c := h.Push()
		c.Op, c.ID, c.Fn = OpSpawn, id, b
		return c
	}
	switch mode {
	case "guard":
		spawn(7, BodyOverflow)
	case "smash":
		// 3 smashes the mapping below its stack, where the stack of 4 (made
		// next) keeps its descriptor, then yields: the switch goes to 4.
		spawn(3, BodySmash)
		spawn(4, BodyPark)
	case "canary":
		// within the soft page: the canary check at the switch-out aborts
		spawn(5, BodySmash).Arg = 1024
	case "nil":
		// A nil dereference in Go must still become a panic with the report
		// installed (NewHub installed it).
		defer func() {
			if recover() != nil {
				os.Exit(42)
			}
		}()
		var p *int
		*p = 1
	case "cgo":
		CrashInC()
	}
	for i := 0; i < 10; i++ {
		h.Turn(0)
	}
	t.Fatal("the C greenlet did not overflow")
}

func runOverflowChild(t *testing.T, mode string) (string, error) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a crashing child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOverflowChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GEVGO_OVERFLOW_CHILD="+mode, "GOTRACEBACK=single")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestOverflowChild is the child process of the tests below; run alone, it
// does nothing.
func TestOverflowChild(t *testing.T) {
	if mode := os.Getenv("GEVGO_OVERFLOW_CHILD"); mode != "" {
		overflowChild(t, mode)
	}
}

func wantAll(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("the crash report lacks %q:\n%s", w, out)
		}
	}
}

// TestGuardPageOverflowNamesTheGreenlet: a C greenlet that overflows into
// its guard page is named, with its stack bounds and the fault address,
// before the Go runtime's own SIGSEGV report (which must still follow: the
// handler chains to Go's, which prints the trace and ends the process).
func TestGuardPageOverflowNamesTheGreenlet(t *testing.T) {
	out, err := runOverflowChild(t, "guard")
	if err == nil {
		t.Fatalf("the child did not crash:\n%s", out)
	}
	wantAll(t, out,
		"gev_coro: stack overflow in coroutine '(unnamed)' (0x",
		", C greenlet 7): SIGSEGV at 0x",
		" in the guard page [0x",
		") below its stack [0x",
		"SIGSEGV: segmentation violation", // Go's report follows
		"signal arrived during cgo execution",
	)
	if i, j := strings.Index(out, "gev_coro: stack overflow"), strings.Index(out, "SIGSEGV: segm"); i > j {
		t.Errorf("the overflow report comes after Go's:\n%s", out)
	}
}

// TestUnguardedOverflowNamesTheGreenlet: past the guard budget, a C greenlet
// that overflows its stack is reported as a stack overflow of that greenlet,
// never as a bad switch target: by the canary check when it stays within the
// soft page below its stack; when it goes further (smashing the descriptor of
// the next greenlet's stack, or faulting in a hole below), by the switch's
// check or by the SIGSEGV report, whichever comes first.
func TestUnguardedOverflowNamesTheGreenlet(t *testing.T) {
	for _, c := range []struct{ mode, want string }{
		{"canary", "the canary below its unguarded stack"},
		{"smash", ""},
	} {
		out, err := runOverflowChild(t, c.mode)
		if err == nil {
			t.Fatalf("%s: the child did not crash:\n%s", c.mode, out)
		}
		id := map[string]string{"canary": "5", "smash": "3"}[c.mode]
		wantAll(t, out, "stack overflow in coroutine '(unnamed)' (0x", ", C greenlet "+id+")", c.want)
		if strings.Contains(out, "target") {
			t.Errorf("%s: the overflow was reported as a bad switch target:\n%s", c.mode, out)
		}
	}
}

// TestOverflowReportKeepsGoNilPanics: with the report installed, a nil
// dereference in Go still becomes a recoverable panic.
func TestOverflowReportKeepsGoNilPanics(t *testing.T) {
	out, err := runOverflowChild(t, "nil")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 42 {
		t.Fatalf("want exit 42 (the panic recovered), got %v:\n%s", err, out)
	}
	if strings.Contains(out, "stack overflow") {
		t.Errorf("a nil dereference was reported as a stack overflow:\n%s", out)
	}
}

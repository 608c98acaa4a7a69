//go:build cgo && !purego

package cgo

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	// C frames in this test binary's crash reports, with file and line.
	_ "github.com/ianlancetaylor/cgosymbolizer"
)

// symbolizedTestBinary returns a build of this test binary that has DWARF:
// itself when it has, else one built with "go test -c" ("go test" links the
// binaries it runs with -s -w, and then cgosymbolizer has nothing to read).
func symbolizedTestBinary(t *testing.T) string {
	t.Helper()
	if f, err := elf.Open(os.Args[0]); err == nil {
		has := f.Section(".debug_info") != nil
		f.Close()
		if has {
			return os.Args[0]
		}
	}
	bin := filepath.Join(t.TempDir(), "cgo.test")
	build := exec.Command(goTool(t), "test", "-c", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the test binary with DWARF: %v\n%s", err, out)
	}
	return bin
}

// TestCgosymbolizerShowsCFileLine: with cgosymbolizer linked in, a crash
// inside C names the C function with its file and line; on a C greenlet's
// stack it unwinds every frame down to the coroutine's first one.
func TestCgosymbolizerShowsCFileLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs crashing child processes")
	}
	bin := symbolizedTestBinary(t)
	for _, c := range []struct {
		mode string
		want []string
	}{
		// a crash in C called through cgo (the overflow report installed by
		// NewHub passes it on to Go's handler without a frame of its own)
		{"cgo", []string{`\ngevgo_crash_null\n\t[^\n]*overflow\.c:\d+ pc=`}},
		// the overflow of a guarded C greenlet stack
		{"guard", []string{`\nrecurse\n\t[^\n]*overflow\.c:\d+ pc=`}},
		// an abort on a C greenlet's stack (its canary check as it exits):
		// the whole stack, down to its boot frame
		{"canary", []string{
			`\nmsg_die\n\t[^\n]*coro\.c:\d+ pc=`,
			`\nhub_trampoline\n\t[^\n]*hub_greenlet\.c:\d+ pc=`,
			`\ngev__coro_boot\n`,
		}},
	} {
		cmd := exec.Command(bin, "-test.run=^TestOverflowChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "GEVGO_OVERFLOW_CHILD="+c.mode, "GOTRACEBACK=single")
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("%s: the child did not crash:\n%s", c.mode, out)
		}
		for _, w := range c.want {
			if !regexp.MustCompile(w).Match(out) {
				t.Errorf("%s: the crash report lacks %q:\n%s", c.mode, w, out)
			}
		}
	}
}

//go:build cgo && !purego

package cgo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goTool returns the go command that built this test, or skips the test.
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	t.Skip("needs the go command to build a crashing child")
	return ""
}

// TestCTracebackShowsCFrames proves what EnableCTraceback adds: a program
// linked without DWARF or symbol table (-ldflags="-s -w") that crashes inside
// C still gets its C frames named, where cgosymbolizer would show bare
// addresses.
func TestCTracebackShowsCFrames(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a crashing child process")
	}
	bin := filepath.Join(t.TempDir(), "ctraceback")
	build := exec.Command(goTool(t), "build", "-ldflags=-s -w", "-o", bin, "./testdata/ctraceback")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the child: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "GOTRACEBACK=single")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child did not crash:\n%s", out)
	}
	s := string(out)
	for _, want := range []string{
		"signal arrived during cgo execution",
		"\ngevgo_crash_null\n", // the crashing C function, named by the symbolizer
	} {
		if !strings.Contains(s, want) {
			t.Errorf("crash report lacks %q:\n%s", want, s)
		}
	}
}

// TestEnableCTracebackKeepsCgosymbolizer: in a binary that links
// cgosymbolizer (this test binary), EnableCTraceback does nothing instead of
// panicking over the second runtime.SetCgoTraceback.
func TestEnableCTracebackKeepsCgosymbolizer(t *testing.T) {
	EnableCTraceback()
}

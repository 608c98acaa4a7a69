//go:build cgo && !purego

package cgo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnityFilesCoverCsrc checks that every C source of the C core has its
// one-line unity file here (core_<name>.c including ../csrc/<name>.c), so a
// file added to csrc/ cannot be silently left out of the Go build.
func TestUnityFilesCoverCsrc(t *testing.T) {
	srcs, err := filepath.Glob("../csrc/*.c")
	if err != nil || len(srcs) == 0 {
		t.Fatalf("no C sources in ../csrc: %v", err)
	}
	for _, src := range srcs {
		name := strings.TrimSuffix(filepath.Base(src), ".c")
		b, err := os.ReadFile("core_" + name + ".c")
		if err != nil {
			t.Errorf("csrc/%s.c has no unity file cgo/core_%s.c", name, name)
			continue
		}
		if !strings.Contains(string(b), `#include "../csrc/`+name+`.c"`) {
			t.Errorf("cgo/core_%s.c does not include ../csrc/%s.c", name, name)
		}
	}
	for arch, asm := range map[string]string{"amd64": "x86_64", "arm64": "aarch64"} {
		b, err := os.ReadFile("switch_" + arch + ".S")
		if err != nil || !strings.Contains(string(b), `#include "../csrc/switch_`+asm+`.S"`) {
			t.Errorf("cgo/switch_%s.S does not include ../csrc/switch_%s.S", arch, asm)
		}
	}
}

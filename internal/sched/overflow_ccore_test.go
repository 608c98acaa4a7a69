//go:build cgo && !purego

package sched_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	ccore "github.com/gevent-go/gevent/cgo"
	"github.com/gevent-go/gevent/internal/sched"
)

// TestCGreenletStackOverflowIsNamed: a C greenlet of a hub that overflows
// its stack into the guard page is named by its ID in a "stack overflow"
// line before the Go runtime's SIGSEGV report ends the process (a child
// process: the overflow is fatal).
func TestCGreenletStackOverflowIsNamed(t *testing.T) {
	if os.Getenv("GEVGO_HUB_OVERFLOW_CHILD") == "1" {
		h, err := sched.New(sched.WithCore("c"))
		if err != nil {
			t.Fatal(err)
		}
		err = h.Run(func(main *sched.G) error {
			if _, err := h.SpawnC(ccore.BodySleep, 0); err != nil {
				return err
			}
			c, err := h.SpawnC(ccore.BodyOverflow, 0)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "overflowing C greenlet %d\n", c.ID())
			return c.Wait(main)
		})
		t.Fatalf("the C greenlet did not overflow (Run: %v)", err)
	}
	if testing.Short() {
		t.Skip("runs a crashing child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCGreenletStackOverflowIsNamed$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GEVGO_HUB_OVERFLOW_CHILD=1", "GOTRACEBACK=single")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child did not crash:\n%s", out)
	}
	s := string(out)
	var id uint64
	if i := strings.Index(s, "overflowing C greenlet "); i < 0 {
		t.Fatalf("the child did not spawn the C greenlet:\n%s", s)
	} else {
		fmt.Sscanf(s[i:], "overflowing C greenlet %d", &id)
	}
	for _, want := range []string{
		fmt.Sprintf(", C greenlet %d): SIGSEGV at 0x", id),
		"gev_coro: stack overflow in coroutine",
		" in the guard page [0x",
		"SIGSEGV: segmentation violation",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the crash report lacks %q:\n%s", want, s)
		}
	}
}

//go:build !race

// The race detector's instrumentation makes every frame bigger, so the
// stack a body fits in is measured without it only.

package greenlet_test

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// stackChildEnv marks the child process of TestParkedGreenletKeepsItsFirstStack.
const stackChildEnv = "GEVENT_TEST_STACK_CHILD"

// TestParkedGreenletKeepsItsFirstStack: a greenlet parked in a timed sleep
// fits in its coroutine's first 2 KiB stack on every core, so that a parked
// greenlet costs about what a parked goroutine does. The frames from the
// coroutine's start down to the timer arm once crossed the first stack's
// guard on the C core only, which doubled every parked greenlet's stack
// there. It measures in a child process with the runtime's adaptive first
// stack off: otherwise the first stack's size follows the stacks the tests
// run before have used.
func TestParkedGreenletKeepsItsFirstStack(t *testing.T) {
	if os.Getenv(stackChildEnv) == "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestParkedGreenletKeepsItsFirstStack$", "-test.v")
		godebug := os.Getenv("GODEBUG")
		if godebug != "" {
			godebug += ","
		}
		cmd.Env = append(os.Environ(), stackChildEnv+"=1", "GODEBUG="+godebug+"adaptivestackstart=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		t.Logf("child:\n%s", out)
		return
	}
	const n = 2000
	for _, core := range hub.Cores() {
		t.Run(core, func(t *testing.T) {
			var before, after runtime.MemStats
			err := greenlet.Run(func(main *greenlet.Greenlet) error {
				gs := make([]*greenlet.Greenlet, n)
				runtime.GC() // frees the stack spans an earlier subtest left cached
				runtime.ReadMemStats(&before)
				for i := range gs {
					gs[i] = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
						return nil, sleepUnderFrame(g)
					})
				}
				if err := greenlet.Sleep(main, 0); err != nil {
					return err
				}
				runtime.ReadMemStats(&after)
				for _, g := range gs {
					g.KillNowait()
				}
				_, err := greenlet.JoinAll(main, gs)
				return err
			}, hub.WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			per := (int64(after.StackInuse) - int64(before.StackInuse)) / n
			t.Logf("core=%s: %d B of stack per parked greenlet", core, per)
			if per > 3<<10 {
				t.Errorf("core=%s: %d B of stack per parked greenlet, want the first 2 KiB stack (at most 3 KiB on average)", core, per)
			}
		})
	}
}

// stackSink keeps sleepUnderFrame's locals alive across its sleep.
var stackSink uintptr

// sleepUnderFrame sleeps under a frame of the size a body with a few
// locals has (eight words).
//
//go:noinline
func sleepUnderFrame(g *greenlet.Greenlet) error {
	var locals [8]uintptr
	for i := range locals {
		locals[i] = uintptr(i) * stackSink
	}
	err := greenlet.Sleep(g, greenlet.Forever)
	for _, x := range locals {
		stackSink += x
	}
	return err
}

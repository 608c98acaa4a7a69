//go:build cgo && !purego

package hub_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	ccore "github.com/gevent-go/gevent/cgo"
	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// CGreenlet.Wait blocks the running greenlet, which it finds itself: from a
// hub callback it returns ErrBlockingSwitchOut, and from a goroutine that is
// not the hub's it panics before it reads anything of the hub; from a
// greenlet it waits, and a wrapper's Link hands back that same wrapper.
func TestCGreenletWaitBlocksTheRunningGreenlet(t *testing.T) {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		c, err := h.SpawnC(ccore.BodyPark, 0)
		if err != nil {
			return err
		}
		var linked *hub.CGreenlet
		c.Link(func(c *hub.CGreenlet) { linked = c })
		var inCallback error
		if err := h.Post(func() { inCallback = c.Wait() }); err != nil {
			return err
		}
		// The hub takes posts once per turn, before it polls for timers:
		// the post has run when this sleep ends.
		if err := greenlet.Sleep(main, time.Millisecond); err != nil {
			return err
		}
		if !errors.Is(inCallback, hub.ErrBlockingSwitchOut) {
			return fmt.Errorf("Wait in a callback = %v, want ErrBlockingSwitchOut", inCallback)
		}
		msg, err := greenlet.Blocking(main, func(context.Context) (msg string, _ error) {
			defer func() { msg, _ = recover().(string) }()
			_ = c.Wait()
			return "", nil
		})
		if err != nil {
			return err
		}
		if !strings.HasPrefix(msg, "hub: CGreenlet.Wait: called from a goroutine that is not its hub's") {
			return fmt.Errorf("Wait from another goroutine panicked with %q", msg)
		}
		if c.Dead() || h.CGreenlets() != 1 {
			return fmt.Errorf("the misused Wait changed c: dead %v, %d C greenlets", c.Dead(), h.CGreenlets())
		}
		c.Kill(0)
		if err := c.Wait(); err != nil {
			return err
		}
		if !c.Dead() || !c.Successful() || c.Status() != hub.CExit {
			return fmt.Errorf("after Kill and Wait: %v, successful %v", c, c.Successful())
		}
		if err := greenlet.Sleep(main, 0); err != nil { // the link runs
			return err
		}
		if linked != c {
			return fmt.Errorf("Link passed %p, want the CGreenlet %p", linked, c)
		}
		return nil
	}, hub.WithCore("c"))
	if err != nil {
		t.Fatal(err)
	}
}

// SpawnC fails on a hub of the Go core: C greenlets need the C core.
func TestSpawnCNeedsTheCCore(t *testing.T) {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		c, err := main.Hub().SpawnC(ccore.BodyYield, 0)
		if c != nil || err == nil || !strings.Contains(err.Error(), "need the C core") {
			return fmt.Errorf("SpawnC on the Go core = %v, %v", c, err)
		}
		return nil
	}, hub.WithCore("go"))
	if err != nil {
		t.Fatal(err)
	}
}

package sched_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gevent-go/gevent/internal/sched"
)

// TestOffloadMisuse: a nil function or a G of another hub panics with a
// "hub: " message before anything is queued; a hub callback gets
// ErrBlockingSwitchOut.
func TestOffloadMisuse(t *testing.T) {
	for _, core := range sched.Cores() {
		t.Run(core, func(t *testing.T) {
			h, err := sched.New(sched.WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			other, err := sched.New(sched.WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			err = h.Run(func(main *sched.G) error {
				if msg := panicMsg(func() { _ = h.Offload(main, nil) }); msg != "hub: Offload of a nil function" {
					t.Errorf("nil work: %q", msg)
				}
				if msg := panicMsg(func() { _ = other.Offload(main, func(context.Context) {}) }); msg != "hub: Offload: the G must be the running G of this hub" {
					t.Errorf("other hub: %q", msg)
				}
				var cbErr error
				h.RunCallback(func() { cbErr = h.Offload(main, func(context.Context) {}) })
				if err := main.Yield(); err != nil {
					return err
				}
				if cbErr != sched.ErrBlockingSwitchOut {
					t.Errorf("from a callback: %v", cbErr)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if c := h.Census(); c != (sched.Census{}) {
				t.Errorf("census after Run: %+v", c)
			}
		})
	}
}

func panicMsg(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

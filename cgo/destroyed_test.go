//go:build cgo && !purego

package cgo

import (
	"errors"
	"fmt"
	"testing"
)

// After Destroy, the owner's entry points refuse clearly instead of handing
// C a freed hub: the error-returning ones return ErrDestroyed, the others
// panic with "cgo: ... after the hub was destroyed", and Census is zero.
func TestUseAfterDestroy(t *testing.T) {
	h, err := NewHub(0)
	if err != nil {
		t.Fatal(err)
	}
	h.Destroy()
	if err := h.Reinit(); !errors.Is(err, ErrDestroyed) {
		t.Errorf("Reinit: %v", err)
	}
	if err := h.SetSwitchInterval(0.001); !errors.Is(err, ErrDestroyed) {
		t.Errorf("SetSwitchInterval: %v", err)
	}
	if c := h.Census(); c != (Census{}) {
		t.Errorf("Census: %+v", c)
	}
	for op, f := range map[string]func(){
		"Push":         func() { h.Push() },
		"SetStackSize": func() { h.SetStackSize(1 << 16) },
		"Verify":       func() { h.Verify() },
	} {
		func() {
			defer func() {
				want := "cgo: " + op + " after the hub was destroyed"
				if got := fmt.Sprint(recover()); got != want {
					t.Errorf("got %q, want %q", got, want)
				}
			}()
			f()
		}()
	}
	h.Interrupt() // still a no-op
}

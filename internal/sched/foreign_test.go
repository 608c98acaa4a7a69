package sched

import (
	"errors"
	"strings"
	"testing"
)

// TestDoneAndCheckForeign: Done is open while the hub runs and closed once
// Run has returned; CheckForeign panics on the hub's goroutine and in its
// greenlets, and not on another goroutine. Both cores.
func TestDoneAndCheckForeign(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			h, err := New(WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			panics := func() (msg string) {
				defer func() { msg, _ = recover().(string) }()
				h.CheckForeign("hub: test")
				return ""
			}
			if m := panics(); m != "" {
				t.Errorf("CheckForeign on a foreign goroutine panicked: %q", m)
			}
			var inMain, inG string
			err = h.Run(func(main *G) error {
				select {
				case <-h.Done():
					t.Error("Done closed while the hub runs")
				default:
				}
				inMain = panics()
				g := &G{}
				g.Init(h, func(*G) { inG = panics() })
				h.Start(g)
				return main.Park() // woken by nothing: LoopExit once g has run

			})
			var le *LoopExit
			if !errors.As(err, &le) {
				t.Fatalf("Run: %v, want the LoopExit main returned", err)
			}
			for what, m := range map[string]string{"main": inMain, "a G": inG} {
				if !strings.HasPrefix(m, "hub: test: ") {
					t.Errorf("CheckForeign in %s: %q", what, m)
				}
			}
			select {
			case <-h.Done():
			default:
				t.Error("Done open after Run returned")
			}
		})
	}
}

package hub

import (
	"errors"
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	h, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var trace []string
	err = h.Run(func(main *G) error {
		for i := 0; i < 2; i++ {
			g := &G{}
			name := string(rune('1' + i))
			g.Init(h, func(g *G) {
				trace = append(trace, name+"A")
				h.Wake(g.Token())
				g.Park()
				trace = append(trace, name+"B")
			})
			h.Start(g)
		}
		main.Timer.SetWake(main.Token())
		main.Timer.Start(10 * time.Millisecond)
		if err := main.Park(); err != nil {
			return err
		}
		err := main.Park()
		if !errors.Is(err, ErrLoopExit) {
			t.Errorf("want LoopExit, got %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := trace; len(got) != 4 || got[0] != "1A" || got[1] != "2A" || got[2] != "1B" || got[3] != "2B" {
		t.Fatalf("trace %v", trace)
	}
	if c := h.Census(); c != (Census{}) {
		t.Fatalf("census %+v", c)
	}
}

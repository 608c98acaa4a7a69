package sched

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// Two raw Gs doing A; Yield; B interleave FIFO; the main G wakes on its
// timer, then gets LoopExit; nothing is left afterwards.
func TestRunTrace(t *testing.T) {
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

func panicOf(f func()) (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	f()
	return "no panic"
}

// Every misuse panics with an exact message that names the package.
func TestMisuseMessages(t *testing.T) {
	h, err := New(WithCore("go"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(WithCore("go"))
	if err != nil {
		t.Fatal(err)
	}
	ran := false
	err = h.Run(func(main *G) error {
		ran = true
		foreign := &G{}
		foreign.Init(other, func(*G) {})
		cases := map[string]func(){
			"hub: G.Init called twice":                      func() { main.Init(h, func(*G) {}) },
			"hub: G.Init with a nil hub or body":            func() { (&G{}).Init(nil, nil) },
			"hub: Start of a G of another hub":              func() { h.Start(foreign) },
			"hub: Throw of a nil error":                     func() { h.Throw(main, nil) },
			"hub: Unref without Ref":                        func() { h.Unref() },
			"hub: RunCallback of a nil function":            func() { h.RunCallback(nil) },
			"hub: Post of a nil function":                   func() { _ = h.Post(nil) },
			"hub: Waiter.Throw of a nil error":              func() { (&Waiter{}).Throw(nil) },
			`hub: RegisterCore: core "go" registered twice`: func() { RegisterCore("go", func() (Loop, error) { return nil, nil }) },
			"hub: Run called twice on one hub":              func() { _ = h.Run(func(*G) error { return nil }) },
			"hub: Timer.Start before any Set method chose its action": func() {
				var tm Timer
				tm.Init(h)
				tm.Start(time.Second)
			},
		}
		for want, f := range cases {
			if got := panicOf(f); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		}
		h.refs.Store(0)
		if got := panicOf(func() { _ = foreign.Park() }); got != "hub: Park: called from a goroutine that is not its hub's (greenlet at "+fmt.Sprintf("%p", foreign)+"): greenlets run on their hub's goroutine only; use Hub.Post to reach a hub from another goroutine" {
			t.Errorf("foreign Park: %q", got)
		}
		return nil
	})
	if err != nil || !ran {
		t.Fatalf("Run: %v (body ran: %v)", err, ran)
	}
}

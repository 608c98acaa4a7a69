//go:build cgo && !purego

package sched

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	ccore "github.com/gevent-go/gevent/cgo"
)

func cfn(b ccore.Body) CFunc { return b }

// runC runs body as the main G of a new C-core hub and checks, after Run,
// that nothing leaked: the hub's census, its C greenlets, and the
// process-wide C hubs and C greenlet structs.
func runC(t *testing.T, body func(h *Hub, main *G) error) {
	t.Helper()
	hubs0, gs0 := ccore.LiveHubs(), ccore.LiveGreenlets()
	h, err := New(WithCore("c"))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Run(func(main *G) error { return body(h, main) }); err != nil {
		t.Fatal(err)
	}
	if c := h.Census(); c != (Census{}) {
		t.Errorf("hub census after Run: %+v", c)
	}
	if n := h.CGreenlets(); n != 0 {
		t.Errorf("%d C greenlets alive after Run", n)
	}
	if ccore.LiveHubs() != hubs0 || ccore.LiveGreenlets() != gs0 {
		t.Errorf("C leak: hubs %d->%d, greenlet structs %d->%d", hubs0, ccore.LiveHubs(), gs0, ccore.LiveGreenlets())
	}
}

// A C greenlet's sleep and a Go greenlet's sleep share the loop's timer heap
// and wake in deadline order. A link runs as a callback after the timers of
// the same loop iteration, on either core, so a machine stalled for longer
// than the gap can show the later timer's action before the earlier
// greenlet's link: the order is checked when the first action came before
// the later deadline could pass.
func TestCGreenletDeadlineOrderWithGoGreenlets(t *testing.T) {
	for _, c := range []struct{ cms, gms int }{{40, 10}, {10, 40}} {
		t.Run(fmt.Sprintf("c%dms_go%dms", c.cms, c.gms), func(t *testing.T) {
			var trace []string
			var first time.Duration // when trace[0] was added
			add := func(t0 time.Time, s string) {
				if len(trace) == 0 {
					first = time.Since(t0)
				}
				trace = append(trace, s)
			}
			runC(t, func(h *Hub, main *G) error {
				t0 := time.Now()
				cg, err := h.SpawnC(cfn(ccore.BodySleep), uintptr(c.cms))
				if err != nil {
					return err
				}
				cg.Link(func(cg *CGreenlet) { add(t0, fmt.Sprintf("c%d", cg.Value())) })
				g := spawnG(h, func(g *G) {
					if err := sleepG(g, time.Duration(c.gms)*time.Millisecond); err != nil {
						t.Error(err)
					}
					add(t0, fmt.Sprintf("go%d", c.gms))
				})
				if err := cg.Wait(main); err != nil {
					return err
				}
				for !g.Dead() {
					if err := sleepG(main, time.Millisecond); err != nil {
						return err
					}
				}
				return nil
			})
			want := []string{fmt.Sprintf("c%d", c.cms), fmt.Sprintf("go%d", c.gms)}
			if c.gms < c.cms {
				want[0], want[1] = want[1], want[0]
			}
			if first >= time.Duration(max(c.cms, c.gms))*time.Millisecond {
				t.Logf("stalled (first action after %v): order not checked", first)
				slices.Sort(want)
				slices.Sort(trace)
			}
			if fmt.Sprint(trace) != fmt.Sprint(want) {
				t.Fatalf("trace %v, want %v", trace, want)
			}
		})
	}
}

func TestCGreenletOutcomes(t *testing.T) {
	runC(t, func(h *Hub, main *G) error {
		ok, _ := h.SpawnC(cfn(ccore.BodySleep), 3)
		bad, _ := h.SpawnC(cfn(ccore.BodyFail), 77)
		late, _ := h.SpawnC(cfn(ccore.BodySleepFail), 9)
		for _, c := range []*CGreenlet{ok, bad, late} {
			if err := c.Wait(main); err != nil {
				return err
			}
		}
		if !ok.Successful() || ok.Value() != 3 || ok.Err() != nil {
			t.Errorf("sleep body: %v value %d err %v", ok, ok.Value(), ok.Err())
		}
		if bad.Successful() || bad.Status() != 77 || !errors.Is(bad.Err(), CError(77)) {
			t.Errorf("fail body: %v err %v", bad, bad.Err())
		}
		if late.Status() != 9 {
			t.Errorf("sleep+fail body: %v", late)
		}
		if got := CError(-1001).Error(); got != "hub: C greenlet failed: timeout (-1001)" {
			t.Errorf("CError text %q", got)
		}
		return nil
	})
}

func TestCGreenletKill(t *testing.T) {
	runC(t, func(h *Hub, main *G) error {
		parked, _ := h.SpawnC(cfn(ccore.BodyPark), 0)
		exit, _ := h.SpawnC(cfn(ccore.BodyPark), 0)
		unstarted, _ := h.SpawnC(cfn(ccore.BodySleep), 50)
		unstarted.Kill(33) // in the same turn as its spawn: it never runs
		if err := sleepG(main, time.Millisecond); err != nil {
			return err
		}
		if parked.Dead() || exit.Dead() {
			t.Errorf("parked bodies ended before the kill")
		}
		parked.Kill(5)
		exit.Kill(0)
		for _, c := range []*CGreenlet{parked, exit, unstarted} {
			if err := c.Wait(main); err != nil {
				return err
			}
		}
		if parked.Status() != 5 || parked.Successful() {
			t.Errorf("killed with 5: %v", parked)
		}
		if exit.Status() != CExit || !exit.Successful() || exit.Err() != nil {
			t.Errorf("killed with the default code: %v", exit)
		}
		if unstarted.Status() != 33 || unstarted.Value() != 0 {
			t.Errorf("killed before start: %v value %d", unstarted, unstarted.Value())
		}
		parked.Kill(1) // dead: no-op
		return nil
	})
}

func TestCGreenletLinksFIFO(t *testing.T) {
	var trace []string
	runC(t, func(h *Hub, main *G) error {
		c, _ := h.SpawnC(cfn(ccore.BodySleep), 1)
		for i := 0; i < 3; i++ {
			c.Link(func(*CGreenlet) { trace = append(trace, fmt.Sprint("link", i)) })
		}
		if err := c.Wait(main); err != nil {
			return err
		}
		trace = append(trace, "joined")
		c.Link(func(*CGreenlet) { trace = append(trace, "late") })
		return sleepG(main, time.Millisecond)
	})
	if got := fmt.Sprint(trace); got != "[link0 link1 link2 joined late]" {
		t.Fatalf("trace %s", got)
	}
}

// A main G that waits only for a C greenlet must not get LoopExit: the C
// greenlet's timer is the loop's work.
func TestCGreenletKeepsLoopAlive(t *testing.T) {
	runC(t, func(h *Hub, main *G) error {
		c, _ := h.SpawnC(cfn(ccore.BodySleep), 20)
		start := time.Now()
		if err := c.Wait(main); err != nil {
			return err
		}
		// The C clock a C sleep counts from is refreshed only when the
		// coarse clock moved, so it may lag start by one coarse tick.
		if d := time.Since(start); d < 15*time.Millisecond {
			t.Errorf("joined after %v, before the C sleep ended", d)
		}
		return nil
	})
}

// A wait interrupted by an error delivered to the waiter returns it and
// leaves the C greenlet running.
func TestCGreenletWaitInterrupted(t *testing.T) {
	runC(t, func(h *Hub, main *G) error {
		// An hour: a stalled machine cannot end the sleep before the throw.
		c, _ := h.SpawnC(cfn(ccore.BodySleep), uintptr(time.Hour/time.Millisecond))
		boom := errors.New("boom")
		main.Timer.SetThrow(main, boom)
		main.Timer.Start(2 * time.Millisecond)
		if err := c.Wait(main); err != boom {
			t.Errorf("Wait returned %v, want the thrown error", err)
		}
		if c.Dead() {
			t.Errorf("C greenlet died with its waiter's wait")
		}
		c.Kill(0)
		return c.Wait(main)
	})
}

// C greenlets still alive when the main greenlet returns are dropped with the
// C hub, and report ErrHubDestroyed.
func TestCGreenletDroppedAtShutdown(t *testing.T) {
	var cs []*CGreenlet
	runC(t, func(h *Hub, main *G) error {
		for i := 0; i < 3; i++ {
			c, err := h.SpawnC(cfn(ccore.BodyPark), 0)
			if err != nil {
				return err
			}
			cs = append(cs, c)
		}
		return sleepG(main, time.Millisecond)
	})
	for _, c := range cs {
		if !c.Dead() || c.Err() != ErrHubDestroyed {
			t.Errorf("%v after shutdown: err %v", c, c.Err())
		}
	}
}

func TestSpawnCMisuse(t *testing.T) {
	h, err := New(WithCore("go"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.SpawnC(cfn(ccore.BodyPark), 0); err == nil || err.Error() != `hub: SpawnC: C greenlets need the C core; this hub runs core "go"` {
		t.Errorf("SpawnC on the Go core: %v", err)
	}
	runC(t, func(h *Hub, main *G) error {
		if _, err := h.SpawnC(nil, 0); err == nil {
			t.Errorf("SpawnC(nil) succeeded")
		}
		return nil
	})
}

// A C greenlet that ends during the hub's shutdown (here: in a turn that
// flushes the command array while the hub cancels its many timers) notifies
// nobody: nothing is queued after the hub's final clear.
func TestCGreenletEndingDuringShutdown(t *testing.T) {
	linked := false
	runC(t, func(h *Hub, main *G) error {
		for range cmdCapacity + cmdCapacity/2 {
			h.NewTimer(func() {}).Start(time.Hour)
		}
		c, err := h.SpawnC(cfn(ccore.BodyFail), 5)
		if err != nil {
			return err
		}
		c.Link(func(*CGreenlet) { linked = true })
		return nil
	})
	if linked {
		t.Fatal("a link ran during shutdown")
	}
}

// C and Go greenlets of one hub under GC pressure: C coroutine stacks never
// leave the hub's locked thread (the C core aborts on a switch from another
// thread), and everything ends with nothing leaked.
func TestCGreenletsUnderGCPressure(t *testing.T) {
	runC(t, func(h *Hub, main *G) error {
		var cs []*CGreenlet
		for i := range 40 {
			body, arg := ccore.BodyYield, uintptr(200)
			if i%2 == 1 {
				body, arg = ccore.BodySleep, uintptr(1+i%5)
			}
			c, err := h.SpawnC(cfn(body), arg)
			if err != nil {
				return err
			}
			cs = append(cs, c)
		}
		left := 20
		for i := range 20 {
			spawnG(h, func(g *G) {
				for j := range 10 {
					if j%3 == 0 {
						runtime.GC()
					}
					if err := sleepG(g, time.Duration(i%3)*time.Millisecond); err != nil {
						t.Error(err)
						return
					}
				}
				if left--; left == 0 {
					h.Wake(main.Token())
				}
			})
		}
		if err := main.Park(); err != nil {
			return err
		}
		for _, c := range cs {
			if err := c.Wait(main); err != nil {
				return err
			}
			if !c.Successful() {
				t.Errorf("%v failed", c)
			}
		}
		return nil
	})
}

// A main G that waits for a C greenlet parked for good (it waits for a kill
// that never comes) gets LoopExit, as it would waiting for a parked Go
// greenlet; killing it then ends it.
func TestCGreenletParkedForGoodIsLoopExit(t *testing.T) {
	runC(t, func(h *Hub, main *G) error {
		c, err := h.SpawnC(cfn(ccore.BodyPark), 0)
		if err != nil {
			return err
		}
		if err := c.Wait(main); !errors.Is(err, ErrLoopExit) {
			t.Errorf("Wait returned %v, want LoopExit", err)
		}
		c.Kill(7)
		if err := c.Wait(main); err != nil {
			return err
		}
		if c.Status() != 7 {
			t.Errorf("after the kill: %v", c)
		}
		return nil
	})
}

// Throws reach a C greenlet in the order they were issued, one per blocking
// call (gev_hub.h, "Order of throws"): two C timeouts that expire together,
// while the greenlet is queued, arrive in expiry order, and a kill from Go
// issued after them arrives last.
func TestCGreenletThrowOrder(t *testing.T) {
	runC(t, func(h *Hub, main *G) error {
		two, err := h.SpawnC(cfn(ccore.BodyThrowOrder), 2)
		if err != nil {
			return err
		}
		three, err := h.SpawnC(cfn(ccore.BodyThrowOrder), 3)
		if err != nil {
			return err
		}
		// two ends once both its timeouts reached it; three's expired in
		// the same turn and reached it in the same drain, before two's end
		// was reported: the kill comes after them.
		if err := two.Wait(main); err != nil {
			return err
		}
		three.Kill(7)
		if err := three.Wait(main); err != nil {
			return err
		}
		if two.Status() != 0 || two.Value() != 12 {
			t.Errorf("two timeouts: status %d, order %d, want 12", two.Status(), two.Value())
		}
		if three.Status() != 0 || three.Value() != 129 {
			t.Errorf("two timeouts then a kill: status %d, order %d, want 129", three.Status(), three.Value())
		}
		return nil
	})
}

// CError names the C hub's own codes as the C hub does (gev_hub_strerror),
// with no copy of its table, and shows a body's own codes as numbers.
func TestCErrorNamesFromTheCHub(t *testing.T) {
	for _, code := range []int32{ccore.ENOMEM, ccore.EINVAL, ccore.Exit, ccore.ETIMEOUT, ccore.ETIMEDOUT,
		ccore.EBLOCKING, ccore.ELOOPEXIT, ccore.ENOTFOUND, ccore.EEXIST, ccore.EBUSY, ccore.EBADF} {
		want := fmt.Sprintf("hub: C greenlet failed: %s (%d)", ccore.Strerror(code), code)
		if got := CError(code).Error(); got != want {
			t.Errorf("CError(%d) = %q, want %q", code, got, want)
		}
	}
	for _, code := range []int32{1, 77, -1, -999, -2000} {
		want := fmt.Sprintf("hub: C greenlet failed with status %d", code)
		if got := CError(code).Error(); got != want {
			t.Errorf("CError(%d) = %q, want %q", code, got, want)
		}
	}
}

// Withdraw cancels a spawn no turn has applied: the body never runs (a
// failing body would fail), the C hub never hears of it, the waiters and
// links are notified; once a turn has applied the spawn, it does nothing.
func TestCGreenletWithdraw(t *testing.T) {
	runC(t, func(h *Hub, main *G) error {
		keep, _ := h.SpawnC(cfn(ccore.BodySleep), 1)
		c, _ := h.SpawnC(cfn(ccore.BodyFail), 5)
		last, _ := h.SpawnC(cfn(ccore.BodyFail), 6)
		linked := 0
		c.Link(func(*CGreenlet) { linked++ })
		if !c.Withdraw() || !last.Withdraw() {
			t.Fatal("Withdraw of a spawn no turn applied reported false")
		}
		if !c.Dead() || !c.Successful() || c.Status() != CExit || h.CGreenlets() != 1 {
			t.Errorf("after Withdraw: %v, successful %v, %d C greenlets", c, c.Successful(), h.CGreenlets())
		}
		if c.Withdraw() || linked != 0 {
			t.Errorf("second Withdraw, or a link run synchronously (%d)", linked)
		}
		if err := keep.Wait(main); err != nil || !keep.Successful() {
			t.Errorf("the other C greenlet: %v, %v", err, keep)
		}
		if linked != 1 {
			t.Errorf("link ran %d times", linked)
		}
		late, _ := h.SpawnC(cfn(ccore.BodyPark), 0)
		if err := main.SleepFor(time.Millisecond, "test"); err != nil {
			return err
		}
		if late.Withdraw() {
			t.Error("Withdraw after the turn that applied the spawn")
		}
		late.Kill(0)
		return late.Wait(main)
	})
}

// SpawnCFor checks its arguments before anything changes: a nil or used
// CGreenlet, or no CEnded installed (this package's tests have none).
func TestSpawnCForMisuse(t *testing.T) {
	runC(t, func(h *Hub, main *G) error {
		used, err := h.SpawnC(cfn(ccore.BodyYield), 0)
		if err != nil {
			return err
		}
		for name, f := range map[string]func(){
			"nil CGreenlet":  func() { withCEnded(func() { _ = h.SpawnCFor(nil, cfn(ccore.BodyPark), 0) }) },
			"no CEnded":      func() { _ = h.SpawnCFor(&CGreenlet{}, cfn(ccore.BodyPark), 0) },
			"used CGreenlet": func() { withCEnded(func() { _ = h.SpawnCFor(used, cfn(ccore.BodyPark), 0) }) },
		} {
			func() {
				defer func() {
					if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "hub: ") {
						t.Errorf("%s: recovered %v", name, r)
					}
				}()
				f()
			}()
		}
		if err := used.Wait(main); err != nil {
			return err
		}
		if h.CGreenlets() != 0 {
			t.Errorf("%d C greenlets after refused SpawnCFor calls", h.CGreenlets())
		}
		return nil
	})
}

// withCEnded runs f with an end function installed, as package greenlet
// installs one.
func withCEnded(f func()) {
	defer func(old func(*CGreenlet)) { CEnded = old }(CEnded)
	CEnded = func(*CGreenlet) {}
	f()
}

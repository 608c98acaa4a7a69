//go:build cgo && !purego

package cgo

import (
	"runtime"
	"testing"
	"time"
)

// withHub runs f on a locked goroutine with a fresh hub and checks, after
// Destroy, that no C hub, greenlet or coroutine is left.
func withHub(t *testing.T, f func(h *Hub)) {
	t.Helper()
	hubs0, gs0 := LiveHubs(), LiveGreenlets()
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		h, err := NewHub(0)
		if err != nil {
			t.Error(err)
			return
		}
		f(h)
		h.Verify()
		h.Destroy()
		if c := ThreadCoroCensus(); c.Live != 0 {
			t.Errorf("coroutines alive after Destroy: %+v", c)
		}
	}()
	<-done
	if LiveHubs() != hubs0 || LiveGreenlets() != gs0 {
		t.Errorf("leak: hubs %d->%d, greenlets %d->%d", hubs0, LiveHubs(), gs0, LiveGreenlets())
	}
}

// turnUntil runs blocking turns until n events of kind arrived, and returns
// all events seen.
func turnUntil(t *testing.T, h *Hub, kind int32, n int) []Event {
	t.Helper()
	var all []Event
	for seen := 0; seen < n; {
		if _, err := h.Turn(1); err != nil {
			t.Fatal(err)
		}
		for _, e := range h.Events() {
			all = append(all, e)
			if e.Kind == kind {
				seen++
			}
		}
	}
	return all
}

func TestTimersFireInDeadlineOrder(t *testing.T) {
	withHub(t, func(h *Hub) {
		for i, ms := range []float64{3, 1, 2} {
			c := h.Push()
			c.Op, c.ID, c.Seconds = OpTimerStart, uint64(i), ms/1000
		}
		stop := h.Push()
		stop.Op, stop.ID = OpTimerStart, 9
		stop.Seconds = 0.001
		c := h.Push()
		c.Op, c.ID = OpTimerStop, 9
		var ids []uint64
		for _, e := range turnUntil(t, h, EvTimer, 3) {
			ids = append(ids, e.ID)
		}
		if len(ids) != 3 || ids[0] != 1 || ids[1] != 2 || ids[2] != 0 {
			t.Fatalf("fired %v, want [1 2 0] (9 was stopped)", ids)
		}
		if c := h.Census(); c != (Census{}) {
			t.Fatalf("census %+v", c)
		}
	})
}

func TestGreenletsAndKill(t *testing.T) {
	withHub(t, func(h *Hub) {
		spawn := func(id uint64, b Body, arg uintptr) {
			c := h.Push()
			c.Op, c.ID, c.Fn, c.Arg = OpSpawn, id, b, arg
		}
		// Long enough that a stalled first turn cannot see the sleep end.
		const sleepMs = 1000
		spawn(1, BodySleep, sleepMs)
		spawn(2, BodyFail, 77)
		spawn(3, BodyPark, 0)
		got := map[uint64]Event{}
		if _, err := h.Turn(0); err != nil {
			t.Fatal(err)
		}
		for _, e := range h.Events() {
			got[e.ID] = e
		}
		if h.Alive() != 2 {
			t.Fatalf("alive %d, want 2 (the failing one is done)", h.Alive())
		}
		k := h.Push()
		k.Op, k.ID, k.Code = OpKill, 3, 5
		for _, e := range turnUntil(t, h, EvGreenletDone, 2) {
			got[e.ID] = e
		}
		if e := got[1]; e.Kind != EvGreenletDone || e.Status != 0 || e.Value != sleepMs {
			t.Errorf("sleep body: %+v", e)
		}
		if e := got[2]; e.Kind != EvGreenletDone || e.Status != 77 {
			t.Errorf("fail body: %+v", e)
		}
		if e := got[3]; e.Kind != EvGreenletDone || e.Status != 5 {
			t.Errorf("killed park body: %+v", e)
		}
		if h.Alive() != 0 {
			t.Fatalf("alive %d", h.Alive())
		}
	})
}

func TestInterruptWakesBlockedTurn(t *testing.T) {
	withHub(t, func(h *Hub) {
		// The goroutine reports through posted, read before the test ends.
		posted := make(chan error, 1)
		defer func() {
			if err := <-posted; err != nil {
				t.Error(err)
			}
		}()
		go func() {
			time.Sleep(20 * time.Millisecond)
			h.Interrupt()
			posted <- h.Post(42)
		}()
		start := time.Now()
		var woke bool
		for !woke {
			if _, err := h.Turn(-1); err != nil {
				t.Fatal(err)
			}
			for _, e := range h.Events() {
				woke = woke || (e.Kind == EvWake && e.ID == 42)
			}
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("blocked turn not woken")
		}
	})
}

func TestAfterDestroy(t *testing.T) {
	h, err := NewHub(4)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if h.Push() == nil {
			t.Fatal("push failed before the array was full")
		}
	}
	if h.Push() != nil {
		t.Fatal("push beyond capacity")
	}
	h.SetNCmds(0)
	h.Destroy()
	h.Destroy()
	h.Interrupt()
	if err := h.Post(1); err != ErrDestroyed {
		t.Fatalf("Post after Destroy: %v", err)
	}
}

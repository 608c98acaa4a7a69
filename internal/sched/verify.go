package sched

import "fmt"

// WithVerify makes the hub check its invariants (verify) at every loop turn
// and panic with a "hub: verify: " message on the first violation. It is for
// tests and debugging: it costs a walk over every live G and timer per turn.
func WithVerify(on bool) Option { return func(c *config) { c.verify = on } }

// verify checks the hub's structures against each other:
//   - the live list holds exactly live Gs, each launched and not dead, with
//     consistent back links, each owning a worker that points back;
//   - every occupied timer slot holds an armed timer that knows its slot;
//     free slots are empty; refTimers counts the armed referenced timers;
//   - the idle list holds nidle workers with no G;
//   - the ring's count fits its buffer;
//   - the fd waits: n counts the active slots, each held by a parked G,
//     and free slots are empty.
func (h *Hub) verify() error {
	n := 0
	var prev *G
	for g := h.liveHead; g != nil; g = g.liveNext {
		n++
		if g.livePrev != prev {
			return fmt.Errorf("live list back link broken at %v", g)
		}
		if g.state != gRunning && g.state != gParked {
			return fmt.Errorf("live %v in state %d", g, g.state)
		}
		if g.w == nil || g.w.g != g {
			return fmt.Errorf("live %v and its worker disagree", g)
		}
		if n > h.live {
			return fmt.Errorf("live list longer than live=%d", h.live)
		}
		prev = g
	}
	if n != h.live {
		return fmt.Errorf("live list has %d Gs, live=%d", n, h.live)
	}
	refs := 0
	for slot, t := range h.timers {
		if t == nil {
			continue
		}
		if t.state != timerArmed || t.slot != uint64(slot) || t.h != h {
			return fmt.Errorf("timer slot %d holds a timer in state %d for slot %d", slot, t.state, t.slot)
		}
		if !t.unref {
			refs++
		}
	}
	for _, s := range h.freeSlots {
		if h.timers[s] != nil {
			return fmt.Errorf("free timer slot %d is occupied", s)
		}
	}
	if refs != h.refTimers {
		return fmt.Errorf("refTimers=%d, counted %d", h.refTimers, refs)
	}
	k := 0
	for w := h.idle; w != nil; w = w.idleNext {
		k++
		if w.g != nil {
			return fmt.Errorf("idle worker runs %v", w.g)
		}
	}
	if k != h.nidle {
		return fmt.Errorf("idle list has %d workers, nidle=%d", k, h.nidle)
	}
	if h.cbq.n < 0 || h.cbq.n > len(h.cbq.buf) {
		return fmt.Errorf("ring count %d outside [0,%d]", h.cbq.n, len(h.cbq.buf))
	}
	return h.io.verify()
}

func (h *Hub) mustVerify() {
	if err := h.verify(); err != nil {
		panic("hub: verify: " + err.Error())
	}
}

//go:build cgo && !purego

package greenlet_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// The differential test: random programs of spawn, spawn_later, sleep,
// yield, Timeout, join, kill (blocking or not) and links run on the Go core
// and on the C core, and must produce the same event trace.
//
// Determinism: every timed step of a program waits until its own slot on a
// grid of diffTick-wide slots counted from the program's start (an absolute
// target, so lateness does not accumulate), and no two timed steps share a
// slot. Timers of different steps are thus at least one tick apart, more
// than the cores' timer granularity (1 ms on libev). A loaded machine can
// still stall for longer than a tick; diffRun tells such a run from an
// undisturbed one, a disturbed run is repeated with a wider tick, and the
// cores are found to differ only by two undisturbed runs, whose traces are
// the program's, not the machine's (see diffCompare).
const diffTick = 4 * time.Millisecond

type diffOpKind int

const (
	opSleep     diffOpKind = iota // sleep until slot a
	opYield                       // Sleep(0)
	opTimeout                     // Timeout until slot a around a sleep until slot b
	opJoin                        // Join target with a timeout until slot a
	opKill                        // non-blocking kill of target
	opKillBlock                   // blocking kill of target, timeout until slot a
)

// diffMix weights the ops: kills end greenlets, so they are rarer, or most
// programs would be over after their first steps.
var diffMix = []diffOpKind{opSleep, opSleep, opSleep, opYield, opTimeout, opTimeout, opJoin, opJoin, opKill, opKillBlock}

type diffOp struct {
	kind   diffOpKind
	a, b   int // slots
	target int // greenlet index
}

type diffProg struct {
	later []int // per greenlet: start slot for SpawnLater, or 0 for Spawn
	ops   [][]diffOp
}

// genDiffProg draws a program of n greenlets with up to k ops each; every
// timed op gets its own slots, increasing along each greenlet.
func genDiffProg(r *rand.Rand, n, k int) diffProg {
	p := diffProg{later: make([]int, n), ops: make([][]diffOp, n)}
	need := make([]int, n)
	for i := range n {
		nops := 1 + r.IntN(k)
		for range nops {
			op := diffOp{kind: diffMix[r.IntN(len(diffMix))], target: r.IntN(n)}
			p.ops[i] = append(p.ops[i], op)
			switch op.kind {
			case opSleep, opJoin, opKillBlock:
				need[i]++
			case opTimeout:
				need[i] += 2
			}
		}
		if r.IntN(3) == 0 {
			need[i]++ // a start slot
			p.later[i] = -1
		}
	}
	total := 0
	for _, x := range need {
		total += x
	}
	perm := r.Perm(total)
	slots := make([][]int, n)
	for i := range n {
		slots[i], perm = perm[:need[i]], perm[need[i]:]
		for j := range slots[i] {
			slots[i][j]++
		}
	}
	// Which of the two slots a timeout gets decides whether it fires.
	p.assignSlots(slots, func(int) bool { return r.IntN(2) == 0 })
	return p
}

// assignSlots gives the timed steps of p their slots: slots[i] holds
// exactly the slots greenlet i needs, in any order; the greenlet takes them
// in increasing order (its start slot first if it starts later, then its
// ops'), and swap(i) says whether its next Timeout takes its two the other
// way round.
func (p *diffProg) assignSlots(slots [][]int, swap func(i int) bool) {
	for i, s := range slots {
		slices.Sort(s)
		take := func() int { v := s[0]; s = s[1:]; return v }
		if p.later[i] == -1 {
			p.later[i] = take()
		}
		for j := range p.ops[i] {
			op := &p.ops[i][j]
			switch op.kind {
			case opSleep, opJoin, opKillBlock:
				op.a = take()
			case opTimeout:
				x, y := take(), take()
				if swap(i) {
					x, y = y, x
				}
				op.a, op.b = x, y
			}
		}
	}
}

func (p diffProg) String() string {
	var b strings.Builder
	names := []string{"sleep", "yield", "timeout", "join", "kill", "killblock"}
	for i, ops := range p.ops {
		fmt.Fprintf(&b, "g%d(start %d):", i, p.later[i])
		for _, op := range ops {
			fmt.Fprintf(&b, " %s[a=%d b=%d t=g%d]", names[op.kind], op.a, op.b, op.target)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// errClass names an outcome without its core- and time-dependent text.
func errClass(err error) string {
	var to *greenlet.Timeout
	switch {
	case err == nil:
		return "nil"
	case errors.As(err, &to):
		return "timeout"
	case greenlet.IsExit(err):
		return "exit"
	}
	return "error:" + err.Error()
}

// diffAttempts bounds the runs of one program on one core: each run that a
// stalled machine disturbed is followed by one with twice the tick.
const diffAttempts = 6

// runDiffProg runs p on core until a run was not disturbed (see diffRun),
// widening the tick after each disturbed run, and returns that run's trace.
// On a machine too busy for any undisturbed run it returns the last trace,
// which may then be the machine's rather than the program's.
func runDiffProg(t *testing.T, core string, p diffProg) []string {
	t.Helper()
	tick := diffTick
	var tr []string
	var late string
	for range diffAttempts {
		if tr, late = diffRun(t, core, p, tick); late == "" {
			return tr
		}
		t.Logf("core %s, tick %v: run disturbed, %s; again with a wider tick", core, tick, late)
		tick *= 2
	}
	t.Logf("core %s: no undisturbed run; returning the last one's trace", core)
	return tr
}

// diffRun runs p on core with slots tick apart and returns its trace and,
// if the run was disturbed, why ("" if not).
//
// Each event has a slot: the slot of the timer that caused it, directly
// (a sleep, a timeout, a timed join or kill ending, a delayed start) or
// through the greenlet it came from (its next steps, a kill it sent, its
// end, which wakes its joiners and runs its links). Slot s's timer fires
// at s*tick or later; the run is undisturbed when every event of slot s
// came before slot s+1's time (less a quarter tick for the cores' clock
// conversions and timer granularity), timers fired in slot order, and a
// timed wait that ended otherwise (or a delayed start that a kill
// cancelled) ended before its timer's slot: a timer armed late, after a
// stall, cannot show itself by firing. Then nothing of slot s+1 can have
// overtaken anything of slot s, so the trace is the program's, whatever
// the machine's speed.
func diffRun(t *testing.T, core string, p diffProg, tick time.Duration) ([]string, string) {
	var tr tracer
	h, err := hub.New(hub.WithCore(core), hub.WithErrorStream(nil))
	if err != nil {
		t.Fatal(err)
	}
	n := len(p.ops)
	slot := make([]int, n)     // the slot of each greenlet's latest step
	killSlot := make([]int, n) // the latest slot a kill was sent to it in
	started := make([]bool, n)
	reached := 0 // the latest slot whose timer fired
	late := ""
	start := time.Now()
	until := func(s int) time.Duration {
		return max(time.Until(start.Add(time.Duration(s)*tick)), 0)
	}
	// ev traces an event of slot s; timer: s's timer caused it.
	ev := func(s int, timer bool, format string, a ...any) {
		tr.add(format, a...)
		at := time.Since(start)
		if late != "" {
			return
		}
		if timer {
			if s < reached {
				late = fmt.Sprintf("%q: slot %d's timer fired after slot %d's", tr.ev[len(tr.ev)-1], s, reached)
				return
			}
			reached = s
		}
		if at >= time.Duration(s+1)*tick-tick/4 {
			late = fmt.Sprintf("%q, of slot %d, came at %v", tr.ev[len(tr.ev)-1], s, at)
		}
	}
	// unfired checks that the latest event came before the slots of the
	// timers of its step that did not end it.
	unfired := func(slots ...int) {
		at := time.Since(start)
		for _, s := range slots {
			if late == "" && at >= time.Duration(s)*tick-tick/4 {
				late = fmt.Sprintf("%q came at %v, after slot %d's timer of its step was due", tr.ev[len(tr.ev)-1], at, s)
			}
		}
	}
	// unless returns slots if the step's timer did not end it.
	unless := func(timer bool, slots ...int) []int {
		if timer {
			return nil
		}
		return slots
	}
	err = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		gs := make([]*greenlet.Greenlet, n)
		// woken notes why greenlet i's wait ended: by a kill (err), by its
		// target's end (target ready) or by its own timer at slot a.
		woken := func(i int, err error, target int, a int) bool {
			switch {
			case err != nil:
				slot[i] = max(slot[i], killSlot[i])
			case target >= 0 && gs[target].Ready():
				slot[i] = max(slot[i], slot[target])
			default:
				slot[i] = a
				return true
			}
			return false
		}
		for i := range gs {
			ops := p.ops[i]
			gs[i] = greenlet.New(main, func(g *greenlet.Greenlet) (any, error) {
				started[i] = true
				slot[i] = max(p.later[i], 0)
				ev(slot[i], p.later[i] > 0, "g%d start", i)
				for _, op := range ops {
					var err error
					switch op.kind {
					case opSleep:
						err = greenlet.Sleep(g, until(op.a))
						timer := woken(i, err, -1, op.a)
						ev(slot[i], timer, "g%d slept to %d: %s", i, op.a, errClass(err))
						unfired(unless(timer, op.a)...)
					case opYield:
						err = greenlet.Sleep(g, 0)
						woken(i, err, -1, slot[i])
						ev(slot[i], false, "g%d yielded: %s", i, errClass(err))
					case opTimeout:
						to := greenlet.StartNew(g, until(op.a), nil)
						err = greenlet.Sleep(g, until(op.b))
						to.Cancel()
						if to.IsTimeout(err) {
							slot[i] = op.a
							ev(slot[i], true, "g%d own timeout at %d", i, op.a)
							unfired(op.b)
							err = nil
						} else {
							timer := woken(i, err, -1, op.b)
							ev(slot[i], timer, "g%d slept to %d before timeout: %s", i, op.b, errClass(err))
							unfired(append(unless(timer, op.b), op.a)...)
						}
					case opJoin:
						_, err = gs[op.target].JoinTimeout(g, until(op.a))
						timer := woken(i, err, op.target, op.a)
						ev(slot[i], timer, "g%d join g%d: %s ready=%v", i, op.target, errClass(err), gs[op.target].Ready())
						unfired(unless(timer, op.a)...)
					case opKill:
						killSlot[op.target] = max(killSlot[op.target], slot[i])
						gs[op.target].KillNowait()
						ev(slot[i], false, "g%d killed g%d", i, op.target)
					case opKillBlock:
						killSlot[op.target] = max(killSlot[op.target], slot[i])
						err = gs[op.target].Kill(g, greenlet.Within(until(op.a)))
						timer := woken(i, err, op.target, op.a)
						ev(slot[i], timer, "g%d kill+wait g%d: %s ready=%v", i, op.target, errClass(err), gs[op.target].Ready())
						unfired(unless(timer, op.a)...)
					}
					if err != nil {
						return nil, err
					}
				}
				return fmt.Sprintf("v%d", i), nil
			})
			gs[i].Rawlink(func(src *greenlet.Greenlet) {
				if !started[i] { // killed before it started
					slot[i] = killSlot[i]
				}
				ev(slot[i], false, "link g%d: ok=%v value=%v err=%s", i, src.Successful(), src.Value(), errClass(src.Err()))
				if !started[i] && p.later[i] > 0 {
					unfired(p.later[i])
				}
			})
		}
		for i, g := range gs {
			if p.later[i] > 0 {
				g.StartLater(until(p.later[i]))
			} else {
				g.Start()
			}
		}
		_, err := greenlet.JoinAll(main, gs)
		ev(slices.Max(slot), false, "main joined all: %s", errClass(err))
		return err
	})
	if err != nil {
		t.Fatalf("core %s: %v\nprogram:\n%s\ntrace:\n  %s", core, err, p, strings.Join(tr.ev, "\n  "))
	}
	if c := h.Census(); c != (hub.Census{}) {
		t.Fatalf("core %s: census after Run %+v", core, c)
	}
	return tr.ev, late
}

func TestDifferentialCores(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 4
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			p := genDiffProg(rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), 5, 5)
			goTr, ok := diffCompare(t, p)
			if !ok {
				t.Skipf("no undisturbed run on a core and no run where the cores agreed: machine too busy to compare\nprogram:\n%s", p)
			}
			if testing.Verbose() {
				t.Logf("program:\n%s\ntrace:\n  %s", p, strings.Join(goTr, "\n  "))
			}
		})
	}
}

// diffCompare runs p on both cores until they can be compared: it fails
// when two undisturbed runs differ (any difference is then the cores'), and
// returns the agreed trace and true as soon as two runs agree, disturbed or
// not (the cores behaved alike). Each disturbed run is followed by one with
// twice the tick on that core. It returns false if neither happened.
func diffCompare(t *testing.T, p diffProg) ([]string, bool) {
	t.Helper()
	cores := []string{"go", "c"}
	valid := map[string][]string{}
	all := map[string][][]string{}
	tick := diffTick
	for range diffAttempts {
		for _, core := range cores {
			if valid[core] != nil {
				continue
			}
			tr, late := diffRun(t, core, p, tick)
			all[core] = append(all[core], tr)
			if late == "" {
				valid[core] = tr
			} else {
				t.Logf("core %s, tick %v: run disturbed, %s", core, tick, late)
			}
		}
		if valid["go"] != nil && valid["c"] != nil {
			if !slices.Equal(valid["go"], valid["c"]) {
				t.Fatalf("traces differ\nprogram:\n%s\ngo:\n  %s\nc:\n  %s", p,
					strings.Join(valid["go"], "\n  "), strings.Join(valid["c"], "\n  "))
			}
			return valid["go"], true
		}
		for _, g := range all["go"] {
			for _, c := range all["c"] {
				if slices.Equal(g, c) {
					t.Logf("the cores agreed on a trace of a disturbed run")
					return g, true
				}
			}
		}
		tick *= 2
	}
	return nil, false
}

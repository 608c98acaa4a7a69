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
// slot. Timers of different steps are thus at least one tick apart, far more
// than the cores' timer granularity (1 ms on libev) and the scheduling noise
// of a loaded machine, so the order of events is a property of the program,
// not of the core.
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
	next := 0
	for i := range n {
		slots := make([]int, need[i])
		for j := range slots {
			slots[j] = perm[next] + 1
			next++
		}
		slices.Sort(slots)
		s := 0
		take := func() int { s++; return slots[s-1] }
		if p.later[i] == -1 {
			p.later[i] = take()
		}
		for j := range p.ops[i] {
			op := &p.ops[i][j]
			switch op.kind {
			case opSleep, opJoin, opKillBlock:
				op.a = take()
			case opTimeout:
				// Which of the two slots the timeout gets decides whether
				// it fires.
				x, y := take(), take()
				if r.IntN(2) == 0 {
					x, y = y, x
				}
				op.a, op.b = x, y
			}
		}
	}
	return p
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

// runDiffProg runs p on core and returns its trace.
func runDiffProg(t *testing.T, core string, p diffProg) []string {
	var tr tracer
	h, err := hub.New(hub.WithCore(core), hub.WithErrorStream(nil))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	until := func(slot int) time.Duration {
		return max(time.Until(start.Add(time.Duration(slot)*diffTick)), 0)
	}
	err = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		gs := make([]*greenlet.Greenlet, len(p.ops))
		for i := range gs {
			ops := p.ops[i]
			gs[i] = greenlet.New(main, func(g *greenlet.Greenlet) (any, error) {
				tr.add("g%d start", i)
				for _, op := range ops {
					var err error
					switch op.kind {
					case opSleep:
						err = greenlet.Sleep(g, until(op.a))
						tr.add("g%d slept to %d: %s", i, op.a, errClass(err))
					case opYield:
						err = greenlet.Sleep(g, 0)
						tr.add("g%d yielded: %s", i, errClass(err))
					case opTimeout:
						to := greenlet.StartNew(g, until(op.a), nil)
						err = greenlet.Sleep(g, until(op.b))
						to.Cancel()
						if to.IsTimeout(err) {
							tr.add("g%d own timeout at %d", i, op.a)
							err = nil
						} else {
							tr.add("g%d slept to %d before timeout: %s", i, op.b, errClass(err))
						}
					case opJoin:
						err = gs[op.target].Join(g, until(op.a))
						tr.add("g%d join g%d: %s ready=%v", i, op.target, errClass(err), gs[op.target].Ready())
					case opKill:
						greenlet.Kill(gs[op.target], nil)
						tr.add("g%d killed g%d", i, op.target)
					case opKillBlock:
						err = gs[op.target].Kill(g, nil, true, until(op.a))
						tr.add("g%d kill+wait g%d: %s ready=%v", i, op.target, errClass(err), gs[op.target].Ready())
					}
					if err != nil {
						return nil, err
					}
				}
				return fmt.Sprintf("v%d", i), nil
			})
			gs[i].Rawlink(func(src *greenlet.Greenlet) {
				tr.add("link g%d: ok=%v value=%v err=%s", i, src.Successful(), src.Value(), errClass(src.Err()))
			})
		}
		for i, g := range gs {
			if p.later[i] > 0 {
				g.StartLater(until(p.later[i]))
			} else {
				g.Start()
			}
		}
		_, err := greenlet.JoinAll(main, gs, greenlet.Forever, false, -1)
		tr.add("main joined all: %s", errClass(err))
		return err
	})
	if err != nil {
		t.Fatalf("core %s: %v\nprogram:\n%s\ntrace:\n  %s", core, err, p, strings.Join(tr.ev, "\n  "))
	}
	if c := h.Census(); c != (hub.Census{}) {
		t.Fatalf("core %s: census after Run %+v", core, c)
	}
	return tr.ev
}

func TestDifferentialCores(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 4
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			p := genDiffProg(rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), 5, 5)
			// A machine stalled for a whole tick can still reorder two
			// timers; such a run is retried, a real difference is not.
			var goTr, cTr []string
			for attempt := 0; attempt < 3; attempt++ {
				goTr = runDiffProg(t, "go", p)
				cTr = runDiffProg(t, "c", p)
				if slices.Equal(goTr, cTr) {
					if testing.Verbose() {
						t.Logf("program:\n%s\ntrace:\n  %s", p, strings.Join(goTr, "\n  "))
					}
					return
				}
			}
			t.Fatalf("traces differ\nprogram:\n%s\ngo:\n  %s\nc:\n  %s", p,
				strings.Join(goTr, "\n  "), strings.Join(cTr, "\n  "))
		})
	}
}

package greenlet_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// vprog is a random program for the determinism test: greenlets that sleep
// (with ties: many steps share a deadline), yield, wait under a Timeout,
// join, kill, wait for and set an Event, and put to and get from a bounded
// Queue with timeouts, some spawned later. Every step records the virtual
// time, the greenlet and its result in the trace.
type vprog struct {
	seed  uint64
	n     int
	later []time.Duration // per greenlet: SpawnLater delay, 0 for Spawn
	ops   [][]vop
}

type vop struct {
	kind   int
	d, e   time.Duration
	target int
}

const (
	vSleep = iota
	vYield
	vTimeout
	vJoin
	vKill
	vEventWait
	vEventSet
	vPut
	vGet
	vKinds
)

// vtick is the grain of the program's delays: coarse, so that deadlines
// collide and the order of timers with equal deadlines is exercised.
const vtick = time.Millisecond

func genVProg(seed uint64, n, k int) vprog {
	r := rand.New(rand.NewPCG(seed, 11))
	p := vprog{seed: seed, n: n, later: make([]time.Duration, n), ops: make([][]vop, n)}
	for i := range n {
		if r.IntN(3) == 0 {
			p.later[i] = time.Duration(r.IntN(4)) * vtick
		}
		for range 1 + r.IntN(k) {
			p.ops[i] = append(p.ops[i], vop{
				kind:   r.IntN(vKinds),
				d:      time.Duration(r.IntN(5)) * vtick,
				e:      time.Duration(r.IntN(5)) * vtick,
				target: r.IntN(n),
			})
		}
	}
	return p
}

// runVProg runs p on a new virtual-clock hub and returns its trace.
func runVProg(t testing.TB, p vprog) string {
	h, err := hub.New(hub.WithVirtualClock(), hub.WithVerify(true), hub.WithErrorStream(nil),
		hub.WithErrorHandler(func(*hub.Hub, any, error) {}))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	at := func(who, what string, a ...any) {
		fmt.Fprintf(&b, "%9d %s %s\n", h.Now(), who, fmt.Sprintf(what, a...))
	}
	err = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		ev := greenlet.NewEvent(h)
		q := greenlet.NewQueue[int](h, greenlet.MaxSize(2))
		gs := make([]*greenlet.Greenlet, p.n)
		for i := range p.n {
			who := fmt.Sprintf("g%d", i)
			body := func(g *greenlet.Greenlet) (any, error) {
				at(who, "start")
				for j, op := range p.ops[i] {
					switch op.kind {
					case vSleep:
						at(who, "sleep %v: %v", op.d, greenlet.Sleep(g, op.d))
					case vYield:
						at(who, "yield: %v", greenlet.Sleep(g, 0))
					case vTimeout:
						err := greenlet.NewSilentTimeout(op.d).Do(g, func() error { return greenlet.Sleep(g, op.e) })
						at(who, "timeout %v sleep %v: %v", op.d, op.e, err)
					case vJoin:
						if gs[op.target] != nil {
							_, err := gs[op.target].JoinTimeout(g, op.d)
							at(who, "join g%d %v: %v ready=%v", op.target, op.d, err, gs[op.target].Ready())
						}
					case vKill:
						if tg := gs[op.target]; tg != nil && tg != g {
							tg.KillNowait()
							at(who, "kill g%d", op.target)
						}
					case vEventWait:
						ok, err := ev.WaitTimeout(g, op.d)
						at(who, "event wait %v: %v %v", op.d, ok, err)
					case vEventSet:
						ev.Set()
						ev.Clear()
						at(who, "event set")
					case vPut:
						at(who, "put %d %v: %v", j, op.d, q.PutTimeout(g, j, op.d))
					case vGet:
						v, err := q.GetTimeout(g, op.d)
						at(who, "get %v: %d %v", op.d, v, err)
					}
				}
				return nil, nil
			}
			if p.later[i] > 0 {
				gs[i] = greenlet.SpawnLater(main, p.later[i], body)
			} else {
				gs[i] = greenlet.Spawn(main, body)
			}
			name := who
			gs[i].Rawlink(func(src *greenlet.Greenlet) { at(name, "ended: %v", src.Err()) })
		}
		_, err := greenlet.JoinAll(main, gs)
		at("main", "joined all: %v", err)
		return nil
	})
	if err != nil {
		t.Fatalf("seed %d: %v", p.seed, err)
	}
	return b.String()
}

// The same random program gives the same trace, byte for byte, with the
// virtual time of every event: run after run, and when many copies run at
// once on a machine whose load varies as they compete.
func TestVirtualDeterminism(t *testing.T) {
	for seed := range uint64(40) {
		p := genVProg(seed, 2+int(seed%7), 8)
		want := runVProg(t, p)
		if !strings.Contains(want, "joined all") {
			t.Fatalf("seed %d: the program did not finish:\n%s", seed, want)
		}
		got := make([]string, 4)
		var wg sync.WaitGroup
		for i := range got {
			wg.Go(func() { got[i] = runVProg(t, p) })
		}
		wg.Wait()
		got = append(got, runVProg(t, p))
		for i, g := range got {
			if g != want {
				t.Fatalf("seed %d, run %d: the trace differs\nfirst run:\n%s\nrun %d:\n%s", seed, i+2, want, i+2, g)
			}
		}
		if seed == 3 {
			t.Logf("trace of seed %d:\n%s", seed, want)
		}
	}
}

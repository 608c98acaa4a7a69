package greenlet_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/leakcheck"
)

// The storm: seeded random programs of greenlets that spawn (now, later,
// into a Group, a Pool or a Scope), kill (blocking or not, one or many),
// join, nest timeouts, link, and use an Event, a Queue and a Semaphore; on
// a core that runs C greenlets, C greenlets too. Outcomes depend on timing,
// so nothing checks an interleaving; after each program the invariants must
// hold whatever the interleaving was:
//
//   - the program finishes: some waits have no timeout (on gates that main
//     opens, and on later greenlets), so a lost wake-up ends main's wait in
//     LoopExit, or hangs it and a watchdog fails the test;
//   - a blocking call leaves no timer of cur armed, and no link beyond
//     what the program and the calls still pending account for;
//   - every greenlet has ended and holds no link; every link fired exactly
//     once when its filter matched the outcome, never after Unlink;
//   - a greenlet's blocking call returns only errors delivered to it, never
//     a timeout it cancelled (a stale throw);
//   - the queue lost no item, the semaphore and the pool have every slot
//     back, the group is empty, nothing waits on the event;
//   - the error handler saw each failed greenlet once and nothing else;
//   - the hub's census is empty, the core's own leak check holds, and the
//     goroutines are back to the count before the program.
//
// A program is a pure function of its seed (every greenlet's ops are drawn
// before the hub starts), so a failing seed replays with GEVENT_STORM_SEED.
// GEVENT_STORM=n runs n programs per core instead of the CI-sized default.

type stormKind int

const (
	skSleep        stormKind = iota // Sleep(d), d may be 0 (a yield)
	skTimeout                       // a nested block under a Timeout
	skWithTimeout                   // a nested block under WithTimeout
	skSpawn                         // start child (mode: stormSpawn*)
	skKill                          // Kill(target), no wait
	skKillBlock                     // target.Kill(cur, ..., true, d)
	skJoin                          // target.Join(cur, d)
	skGet                           // target.Get(cur, true, d)
	skJoinAll                       // JoinAll(cur, targets, d, raise, count)
	skKillAll                       // KillAll(cur, targets, ..., block, d)
	skLink                          // a link added while the program runs
	skUnlink                        // Unlink one of target's first links
	skEventSet                      // Set, sometimes Clear after
	skEventWait                     // Event.Wait(cur, d)
	skPut                           // Queue.Put(cur, v, true, d)
	skQueueGet                      // Queue.Get(cur, true, d), then TaskDone
	skQueueJoin                     // Queue.Join(cur, d)
	skAcquire                       // Acquire(cur, true, d), a nested block, Release
	skGroupJoin                     // Group.Join(cur, d, raise)
	skGroupKill                     // Group.Kill(cur, ..., block, d)
	skGroupKillone                  // Group.Killone(cur, target, ..., block, d)
	skPoolWait                      // Pool.WaitAvailable(cur, d)
	skWaitObjects                   // WaitObjects(cur, [event, semaphore, targets], d, count)
	skGateWait                      // gate Event.Wait(cur, Forever)
	skGateGet                       // gate Queue.Get(cur, true, Forever)
	skGatePut                       // gate Queue.PutNowait
	skGateAcquire                   // gate Semaphore.Acquire(cur, true, Forever)
	skGateRelease                   // gate Semaphore.Release
	skSpawnC                        // a C greenlet (C core only; mode: the C body)
	skKillC                         // kill a C greenlet, blocking (mode 1) or not
	skJoinC                         // join a C greenlet
	skResultSet                     // AsyncResult Set, or SetException (flag)
	skResultGet                     // AsyncResult.Get(cur, true, d)
	skGateResult                    // gate AsyncResult.Wait(cur, Forever)
	skIWait                         // IWait(cur, [event, result, targets], d) to the end
	skChanPut                       // Channel.Put(cur, v, true, d)
	skChanGet                       // Channel.Get(cur, true, d)
	skFail                          // the body returns a failure (last op only)
	skPanic                         // the body panics (last op only)
)

var stormNames = []string{"sleep", "timeout", "withtimeout", "spawn", "kill", "killblock", "join", "get",
	"joinall", "killall", "link", "unlink", "set", "wait", "put", "qget", "qjoin", "acquire",
	"gjoin", "gkill", "gkillone", "poolwait", "waitobjects", "gatewait", "gateget", "gateput",
	"gateacquire", "gaterelease", "spawnc", "killc", "joinc", "rset", "rget", "gateresult", "iwait", "cput", "cget", "fail", "panic"}

// stormMix weights the ops that are neither spawns nor endings.
var stormMix = []stormKind{
	skSleep, skSleep, skSleep, skTimeout, skTimeout, skWithTimeout, skKill, skKillBlock,
	skJoin, skJoin, skGet, skJoinAll, skKillAll, skLink, skUnlink, skEventSet, skEventSet,
	skEventWait, skEventWait, skPut, skPut, skQueueGet, skQueueGet, skQueueJoin, skAcquire,
	skAcquire, skGroupJoin, skGroupKill, skGroupKillone, skPoolWait, skWaitObjects,
	skGateWait, skGateGet, skGatePut, skGateAcquire, skGateRelease,
	skSpawnC, skSpawnC, skKillC, skJoinC,
	skResultSet, skResultGet, skGateResult, skIWait, skChanPut, skChanGet,
}

// The C bodies a storm program may spawn on a core that runs C greenlets.
const (
	stormCSleep     = iota // sleeps 0-2 ms, succeeds
	stormCPark             // parks until killed (main kills it when it opens the gates)
	stormCFail             // fails at once
	stormCSleepFail        // sleeps, then fails
	stormCYield            // yields a few times, succeeds
	stormCBodies
)

// stormCore is what a core brings to the storm: its name, its own leak
// check after Run, and on a core that runs C greenlets, spawnC (which
// spawns C body kind with arg) and a check run on the hub's thread once
// every greenlet has ended.
type stormCore struct {
	name     string
	leaks    func() string
	spawnC   func(on *greenlet.Greenlet, kind, arg int) (*greenlet.Greenlet, error)
	onThread func() string
}

const (
	stormSpawnStart = iota
	stormSpawnLater
	stormSpawnGroup
	stormSpawnPool
	stormSpawnScope
	stormSpawnModes
)

// Link kinds; stormLinkTo (gevent 0.13.6's link to a greenlet) kills the
// target, so it is not counted, only checked to be gone at the end.
const (
	stormRawlink = iota
	stormLinkAny
	stormLinkValue
	stormLinkException
	stormLinkTo
	stormLinkKinds
)

type stormOp struct {
	kind    stormKind
	d       time.Duration
	target  int   // a greenlet index
	targets []int // JoinAll, KillAll, WaitObjects
	mode    int   // spawn mode, link kind, a count
	flag    bool  // kill with a failure; raise; block; Clear after Set
	forever bool  // wait without a timeout (targets are all later greenlets)
	body    []stormOp
}

type stormLinkSpec struct{ kind, target int }

type stormProg struct {
	seed  uint64
	later []time.Duration // roots: -1 to Start, else StartLater's delay; others unused
	roots int
	ops   [][]stormOp
	links [][]stormLinkSpec // registered before the greenlets start
	qsize int
	semN  int
	poolN int
	gateN int // gate Acquire ops: main releases the gate semaphore that often
	// interval is the hub's switch interval: sometimes so short that a
	// long run of callbacks is cut off at its first check, leaving work
	// for the next turn.
	interval time.Duration
}

var stormDurations = []time.Duration{0, 50 * time.Microsecond, 200 * time.Microsecond,
	500 * time.Microsecond, time.Millisecond, 2 * time.Millisecond}

func genStorm(seed uint64) *stormProg {
	r := rand.New(rand.NewPCG(seed, 0x5707a5eed))
	n := 2 + r.IntN(9)
	p := &stormProg{seed: seed, roots: 1 + r.IntN(min(3, n)), qsize: r.IntN(3), semN: 1 + r.IntN(2), poolN: 1 + r.IntN(3)}
	p.interval = hub.DefaultSwitchInterval
	if r.IntN(4) == 0 {
		p.interval = time.Nanosecond
	}
	p.later = make([]time.Duration, n)
	p.ops = make([][]stormOp, n)
	p.links = make([][]stormLinkSpec, n)
	dur := func() time.Duration { return stormDurations[r.IntN(len(stormDurations))] }
	pick := func() []int {
		ts := make([]int, 1+r.IntN(3))
		for j := range ts {
			ts[j] = r.IntN(n)
		}
		return ts
	}
	var block func(depth, max int) []stormOp
	self := 0 // the greenlet whose ops are drawn
	later := func(ts ...int) bool {
		for _, t := range ts {
			if t <= self {
				return false
			}
		}
		return true
	}
	one := func(depth int) stormOp {
		op := stormOp{kind: stormMix[r.IntN(len(stormMix))], d: dur(), target: r.IntN(n), flag: r.IntN(2) == 0}
		switch op.kind {
		case skJoin, skGet, skKillBlock:
			op.forever = later(op.target) && r.IntN(2) == 0
		case skGateAcquire:
			p.gateN++
		}
		switch op.kind {
		case skTimeout, skWithTimeout, skAcquire:
			if depth >= 2 {
				op.kind = skSleep
			} else {
				op.body = block(depth+1, 3)
			}
		case skJoinAll, skKillAll, skWaitObjects, skIWait:
			op.targets = pick()
			op.mode = r.IntN(len(op.targets)+1) - 1 // count, -1: all
			op.forever = op.kind == skJoinAll && later(op.targets...) && r.IntN(2) == 0
		case skLink:
			op.mode = r.IntN(stormLinkKinds)
		case skUnlink, skKillC:
			op.mode = r.IntN(2)
		case skSpawnC:
			op.mode = r.IntN(stormCBodies)
		}
		return op
	}
	block = func(depth, max int) []stormOp {
		ops := make([]stormOp, 1+r.IntN(max))
		for j := range ops {
			ops[j] = one(depth)
		}
		return ops
	}
	for i := range n {
		self = i
		p.ops[i] = block(0, 5)
		if x := r.IntN(10); x == 0 {
			p.ops[i] = append(p.ops[i], stormOp{kind: skFail})
		} else if x == 1 {
			p.ops[i] = append(p.ops[i], stormOp{kind: skPanic})
		}
		for range r.IntN(3) {
			p.links[i] = append(p.links[i], stormLinkSpec{kind: r.IntN(stormLinkKinds), target: r.IntN(n)})
		}
		p.later[i] = -1
		if i < p.roots && r.IntN(3) == 0 {
			p.later[i] = dur()
		}
	}
	// Every other greenlet is started by one spawn op of an earlier one.
	for i := p.roots; i < n; i++ {
		parent := r.IntN(i)
		op := stormOp{kind: skSpawn, target: i, mode: r.IntN(stormSpawnModes), d: dur(), flag: r.IntN(2) == 0}
		if op.mode == stormSpawnScope {
			self = parent
			op.body = block(1, 3)
		}
		at := r.IntN(len(p.ops[parent]) + 1)
		if at == len(p.ops[parent]) && at > 0 && (p.ops[parent][at-1].kind == skFail || p.ops[parent][at-1].kind == skPanic) {
			at--
		}
		p.ops[parent] = append(p.ops[parent][:at], append([]stormOp{op}, p.ops[parent][at:]...)...)
	}
	return p
}

func (p *stormProg) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d: queue %d, semaphore %d, pool %d, switch interval %v\n", p.seed, p.qsize, p.semN, p.poolN, p.interval)
	var block func(ops []stormOp, indent string)
	block = func(ops []stormOp, indent string) {
		for _, op := range ops {
			d := fmt.Sprint(op.d)
			if op.forever {
				d = "forever"
			}
			fmt.Fprintf(&b, "%s%s d=%s t=g%d ts=%v mode=%d flag=%v\n", indent, stormNames[op.kind], d, op.target, op.targets, op.mode, op.flag)
			block(op.body, indent+"  ")
		}
	}
	for i, ops := range p.ops {
		start := "spawned"
		if i < p.roots {
			start = "root, start " + fmt.Sprint(p.later[i])
		}
		fmt.Fprintf(&b, "g%d (%s) links %v:\n", i, start, p.links[i])
		block(ops, "  ")
	}
	return b.String()
}

// stormKillErr is a kill that makes its victim fail; stormFailErr a body's
// own failure.
type stormKillErr struct{}

func (*stormKillErr) Error() string { return "storm kill" }

type stormResultErr struct{}

func (*stormResultErr) Error() string { return "storm result failure" }

type stormFailErr struct{}

func (*stormFailErr) Error() string { return "storm failure" }

type stormLink struct {
	g     int
	kind  int
	id    greenlet.LinkID
	fired int
	gone  bool // Unlink reported it registered: it must never fire
	late  bool // fired before its greenlet was ready, or with another source
}

// stormRun is one program's run on one hub. Only the hub's goroutine
// touches it until Run returns.
type stormRun struct {
	p        *stormProg
	core     stormCore
	gs       []*greenlet.Greenlet
	idx      map[*greenlet.Greenlet]int
	ev       *greenlet.Event
	q        *greenlet.Queue[int]
	sem      *greenlet.Semaphore
	grp      *greenlet.Group
	pool     *greenlet.Pool
	gateEv   *greenlet.Event
	gateQ    *greenlet.Queue[int]
	gateSem  *greenlet.Semaphore
	ar       *greenlet.AsyncResult
	gateAR   *greenlet.AsyncResult
	ch       *greenlet.Channel[int]
	chPuts   int // Channel.Put returned nil: delivered
	chPutErr int // Channel.Put returned a delivered error: maybe delivered
	chGets   int
	gated    bool // main opened the gates
	gatePuts int
	gateGets int
	gateRels int // releases by the program's ops, then by main
	gateAcqs int
	links    []*stormLink
	first    [][]*stormLink // the links registered before the start, for Unlink
	thrown   map[error]bool // errors Scope killed a child with
	puts     int
	gets     int
	stats    stormStats
	waits    [][]int // per greenlet: the greenlets its pending calls may link to
	gwaits   []int   // per greenlet: its pending Group calls, which link to members
	problems []string
	handled  []handled
}

func (r *stormRun) problem(format string, a ...any) {
	if len(r.problems) < 20 {
		r.problems = append(r.problems, fmt.Sprintf(format, a...))
	}
}

func (r *stormRun) kerr(fail bool) error {
	if fail {
		return &stormKillErr{}
	}
	return nil
}

// kopts is kerr as the options of a kill: with fail a WithError, plus
// extra.
func (r *stormRun) kopts(fail bool, extra ...greenlet.WaitOption) []greenlet.WaitOption {
	if fail {
		return append(extra, greenlet.WithError(r.kerr(fail)))
	}
	return extra
}

func (r *stormRun) addLink(i int, spec stormLinkSpec) *stormLink {
	l := &stormLink{g: i, kind: spec.kind}
	g := r.gs[i]
	fire := func(src *greenlet.Greenlet) {
		l.fired++
		if src != g || !src.Ready() {
			l.late = true
		}
	}
	cb := func(cur, src *greenlet.Greenlet) error {
		fire(src)
		// A link greenlet may block like any other.
		return greenlet.Sleep(cur, 0)
	}
	switch spec.kind {
	case stormRawlink:
		l.id = g.Rawlink(fire)
	case stormLinkAny:
		l.id = g.Link(cb)
	case stormLinkValue:
		l.id = g.LinkValue(cb)
	case stormLinkException:
		l.id = g.LinkException(cb)
	case stormLinkTo:
		l.id = g.LinkTo(r.gs[spec.target], greenlet.OnAny)
	}
	r.links = append(r.links, l)
	return l
}

// stormG runs one greenlet's ops.
type stormG struct {
	r    *stormRun
	g    *greenlet.Greenlet
	i    int
	tos  []*greenlet.Timeout
	anon int // inside WithTimeout, whose timeout we cannot name
}

// failureOf reports whether err is the recorded failure of a greenlet of
// the program: the own result of a Get, JoinAll or Group.Join.
func (x *stormG) failureOf(err error) bool {
	for _, g := range x.r.gs {
		if g.Ready() && g.Err() == err {
			return true
		}
	}
	return false
}

// delivered checks an error that only a delivery to cur can explain and
// returns it.
func (x *stormG) delivered(err error, op stormOp) error {
	if err == nil {
		return nil
	}
	var to *greenlet.Timeout
	var pe *hub.PanicError
	var ke *stormKillErr
	var fe *stormFailErr
	switch {
	case greenlet.IsExit(err), errors.Is(err, greenlet.LinkedExited), errors.As(err, &ke):
	case errors.As(err, &fe), errors.As(err, &pe): // from a Scope that failed or panicked
		if !x.r.thrown[err] {
			x.r.problem("g%d %s: %v delivered but never thrown", x.i, stormNames[op.kind], err)
		}
	case errors.As(err, &to):
		if x.anon == 0 && !x.r.thrown[err] && !x.ownTimeout(err) {
			x.r.problem("g%d %s: a timeout that is not armed for it was delivered: %v", x.i, stormNames[op.kind], err)
		}
	default:
		x.r.problem("g%d %s: unexpected error %T %v", x.i, stormNames[op.kind], err, err)
	}
	return err
}

func (x *stormG) ownTimeout(err error) bool {
	for _, t := range x.tos {
		if t.IsTimeout(err) {
			return true
		}
	}
	return false
}

// result sorts out an error that may be the op's own result (own is true
// for those) from a delivery.
func (x *stormG) result(err error, own bool, op stormOp) error {
	if err == nil || own {
		return nil
	}
	return x.delivered(err, op)
}

// isOwnTimeoutResult reports whether err is the *Timeout an op returns as
// its own result (Get, KillAll, WithTimeout): not one armed by cur, not one
// a Scope killed with.
func (x *stormG) isOwnTimeoutResult(err error) bool {
	var to *greenlet.Timeout
	return errors.As(err, &to) && !x.ownTimeout(err) && !x.r.thrown[err]
}

func (x *stormG) block(ops []stormOp) error {
	for _, op := range ops {
		err := x.op(op)
		// Every blocking call stops the timer it armed for cur, on every
		// way out: a timer left armed wakes a later wait of cur early or
		// keeps the hub alive.
		if x.g.Raw().Timer.Active() {
			x.r.problem("g%d: %s returned (%v) with cur's timer armed", x.i, stormNames[op.kind], err)
		}
		x.r.checkLinks(x.i, op)
		if err != nil {
			return err
		}
	}
	return nil
}

// wait notes the greenlets that cur's call now starting may link to (and
// whether it links to group members); the returned function ends it.
func (x *stormG) wait(ts []int, group bool) func() {
	r := x.r
	n := len(r.waits[x.i])
	r.waits[x.i] = append(r.waits[x.i], ts...)
	if group {
		r.gwaits[x.i]++
	}
	return func() {
		r.waits[x.i] = r.waits[x.i][:n]
		if group {
			r.gwaits[x.i]--
		}
	}
}

// checkLinks bounds the links of every greenlet that has not finished: the
// program's own links, group and pool membership, and one per pending call
// that may wait on it. A blocking call that leaves its link behind when it
// returns early (killed, timed out) exceeds the bound.
func (r *stormRun) checkLinks(i int, op stormOp) {
	for t, g := range r.gs {
		if g.Ready() {
			continue
		}
		bound := 0
		for _, l := range r.links {
			if l.g == t && !l.gone {
				bound++
			}
		}
		if r.grp.Contains(g) {
			bound++
		}
		if r.pool.Contains(g) {
			bound++
		}
		for j := range r.waits {
			for _, w := range r.waits[j] {
				if w == t {
					bound++
				}
			}
			bound += r.gwaits[j]
		}
		if n := g.HasLinks(); n > bound {
			r.problem("after g%d's %s: g%d holds %d links, at most %d accounted for", i, stormNames[op.kind], t, n, bound)
		}
	}
}

func (x *stormG) targets(ts []int) []*greenlet.Greenlet {
	gs := make([]*greenlet.Greenlet, len(ts))
	for j, t := range ts {
		gs[j] = x.r.gs[t]
	}
	return gs
}

func (x *stormG) op(op stormOp) error {
	r, g := x.r, x.g
	r.stats.ops++
	target := r.gs[op.target]
	if op.forever {
		op.d = greenlet.Forever
	}
	switch op.kind {
	case skSleep:
		return x.delivered(greenlet.Sleep(g, op.d), op)
	case skTimeout:
		var to *greenlet.Timeout
		if op.flag {
			to = greenlet.StartNew(g, op.d, nil)
		} else {
			to = greenlet.NewTimeout(op.d, &stormKillErr{})
			to.Start(g)
		}
		x.tos = append(x.tos, to)
		err := x.block(op.body)
		to.Cancel()
		x.tos = x.tos[:len(x.tos)-1]
		if to.IsTimeout(err) {
			return nil
		}
		return err
	case skWithTimeout:
		x.anon++
		_, err := greenlet.WithTimeout(g, op.d, func() (int, error) { return 0, x.block(op.body) })
		x.anon--
		if x.isOwnTimeoutResult(err) {
			return nil
		}
		return err
	case skSpawn:
		switch op.mode {
		case stormSpawnStart:
			target.Start()
		case stormSpawnLater:
			target.StartLater(op.d)
		case stormSpawnGroup:
			r.grp.Add(target)
			target.Start()
		case stormSpawnPool:
			_, err := r.pool.StartTimeout(g, target, op.d)
			return x.delivered(err, op)
		case stormSpawnScope:
			target.Start()
			defer x.wait([]int{op.target}, false)()
			var inner error
			err := target.Scope(g, func() error {
				inner = x.block(op.body)
				if inner != nil {
					r.thrown[inner] = true
				}
				return inner
			})
			if err == inner {
				return err // already checked where it was returned
			}
			return x.delivered(err, op)
		}
	case skKill:
		fresh := !target.Started() && !target.Ready()
		target.KillNowait(r.kopts(op.flag)...)
		if fresh && !target.Ready() {
			r.problem("g%d: Kill of the new g%d left it without an outcome", x.i, op.target)
		}
	case skKillBlock:
		defer x.wait([]int{op.target}, false)()
		return x.delivered(target.Kill(g, r.kopts(op.flag, greenlet.Within(op.d))...), op)
	case skJoin:
		defer x.wait([]int{op.target}, false)()
		_, err := target.JoinTimeout(g, op.d)
		return x.delivered(err, op)
	case skGet:
		defer x.wait([]int{op.target}, false)()
		_, err := target.GetTimeout(g, op.d)
		return x.result(err, (target.Ready() && err == target.Err()) || x.isOwnTimeoutResult(err), op)
	case skJoinAll:
		defer x.wait(op.targets, false)()
		opts := []greenlet.WaitOption{greenlet.Within(op.d)}
		if op.flag {
			opts = append(opts, greenlet.StopOnError())
		}
		if op.mode == 0 {
			return nil // count 0: nothing to wait for (Count takes n >= 1)
		}
		if op.mode >= 1 {
			opts = append(opts, greenlet.Count(op.mode))
		}
		_, err := greenlet.JoinAll(g, x.targets(op.targets), opts...)
		return x.result(err, op.flag && x.failureOf(err), op)
	case skKillAll:
		defer x.wait(op.targets, false)()
		block := op.mode != -1
		if !block {
			greenlet.KillAllNowait(x.targets(op.targets), r.kopts(op.flag)...)
			return nil
		}
		err := greenlet.KillAll(g, x.targets(op.targets), r.kopts(op.flag, greenlet.Within(op.d))...)
		return x.result(err, block && x.isOwnTimeoutResult(err), op)
	case skLink:
		r.addLink(op.target, stormLinkSpec{kind: op.mode, target: x.i})
	case skUnlink:
		if ls := r.first[op.target]; op.mode < len(ls) {
			l := ls[op.mode]
			if r.gs[op.target].Unlink(l.id) {
				if l.fired != 0 {
					r.problem("g%d: Unlink of a link that fired reported it registered", x.i)
				}
				l.gone = true
			}
		}
	case skEventSet:
		r.ev.Set()
		if op.flag {
			r.ev.Clear()
		}
	case skEventWait:
		_, err := r.ev.WaitTimeout(g, op.d)
		return x.delivered(err, op)
	case skPut:
		err := r.q.PutTimeout(g, x.i, op.d)
		if err == nil {
			r.puts++
		}
		return x.result(err, errors.Is(err, greenlet.ErrFull), op)
	case skQueueGet:
		_, err := r.q.GetTimeout(g, op.d)
		if err == nil {
			r.gets++
			if e := r.q.TaskDone(); e != nil {
				r.problem("g%d: TaskDone after a Get: %v", x.i, e)
			}
		}
		return x.result(err, errors.Is(err, greenlet.ErrEmpty), op)
	case skQueueJoin:
		_, err := r.q.JoinTimeout(g, op.d)
		return x.delivered(err, op)
	case skAcquire:
		ok, err := r.sem.AcquireTimeout(g, op.d)
		if err != nil || !ok {
			return x.delivered(err, op)
		}
		err = x.block(op.body)
		r.sem.Release()
		return err
	case skGroupJoin:
		defer x.wait(nil, true)()
		opts := []greenlet.WaitOption{greenlet.Within(op.d)}
		if op.flag {
			opts = append(opts, greenlet.StopOnError())
		}
		_, err := r.grp.Join(g, opts...)
		return x.result(err, op.flag && x.failureOf(err), op)
	case skGroupKill:
		defer x.wait(nil, true)()
		return x.delivered(r.grp.Kill(g, r.kopts(op.flag, greenlet.Within(op.d))...), op)
	case skGroupKillone:
		defer x.wait([]int{op.target}, true)()
		return x.delivered(target.Kill(g, r.kopts(op.flag, greenlet.Within(op.d))...), op)
	case skPoolWait:
		_, err := r.pool.WaitAvailableTimeout(g, op.d)
		return x.delivered(err, op)
	case skWaitObjects:
		defer x.wait(op.targets, false)()
		objs := []greenlet.Waitable{r.ev, r.sem}
		for _, t := range x.targets(op.targets) {
			objs = append(objs, t)
		}
		opts := []greenlet.WaitOption{greenlet.Within(op.d)}
		if op.mode == 0 {
			return nil // count 0: nothing to wait for (Count takes n >= 1)
		}
		if op.mode >= 1 {
			opts = append(opts, greenlet.Count(op.mode))
		}
		_, err := greenlet.WaitObjects(g, objs, opts...)
		return x.delivered(err, op)
	case skGateWait:
		err := r.gateEv.Wait(g)
		return x.delivered(err, op)
	case skGateGet:
		_, err := r.gateQ.Get(g)
		if err == nil {
			r.gateGets++
		} else if errors.Is(err, greenlet.ErrShutDown) && !r.gated {
			r.problem("g%d: gate Get: %v before the gate opened", x.i, err)
		}
		return x.result(err, errors.Is(err, greenlet.ErrShutDown), op)
	case skGatePut:
		if err := r.gateQ.PutNowait(x.i); err == nil {
			r.gatePuts++
		} else if !errors.Is(err, greenlet.ErrShutDown) || !r.gated {
			r.problem("g%d: gate PutNowait on an unbounded queue: %v", x.i, err)
		}
	case skGateAcquire:
		err := r.gateSem.Acquire(g)
		if err == nil {
			r.gateAcqs++
		}
		return x.delivered(err, op)
	case skGateRelease:
		r.gateSem.Release()
		r.gateRels++
	case skSpawnC:
		if r.core.spawnC == nil {
			return nil
		}
		arg := op.target % 3 // ms, yields
		if op.mode == stormCFail || op.mode == stormCSleepFail {
			arg = 1 + op.target
		}
		w, err := r.core.spawnC(g, op.mode, arg)
		if err != nil {
			r.problem("g%d: SpawnC: %v", x.i, err)
			return nil
		}
		if r.gated && op.mode == stormCPark {
			w.KillNowait() // main killed the parked ones already
		}
		r.idx[w] = len(r.gs)
		r.gs = append(r.gs, w)
		kind := stormRawlink
		if op.flag {
			kind = stormLinkAny
		}
		r.addLink(len(r.gs)-1, stormLinkSpec{kind: kind})
	case skKillC, skJoinC:
		n := len(r.p.ops)
		if len(r.gs) == n {
			return nil // no C greenlet yet, or a core without them
		}
		j := n + op.target%(len(r.gs)-n)
		w := r.gs[j]
		if op.kind == skKillC && op.mode == 0 {
			w.KillNowait(r.kopts(op.flag)...)
			return nil
		}
		defer x.wait([]int{j}, false)()
		if op.kind == skJoinC {
			_, err := w.JoinTimeout(g, op.d)
			return x.delivered(err, op)
		}
		return x.delivered(w.Kill(g, r.kopts(op.flag, greenlet.Within(op.d))...), op)
	case skResultSet:
		if op.flag {
			r.ar.SetException(&stormResultErr{})
		} else {
			r.ar.Set(x.i)
		}
	case skResultGet:
		_, err := r.ar.GetTimeout(g, op.d)
		return x.result(err, (err != nil && err == r.ar.Err()) || x.isOwnTimeoutResult(err), op)
	case skGateResult:
		v, err := r.gateAR.Wait(g)
		if err == nil && v != "open" {
			r.problem("g%d: gate AsyncResult.Wait without a timeout returned %v", x.i, v)
		}
		return x.delivered(err, op)
	case skIWait:
		defer x.wait(op.targets, false)()
		objs := []greenlet.Waitable{r.ev, r.ar}
		for _, t := range x.targets(op.targets) {
			objs = append(objs, t)
		}
		it := greenlet.IWait(g, objs, greenlet.Within(op.d))
		for it.Next(g) {
			// The event may have been cleared since it was set (it is
			// yielded all the same, as Wait returns true); the others
			// stay ready.
			if o := it.Value(); o != greenlet.Waitable(r.ev) && !o.Ready() {
				r.problem("g%d: IWait yielded %v, which is not ready", x.i, o)
			}
		}
		it.Close()
		return x.delivered(it.Err(), op)
	case skChanPut:
		err := r.ch.PutTimeout(g, x.i, op.d)
		switch {
		case err == nil:
			r.chPuts++
		case errors.Is(err, greenlet.ErrFull):
		default:
			r.chPutErr++
		}
		return x.result(err, errors.Is(err, greenlet.ErrFull), op)
	case skChanGet:
		_, err := r.ch.GetTimeout(g, op.d)
		if err == nil {
			r.chGets++
		}
		return x.result(err, errors.Is(err, greenlet.ErrEmpty), op)
	case skFail:
		return &stormFailErr{}
	case skPanic:
		panic("storm panic")
	}
	return nil
}

// body is greenlet i's body.
func (r *stormRun) body(i int) greenlet.Func {
	return func(g *greenlet.Greenlet) (any, error) {
		x := &stormG{r: r, g: g, i: i}
		r.stats.ran++
		if err := x.block(r.p.ops[i]); err != nil {
			return nil, err
		}
		return i, nil
	}
}

// main is the main greenlet: it starts the roots, waits until no greenlet
// can run any more, ends those never started, drains the hub and checks
// what the hub's objects hold.
func (r *stormRun) main(main *greenlet.Greenlet) error {
	h := main.Hub()
	p := r.p
	r.ev = greenlet.NewEvent(h)
	var qopts []greenlet.QueueOption
	if p.qsize > 0 {
		qopts = append(qopts, greenlet.MaxSize(p.qsize))
	}
	r.q = greenlet.NewQueue[int](h, qopts...)
	r.sem = greenlet.NewBoundedSemaphore(h, p.semN)
	r.grp = greenlet.NewGroup(h)
	r.pool = greenlet.NewPool(h, p.poolN)
	r.gateEv = greenlet.NewEvent(h)
	r.gateQ = greenlet.NewQueue[int](h)
	r.gateSem = greenlet.NewSemaphore(h, 0)
	r.ar = greenlet.NewAsyncResult(h)
	r.gateAR = greenlet.NewAsyncResult(h)
	r.ch = greenlet.NewChannel[int](h)
	r.gs = make([]*greenlet.Greenlet, len(p.ops))
	r.idx = map[*greenlet.Greenlet]int{}
	r.waits = make([][]int, len(p.ops)+1) // the last for main
	r.gwaits = make([]int, len(p.ops)+1)
	r.thrown = map[error]bool{}
	for i := range r.gs {
		r.gs[i] = greenlet.New(main, r.body(i))
		r.idx[r.gs[i]] = i
	}
	r.first = make([][]*stormLink, len(r.gs))
	for i, specs := range p.links {
		for _, spec := range specs {
			r.first[i] = append(r.first[i], r.addLink(i, spec))
		}
	}
	for i := range p.roots {
		if p.later[i] < 0 {
			r.gs[i].Start()
		} else {
			r.gs[i].StartLater(p.later[i])
		}
	}
	// Some waits have no timeout; what ends them is the gates, which main
	// opens once the program had some time (when does not matter), and
	// the end of the greenlets never started, which main kills after.
	// From then on every wait can end, so a wait that does not is a lost
	// wake-up: main's JoinAll then ends in LoopExit or the watchdog fires.
	stage := 0
	mainSlot := len(p.ops)
	for {
		var pending []*greenlet.Greenlet
		r.waits[mainSlot] = r.waits[mainSlot][:0]
		for i, g := range r.gs {
			if g.Started() {
				pending = append(pending, g)
				r.waits[mainSlot] = append(r.waits[mainSlot], i)
			}
		}
		if len(pending) == 0 && stage > 0 {
			break
		}
		d := greenlet.Forever
		if stage < 2 {
			d = stormGateDelay
		}
		done, err := greenlet.JoinAll(main, pending, greenlet.Within(d))
		if err != nil {
			return fmt.Errorf("main's JoinAll (stage %d): %w", stage, err)
		}
		switch {
		case len(done) == len(pending) && stage > 0:
		case stage == 0:
			r.gated = true
			r.gateEv.Set()
			r.gateQ.Shutdown()
			for range p.gateN {
				r.gateSem.Release()
			}
			r.gateRels += p.gateN
			r.gateAR.Set("open")
			for _, w := range r.gs[len(p.ops):] {
				w.KillNowait() // the C greenlets parked until killed
			}
			stage++
		case stage == 1:
			for _, g := range r.gs {
				if !g.Started() && !g.Ready() {
					g.KillNowait()
				}
			}
			stage++
		}
	}
	for _, g := range r.gs {
		g.KillNowait() // the never started: they end without running
	}
	if err := greenlet.Wait(main); err != nil {
		return fmt.Errorf("main's Wait: %v", err)
	}
	for i, g := range r.gs {
		if !g.Ready() || !g.Dead() {
			r.problem("g%d has not ended (ready %v, dead %v)", i, g.Ready(), g.Dead())
		}
		if n := g.HasLinks(); n != 0 {
			r.problem("g%d still holds %d links", i, n)
		}
	}
	for _, l := range r.links {
		g := r.gs[l.g]
		want := 1
		switch {
		case l.gone:
			want = 0
		case l.kind == stormLinkValue && !g.Successful(), l.kind == stormLinkException && g.Successful():
			want = 0
		case l.kind == stormLinkTo:
			continue
		}
		if l.fired != want || l.late {
			r.problem("link kind %d of g%d (successful %v, unlinked %v) fired %d times, want %d (before the end or with another source: %v)",
				l.kind, l.g, g.Successful(), l.gone, l.fired, want, l.late)
		}
	}
	if r.puts != r.gets+r.q.Len() || r.q.Unfinished() != r.q.Len() {
		r.problem("queue: %d puts, %d gets, %d left, %d unfinished", r.puts, r.gets, r.q.Len(), r.q.Unfinished())
	}
	if c := r.sem.Counter(); c != p.semN || r.sem.LinkCount() != 0 {
		r.problem("semaphore: counter %d of %d, %d links", c, p.semN, r.sem.LinkCount())
	}
	if r.gatePuts != r.gateGets+r.gateQ.Len() {
		r.problem("gate queue: %d puts, %d gets, %d left", r.gatePuts, r.gateGets, r.gateQ.Len())
	}
	if c := r.gateSem.Counter(); c != r.gateRels-r.gateAcqs || r.gateSem.LinkCount() != 0 {
		r.problem("gate semaphore: counter %d after %d releases and %d acquires, %d links", c, r.gateRels, r.gateAcqs, r.gateSem.LinkCount())
	}
	if n := r.gateEv.LinkCount(); n != 0 {
		r.problem("gate event: %d waiters or links left", n)
	}
	if r.chGets < r.chPuts || r.chGets > r.chPuts+r.chPutErr {
		r.problem("channel: %d gets for %d delivered puts and %d interrupted", r.chGets, r.chPuts, r.chPutErr)
	}
	if n := r.ar.LinkCount() + r.gateAR.LinkCount(); n != 0 {
		r.problem("async results: %d waiters or links left", n)
	}
	if r.pool.FreeCount() != r.pool.Size() {
		r.problem("pool: %d free of %d", r.pool.FreeCount(), r.pool.Size())
	}
	if r.grp.Len() != 0 {
		r.problem("group: %d members left", r.grp.Len())
	}
	if n := r.ev.LinkCount(); n != 0 {
		r.problem("event: %d waiters or links left", n)
	}
	if r.core.onThread != nil {
		if s := r.core.onThread(); s != "" {
			r.problem("%s", s)
		}
	}
	return nil
}

// checkHandled compares what reached the error handler with the failures:
// each failed greenlet once, nothing else.
func (r *stormRun) checkHandled() {
	seen := map[int]int{}
	for _, e := range r.handled {
		g, ok := e.ctx.(*greenlet.Greenlet)
		i, mine := r.idx[g]
		if !ok || !mine || g.Err() != e.err {
			r.problem("unexpected report to the error handler: %v: %v", e.ctx, e.err)
			continue
		}
		seen[i]++
	}
	for i, g := range r.gs {
		want := 0
		if g.Err() != nil {
			want = 1
		}
		if seen[i] != want {
			r.problem("g%d (err %v) reported %d times", i, g.Err(), seen[i])
		}
	}
}

// stormGateDelay is how long main lets a program run before it opens the
// gates, and then before it ends the greenlets never started. Any value
// is correct; a short one keeps the storm fast.
const stormGateDelay = 2 * time.Millisecond

// stormWatchdog bounds one program; a program's timers add up to
// milliseconds, so only a lost wake-up (or a frozen machine) reaches it.
const stormWatchdog = 60 * time.Second

// runStormProg runs p on core and returns what went wrong ("" if nothing).
func runStormProg(core stormCore, p *stormProg) (string, stormStats) {
	r := &stormRun{p: p, core: core}
	base := runtime.NumGoroutine()
	h, err := hub.New(hub.WithCore(core.name), hub.WithVerify(true), hub.WithErrorStream(nil),
		hub.WithSwitchInterval(p.interval),
		hub.WithErrorHandler(func(_ *hub.Hub, ctx any, err error) {
			r.handled = append(r.handled, handled{ctx, err})
		}))
	if err != nil {
		return err.Error(), r.stats
	}
	done := make(chan error, 1)
	go func() { done <- greenlet.RunOn(h, r.main) }()
	select {
	case err = <-done:
	case <-time.After(stormWatchdog):
		buf := make([]byte, 1<<20)
		return fmt.Sprintf("did not finish within %v: a lost wake-up?\n%s", stormWatchdog, buf[:runtime.Stack(buf, true)]), r.stats
	}
	if err != nil {
		r.problem("Run: %v", err)
	}
	r.checkHandled()
	if c := h.Census(); c != (hub.Census{}) {
		r.problem("census after Run: %+v", c)
	}
	for i, g := range r.gs {
		if !g.Dead() {
			r.problem("g%d not dead after Run", i)
		}
	}
	if n, dump := leakcheck.Settle(base, 5*time.Second); dump != nil {
		r.problem("%d goroutines, %d before the program", n, base)
	}
	if n := h.CGreenlets(); n != 0 {
		r.problem("%d C greenlets alive after Run", n)
	}
	if core.leaks != nil {
		if s := core.leaks(); s != "" {
			r.problem("%s", s)
		}
	}
	r.stats.greenlets = len(r.gs)
	for _, g := range r.gs {
		if g.Err() != nil {
			r.stats.failed++
		}
	}
	return strings.Join(r.problems, "\n"), r.stats
}

// stormStats shows that the programs do something: greenlets made, bodies
// run, ops run, greenlets that ended in failure.
type stormStats struct{ greenlets, ran, ops, failed int }

func (a *stormStats) add(b stormStats) {
	a.greenlets += b.greenlets
	a.ran += b.ran
	a.ops += b.ops
	a.failed += b.failed
}

// stormSize is the number of programs per core: GEVENT_STORM, else a CI
// size.
func stormSize(t *testing.T) int {
	if s := os.Getenv("GEVENT_STORM"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			t.Fatalf("GEVENT_STORM=%q: want a number of programs", s)
		}
		return n
	}
	if testing.Short() {
		return 100
	}
	return 300
}

// runStorm runs the storm on core: the seeds 0..n-1, or the one seed
// GEVENT_STORM_SEED names (its program is then logged).
func runStorm(t *testing.T, core stormCore) {
	seeds := []uint64{}
	if s := os.Getenv("GEVENT_STORM_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("GEVENT_STORM_SEED=%q: want a seed", s)
		}
		seeds = append(seeds, seed)
		t.Logf("program:\n%s", genStorm(seed))
	} else {
		for seed := range stormSize(t) {
			seeds = append(seeds, uint64(seed))
		}
	}
	start := time.Now()
	failures := 0
	var total stormStats
	for _, seed := range seeds {
		p := genStorm(seed)
		msg, st := runStormProg(core, p)
		total.add(st)
		if msg != "" {
			failures++
			if failures <= 5 {
				t.Errorf("core %s, seed %d (replay: GEVENT_STORM_SEED=%d): %s\nprogram:\n%s", core.name, seed, seed, msg, p)
			}
		}
	}
	t.Logf("core %s: %d programs in %v, %d failed; %d greenlets, %d ran, %d ops, %d greenlets failed",
		core.name, len(seeds), time.Since(start).Round(time.Millisecond), failures, total.greenlets, total.ran, total.ops, total.failed)
	if failures > 0 {
		t.Errorf("core %s: %d of %d programs failed", core.name, failures, len(seeds))
	}
}

func TestStormGo(t *testing.T) { runStorm(t, stormCore{name: "go"}) }

// TestStormProgramsAreSeeded checks what replaying a seed relies on: the
// same seed draws the same program, and different seeds differ.
func TestStormProgramsAreSeeded(t *testing.T) {
	for seed := range uint64(50) {
		if a, b := genStorm(seed).String(), genStorm(seed).String(); a != b {
			t.Fatalf("seed %d drew two programs:\n%s\n%s", seed, a, b)
		}
	}
	body := func(seed uint64) string { _, ops, _ := strings.Cut(genStorm(seed).String(), "\n"); return ops }
	if body(1) == body(2) {
		t.Fatal("seeds 1 and 2 drew the same program")
	}
}

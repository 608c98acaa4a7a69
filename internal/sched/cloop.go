//go:build cgo && !purego

package sched

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"

	ccore "github.com/gevent-go/gevent/cgo"
)

func init() { RegisterCore("c", func() (Loop, error) { return newCLoop() }) }

var _ Loop = (*cLoop)(nil)

// cmdCapacity is the size of the C hub's command array. A hub turn that arms
// or cancels more timers than this flushes the array with an extra
// non-blocking turn; 1024 keeps that rare without costing much C memory
// (56 KiB).
const cmdCapacity = 1024

// cLoop is the C core's Loop: libev's timers and wake-up through package cgo,
// plus the C greenlets that live in the same C hub.
//
// Crossing the boundary: Arm and Cancel never call C. They write TIMER_AT
// and TIMER_STOP commands straight into the C hub's command array (C memory,
// written in place), and Run makes one cgo call, gev_hub_turn, which applies
// them, runs the ready C greenlets and one libev iteration; Run then reads
// the fired ids from the event array in place. A Go greenlet's sleep,
// timeout or kill therefore costs no cgo call of its own: the hub crosses
// once per turn, never once per switch.
//
// The clock: Now is CLOCK_MONOTONIC in nanoseconds from an arbitrary base,
// read through the Go runtime's nanotime (ccore.Now), so UpdateNow costs no
// cgo call, and it is the clock libev's timers run on. Deadlines stay
// absolute: a TIMER_AT carries its absolute deadline, and the C hub arms
// it at exactly that time on libev's clock (it converts every deadline of a
// turn against libev's own clock reading, the one libev adds back); so a C
// timer fires at its deadline or a little later, never earlier, and timers
// flushed in different turns keep their deadline order exactly. A command
// whose deadline has already passed at the flush is not sent to C at all:
// Run reports it itself. Run returns the ids of one call in deadline order,
// ties in the order they were armed, so timers fire in deadline order on
// both cores.
//
// Idle polls: a non-blocking Run (the hub polls between runs of ready
// callbacks) skips the C turn when no C greenlet exists and no armed timer
// can be due yet (a lower bound of their deadlines is kept), since libev
// could report nothing; pending commands then wait for the next turn that is
// needed. So a hub of Go greenlets busy with callbacks, idlers or sleep(0)
// makes no cgo call until a timer is due or it blocks.
//
// Granularity: libev's epoll backend waits in whole milliseconds, rounded
// up, so a blocking wait for a timer may last up to 1 ms longer than on the
// pure-Go core. That is the only documented difference between the cores.
//
// Each timer id has three Go-side flags. armed: the hub's view (Arm until it
// fires or is cancelled). inC: the C hub has the id armed once the pending
// commands are applied. pend: the index of a TIMER_AT in the command array
// not yet applied, or -1; re-arming a pending id only moves its deadline, and
// cancelling it rewrites that command into a no-op, so an arm+cancel within
// one hub turn never reaches libev at all.
type cLoop struct {
	c    *ccore.Hub
	base int64 // zero of Now on the ccore.Now clock (CLOCK_MONOTONIC ns)
	now  int64

	deadline []int64 // by timer id: Go deadline of an armed id
	armed    []bool
	inC      []bool
	pend     []int32
	// seq orders the ids of one deadline: the Arm count at each id's last
	// Arm, so timers with equal deadlines fire in the order they were armed.
	seq     []uint64
	nextSeq uint64
	byDue   func(a, b uint64) int // (deadline, seq) order, made once
	// due holds ids found due by a flush, or fired by a flush turn, that Run
	// has not reported yet; dueFlag marks those still to report (an Arm or
	// Cancel since clears it).
	due     []uint64
	dueFlag []bool

	// reg is the registry of C greenlets spawned from Go (cloop_greenlet.go),
	// set when the hub is made. cmdsGreenlets says that the command array
	// holds a SPAWN or KILL, whose effect may end a C greenlet during the
	// turn's drain, before libev polls: such a turn must not block, or the
	// end would wait for the next timer.
	reg           *cGreenlets
	cmdsGreenlets bool

	// nArmed counts the armed ids (the hub's view); minDue is a lower bound
	// of their deadlines (lowered by Arm, reset when none is armed), which
	// lets a non-blocking Run skip the C turn while nothing can be due.
	// skipped counts those skipped turns, for tests.
	nArmed  int
	minDue  int64
	skipped uint64

	err error // a command the C hub refused, reported by the next Run

	io cIO // fd watchers (cloop_io.go)
}

// CgoCalls returns how many cgo calls h's loop has made so far (0 on the Go
// core): the turns and other calls of the hub's goroutine plus the wake-ups
// of other goroutines. Benchmarks divide it by the work done ("cgo calls per
// 1,000 handoffs"). Call it from the hub's goroutine or after Run.
func (h *Hub) CgoCalls() uint64 {
	if r := h.cgs; r != nil {
		return r.l.c.Calls() + r.l.c.ForeignCalls()
	}
	return 0
}

func newCLoop() (*cLoop, error) {
	c, err := ccore.NewHub(cmdCapacity)
	if err != nil {
		return nil, err
	}
	l := &cLoop{c: c, base: ccore.Now(), minDue: math.MaxInt64}
	l.byDue = func(a, b uint64) int {
		if c := cmp.Compare(l.deadline[a], l.deadline[b]); c != 0 {
			return c
		}
		return cmp.Compare(l.seq[a], l.seq[b])
	}
	// A hub that is created but never run is never closed: free its C hub
	// when the loop becomes unreachable. It has run no turn, so it holds no
	// coroutine and no thread-bound state; a closed one is not freed twice.
	runtime.AddCleanup(l, func(c *ccore.Hub) { c.Destroy() }, c)
	return l, nil
}

func (l *cLoop) Now() int64 { return l.now }

func (l *cLoop) UpdateNow() { l.now = ccore.Now() - l.base }

func (l *cLoop) grow(id uint64) {
	for uint64(len(l.pend)) <= id {
		l.deadline = append(l.deadline, 0)
		l.armed = append(l.armed, false)
		l.inC = append(l.inC, false)
		l.pend = append(l.pend, -1)
		l.seq = append(l.seq, 0)
		l.dueFlag = append(l.dueFlag, false)
	}
}

func (l *cLoop) Arm(id uint64, deadline int64) {
	if id >= uint64(len(l.pend)) {
		l.grow(id)
	}
	if !l.armed[id] {
		l.armed[id] = true
		l.nArmed++
	}
	l.dueFlag[id] = false
	l.deadline[id] = deadline
	l.seq[id] = l.nextSeq
	l.nextSeq++
	l.minDue = min(l.minDue, deadline)
	if l.pend[id] >= 0 {
		return // the pending TIMER_AT takes the new deadline at the flush
	}
	c := l.push()
	c.Op, c.ID = ccore.OpTimerAt, id // its Deadline is set by the flush
	l.pend[id] = int32(len(l.c.Cmds()) - 1)
}

func (l *cLoop) Cancel(id uint64) {
	if id >= uint64(len(l.pend)) || !l.armed[id] {
		return
	}
	l.armed[id] = false
	l.nArmed--
	l.dueFlag[id] = false
	if p := l.pend[id]; p >= 0 {
		l.pend[id] = -1
		cmds := l.c.Cmds()
		if !l.inC[id] && int(p) == len(cmds)-1 {
			l.c.SetNCmds(int(p)) // the usual arm+cancel: forget the command
			return
		}
		// A stop of an id C does not have armed is a no-op there.
		cmds[p].Op = ccore.OpTimerStop
		l.inC[id] = false
		return
	}
	if l.inC[id] {
		c := l.push()
		c.Op, c.ID = ccore.OpTimerStop, id
		l.inC[id] = false
	}
}

// push returns a free command slot, flushing the array with a non-blocking
// turn first when it is full.
func (l *cLoop) push() *ccore.Cmd {
	for {
		if c := l.c.Push(); c != nil {
			return c
		}
		// A turn applies every command.
		err := l.turn(false)
		if err != nil && l.err == nil {
			l.err = err
		}
		if err != nil && len(l.c.Cmds()) >= l.c.CmdCap() {
			panic(fmt.Sprintf("hub: the C hub's command array stays full: %v", err))
		}
	}
}

// flush gives every pending TIMER_AT its absolute deadline, or, when
// that has already passed, turns it into a no-op and queues the id as due.
func (l *cLoop) flush() {
	cmds := l.c.Cmds()
	fresh := false
	for i := range cmds {
		c := &cmds[i]
		if c.Op != ccore.OpTimerAt {
			continue
		}
		if !fresh {
			// The clock is read only for a deadline: a turn that only
			// spawns or kills C greenlets needs none.
			l.UpdateNow()
			fresh = true
		}
		id := c.ID
		l.pend[id] = -1
		d := l.deadline[id] - l.now
		if d <= 0 {
			c.Op = ccore.OpTimerStop // C may have it armed from an earlier turn
			l.inC[id] = false
			l.due = append(l.due, id)
			l.dueFlag[id] = true
			continue
		}
		// Absolute, on the ccore.Now clock; converted in C by the turn. A
		// deadline too far to express there saturates (it never fires).
		at := l.deadline[id]
		if at <= math.MaxInt64-l.base {
			at += l.base
		} else {
			at = math.MaxInt64
		}
		c.Deadline = at
		l.inC[id] = true
	}
}

// turn flushes the commands and runs one C turn (the cgo call), blocking
// until something happens when block is set; fired timers go to l.due and
// ended C greenlets to the registry (l.reg).
//
// A C turn drains the ready C greenlets before libev polls, and the
// greenlets that libev's iteration wakes run at the start of the next turn.
// So that a C greenlet's end never waits for an unrelated timer: a turn that
// may end C greenlets in its drain (SPAWN or KILL commands queued, or C
// greenlets left ready) does not block, and when libev woke C greenlets a
// second, non-blocking turn runs them at once. Both happen only while C
// greenlets are active; a hub of Go greenlets makes one cgo call per turn.
func (l *cLoop) turn(block bool) error {
	l.flush()
	wait := 0.0
	if block && len(l.due) == 0 && !l.cmdsGreenlets && !l.c.HasReady() {
		wait = -1
	}
	l.cmdsGreenlets = false
	err := l.turnOnce(wait)
	if err == nil && l.c.HasReady() && l.reg != nil && l.reg.live != nil {
		err = l.turnOnce(0)
	}
	return err
}

// turnOnce is one gev_hub_turn and the reading of its events. While C
// greenlets exist, the same cgo call also reads the C census, which decides
// the hub Ref that C greenlets hold (cloop_greenlet.go).
func (l *cLoop) turnOnce(wait float64) error {
	var cen ccore.Census
	var err error
	census := l.reg.active()
	if census {
		_, cen, err = l.c.TurnCensus(wait)
	} else {
		_, err = l.c.Turn(wait)
	}
	if err != nil {
		if census {
			l.reg.updateRef(cen)
		}
		return fmt.Errorf("gev_hub_turn: %w", err)
	}
	l.UpdateNow()
	for _, e := range l.c.Events() {
		if (e.Kind == ccore.EvIO || e.Kind == ccore.EvCmdError) && l.ioEvent(&e) {
			continue
		}
		switch e.Kind {
		case ccore.EvTimer:
			id := e.ID
			if id < uint64(len(l.inC)) && l.inC[id] {
				l.inC[id] = false
				l.due = append(l.due, id)
				l.dueFlag[id] = true
			}
		case ccore.EvGreenletDone:
			if l.reg == nil {
				panic(fmt.Sprintf("hub: C greenlet %d ended but nothing spawned it from this hub", e.ID))
			}
			l.reg.done(e.ID, e.Status, e.Value)
		case ccore.EvCmdError:
			if err == nil {
				err = fmt.Errorf("C hub refused command %d for id %d: %w", e.Value, e.ID, ccore.Error(e.Status))
			}
		}
	}
	if census {
		l.reg.updateRef(cen)
	}
	return err
}

func (l *cLoop) Run(block bool, fired []uint64) ([]uint64, error) {
	// Ends that a turn run by a push reported: Run is the loop's own safe
	// point for them, when no G is inside a call (see cGreenlets.ended).
	l.reg.runEnded()
	block = block && len(l.io.ready) == 0 // fd reports wait already
	l.reapIO()
	if l.nArmed == 0 {
		l.minDue = math.MaxInt64
	}
	if !block && l.reg.alive() == 0 && len(l.due) == 0 && l.io.n == 0 && !l.c.HasReady() {
		// A poll that cannot find anything: no C greenlet exists, and no
		// timer, armed in C or pending, is due before minDue. Skip the C
		// turn; pending commands wait for the next turn that is needed
		// (a wake-up left pending in libev only makes that one return early).
		l.UpdateNow()
		if l.now < l.minDue {
			l.skipped++
			return fired, nil
		}
	}
	err := l.turn(block)
	if err == nil {
		err, l.err = l.err, nil
	}
	start := len(fired)
	for _, id := range l.due {
		if !l.dueFlag[id] || !l.armed[id] {
			continue
		}
		l.dueFlag[id] = false
		l.armed[id] = false
		l.nArmed--
		fired = append(fired, id)
	}
	l.due = l.due[:0]
	// Deadline order, as the pure-Go heap pops them, ties in arm order. The
	// ids of one call come from several turns and from the flush, so they
	// may be in any order; a turn's usual few ids are already sorted and cost
	// one pass, and any other order costs n log n.
	if f := fired[start:]; !slices.IsSortedFunc(f, l.byDue) {
		slices.SortFunc(f, l.byDue)
	}
	l.reg.runEnded()
	return fired, err
}

// Wake interrupts a blocked turn (gev_hub_interrupt): thread-safe, and a
// no-op after Close.
func (l *cLoop) Wake() { l.c.Interrupt() }

func (l *cLoop) Reinit() error { return l.c.Reinit() }

// Close destroys the C hub, with any C greenlet still in it (those report
// ErrHubDestroyed).
func (l *cLoop) Close() error {
	if l.reg != nil {
		l.reg.drop()
	}
	l.c.Destroy()
	return nil
}

package sched

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime/pprof"
	"sync/atomic"
	"time"
)

// A G is a raw greenlet: a body run on a runtime coroutine (iter.Pull) that
// its hub switches into and that switches back to the hub when it parks; the
// hub lends the coroutine to the next G once the body returns. It is
// gevent's raw greenlet.greenlet with the hub as parent: it has no result, no
// links and no join; the greenlet package builds those on top.
//
// A G may be embedded by value (call Init) so that a richer greenlet costs one
// allocation. The zero G is not usable until Init. A G must not be copied
// after Init.
//
// Only the hub's goroutine (the hub loop and the G now running) touches a G,
// except where a method says otherwise.
type G struct {
	// The fields a timed park and its wake-up touch (the first ones, up to
	// and including Timer) fill two cache lines: in a simulation of many
	// processes every resume finds its G cold, and each line more is a miss
	// (TestGHotFieldsTwoLines).
	h    *Hub
	next func() (struct{}, bool) // w's next, copied for the switch
	yld  func(struct{}) bool     // w's yield, copied for the park fast path

	// gid is the goroutine (getg) of w's coroutine while g's body runs, 0
	// before and after. So gid == getg() holds exactly when g is the G its
	// hub is running and the caller is g itself: the one test of every
	// blocking call. It is atomic because a call from another goroutine
	// reads it first, to be refused before it reads anything else.
	gid atomic.Uintptr

	// seq is the wake-up epoch: it grows each time the G is switched into,
	// so a Token taken before a park is stale once the G has resumed.
	seq    uint32
	state  gState
	thrown error // delivered by the switch that resumes the G; read once

	// Timer is a per-G timer for the blocking calls of the layers above
	// (sleep, join with a timeout): a G parks at one place at a time, so
	// one timer per G suffices and parking with a timeout allocates nothing.
	Timer Timer

	fn func(g *G)
	w  *worker // the coroutine running g; set at launch

	// What the G last parked at (the op of its blocking call) and when, on
	// the loop's clock; a yield sets parkedAt to -1 (ready this turn). Only
	// RunInfo reads them.
	parkOp   string
	parkedAt int64

	// prev/next link the launched, unfinished Gs of the hub, so that
	// shutdown can stop them.
	livePrev, liveNext *G

	// Owner is the object that embeds or wraps this G (a *greenlet.Greenlet),
	// for messages and profiles. The hub only formats it.
	Owner any
}

type gState uint8

const (
	gNew     gState = iota // Init done, never started
	gStarted               // start queued or timed, coroutine not created
	gRunning               // the G the hub switched into
	gParked                // switched back to the hub, waiting
	gDead                  // body returned, or discarded before it ran
)

// Init prepares g to run fn on hub h. It panics if g was already initialised.
func (g *G) Init(h *Hub, fn func(g *G)) {
	if g.h != nil {
		panic("hub: G.Init called twice")
	}
	if h == nil || fn == nil {
		panic("hub: G.Init with a nil hub or body")
	}
	g.h, g.fn = h, fn
	g.Timer.h = h
}

// Hub returns the hub g belongs to.
func (g *G) Hub() *Hub { return g.h }

// Launched reports whether g's body has started to run (its coroutine
// exists or existed).
func (g *G) Launched() bool { return g.state >= gRunning }

// Dead reports whether g's body has returned or g was discarded unstarted.
func (g *G) Dead() bool { return g.state == gDead }

// Pending reports whether g was started (Start or a timed start) but has not
// run yet.
func (g *G) Pending() bool { return g.state == gStarted }

// Running reports whether g is the G its hub is running now and the caller
// is g itself. It is safe from any goroutine (another goroutine gets false).
func (g *G) Running() bool { return g.gid.Load() == getg() }

// String formats g as its Owner, or as "<G at 0x...>".
func (g *G) String() string {
	if s, ok := g.Owner.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("<G at %p>", g)
}

// A Token names one park of a G: Wake(tok) resumes the G only if it has not
// been resumed since the token was taken. Tokens are how a wake-up that lost a
// race (a timer versus a link) is made harmless instead of resuming the G
// inside some later, unrelated wait.
type Token struct {
	g   *G
	seq uint32
}

// Token returns a token for g's current or next park. Take it while g runs
// (before it parks) or while it is parked.
func (g *G) Token() Token { return Token{g, g.seq} }

// G returns the G the token names.
func (t Token) G() *G { return t.g }

// Park switches from g, which must be the G now running, to the hub, and
// returns when the hub switches back: nil after a Wake, or the error a Throw
// (a kill, a timeout) delivered. It is the one blocking primitive everything
// else is built on; it costs one coroutine switch each way and allocates
// nothing.
//
// Park returns ErrBlockingSwitchOut if called from a hub callback, and
// ErrHubDestroyed if the hub is shutting down. It panics if g is not the G
// now running on its hub (a foreign goroutine, another greenlet, or a G of
// another hub).
func (g *G) Park() error { return g.ParkFor("hub: Park") }

// ParkFor is Park with op naming the caller's operation in misuse messages
// (for example "greenlet: Join"), for layers built on the hub.
//
// The body is written out in one function on purpose: every frame between a
// greenlet and the coroutine switch costs a mispredicted return when the
// switch comes back (about 8 ns here), so Park, Yield and the hub's dispatch
// keep the chain short. Shutdown needs no check here: once the hub has
// stopped the coroutine, the runtime makes its yield return false at once.
func (g *G) ParkFor(op string) error {
	if g.gid.Load() != getg() {
		return g.misuse(op)
	}
	g.parkOp, g.parkedAt = op, g.h.loop.Now()
	g.state = gParked
	if !g.yld(struct{}{}) {
		g.state = gRunning
		return ErrHubDestroyed
	}
	err := g.thrown
	g.thrown = nil
	return err
}

// Yield queues g's own wake-up and parks: g resumes after the callbacks
// already queued (gevent's sleep(0)). Same contract as Park.
func (g *G) Yield() error { return g.YieldFor("hub: Yield") }

// YieldFor is Yield with op naming the caller's operation in misuse messages.
func (g *G) YieldFor(op string) error {
	if g.gid.Load() != getg() {
		return g.misuse(op)
	}
	h := g.h
	// h.cbq.pushWake(g, g.seq), written out: it is over the inlining budget.
	r := &h.cbq
	if r.n == len(r.buf) {
		r.grow()
	}
	slot := &r.buf[(r.head+r.n)&(len(r.buf)-1)]
	slot.g, slot.seq, slot.kind = g, g.seq, cbWake
	r.n++
	g.parkOp, g.parkedAt = op, -1
	g.state = gParked
	if !g.yld(struct{}{}) {
		g.state = gRunning
		return ErrHubDestroyed
	}
	err := g.thrown
	g.thrown = nil
	return err
}

// ErrNegativeSleep is returned by SleepFor for a negative duration.
var ErrNegativeSleep = errors.New("hub: negative sleep duration")

// SleepFor parks g for d: d == 0 is Yield (resume after the callbacks
// already queued); d > 0 refreshes the clock and waits on g's own timer, so
// it allocates nothing; d < 0 returns ErrNegativeSleep. It returns nil, or
// the error delivered to g meanwhile. op names the caller's operation in
// misuse messages. g may be nil (a misuse, reported with op).
func (g *G) SleepFor(d time.Duration, op string) error {
	if d != 0 {
		return g.sleepTimer(d, op)
	}
	if g == nil || g.gid.Load() != getg() {
		return g.misuse(op)
	}
	// YieldFor's body, written out rather than called: every frame between a
	// body and the coroutine switch costs about 8 ns of a ~70 ns handoff,
	// which the 1.2x iter.Pull budget cannot spare (measured, BenchmarkHandoff).
	h := g.h
	// h.cbq.pushWake(g, g.seq), written out: it is over the inlining budget.
	r := &h.cbq
	if r.n == len(r.buf) {
		r.grow()
	}
	slot := &r.buf[(r.head+r.n)&(len(r.buf)-1)]
	slot.g, slot.seq, slot.kind = g, g.seq, cbWake
	r.n++
	g.parkOp, g.parkedAt = op, -1
	g.state = gParked
	if !g.yld(struct{}{}) {
		g.state = gRunning
		return ErrHubDestroyed
	}
	err := g.thrown
	g.thrown = nil
	return err
}

func (g *G) sleepTimer(d time.Duration, op string) error {
	if g == nil || g.gid.Load() != getg() || g.h.destroying {
		return g.misuse(op)
	}
	if d < 0 {
		return ErrNegativeSleep
	}
	pt := g.ArmParkTimer(d)
	for {
		err := g.ParkFor(op)
		if err != nil || pt.Expired() {
			pt.Stop()
			return err
		}
		pt.Rewake() // woken for an older park; wait on
	}
}

// misuse returns ErrHubDestroyed once the hub is shutting down (the
// coroutine was stopped and the runtime makes every further yield return
// false at once), ErrBlockingSwitchOut for a blocking call from a hub
// callback, and panics for any other caller that is not the running G. A
// caller on another goroutine than the hub's and its greenlets' gets its
// panic before it reads any hub state (which would race with the hub).
func (g *G) misuse(op string) error {
	if g == nil {
		panic(op + ": nil greenlet (pass the greenlet making the call)")
	}
	h := g.h
	if h == nil {
		panic(op + ": G was never initialised")
	}
	g.CheckGoroutine(op)
	if h.current == g && h.destroying {
		return ErrHubDestroyed
	}
	if h.current == nil && h.inCallback {
		return ErrBlockingSwitchOut
	}
	if h.current == nil {
		panic(fmt.Sprintf("%s: %v is not running (the hub is in its loop, or this is a foreign goroutine)", op, g))
	}
	panic(fmt.Sprintf("%s: %v is not running (%v is); a blocking call must be made by the greenlet itself", op, g, h.current))
}

// Check panics unless g is the G now running on its hub, and returns
// ErrBlockingSwitchOut when called from a hub callback. Layers above call it
// at the top of each blocking operation so that misuse is reported before
// anything is queued.
func (g *G) Check(op string) error {
	if g.gid.Load() != getg() || g.h.destroying {
		return g.misuse("hub: " + op)
	}
	return nil
}

// CheckGoroutine panics, with a message starting with op, if the caller runs
// on another goroutine than g's hub and its greenlets: a foreign goroutine
// must not touch the hub (its state belongs to the hub's goroutine, and a
// coroutine switch from another thread kills the process). It reads only
// atomics, so it is safe from any goroutine; layers above call it before
// they read anything of a hub on a path that a foreign goroutine may reach.
//
// Once the hub is destroyed it panics for every caller: no greenlet of the
// hub can run any more.
func (g *G) CheckGoroutine(op string) {
	if g.h.dead.Load() {
		panic(op + ": the hub was destroyed (its Run returned); nothing can block on it")
	}
	if me := getg(); g.gid.Load() != me && !g.h.ownGoroutine(me) {
		panic(fmt.Sprintf("%s: called from a goroutine that is not its hub's (greenlet at %p): "+
			"greenlets run on their hub's goroutine only; use Hub.Post to reach a hub from another goroutine", op, g))
	}
}

// A worker is a coroutine (iter.Pull) that runs Gs one after another. When
// a G's body returns, its worker goes back to the hub's idle list instead of
// ending, and the next G launched reuses it: spawning a greenlet then costs no
// goroutine creation, which is most of what a coroutine's life costs.
type worker struct {
	next     func() (struct{}, bool)
	stop     func()
	g        *G // the G it runs; nil while idle
	idleNext *worker

	// gone is set when the coroutine ends, in place of removing it from the
	// hub's registry (see Hub.addGoroutine).
	gone atomic.Bool
}

// maxIdleWorkers bounds the coroutines a hub keeps for reuse.
const maxIdleWorkers = 1024

// loop is the worker coroutine's function: run the assigned G, report back
// to the hub, wait for the next assignment. It ends when the hub stops it.
func (w *worker) loop(yield func(struct{}) bool) {
	h := w.g.h
	me := getg()
	h.addGoroutine(me, w)
	defer w.end() // also after a Goexit
	for {
		w.g.gid.Store(me)
		w.g.yld = yield
		w.g.runBody() // no local keeps the G alive while the worker idles
		if h.destroying || h.nidle >= maxIdleWorkers {
			// Not kept for reuse (finish decides alike on ok == false):
			// ending here saves the round trip of a later stop.
			return
		}
		if !yield(struct{}{}) {
			return
		}
	}
}

// end marks w's coroutine as ended for the hub's registry and drops what
// the registry would otherwise keep alive until the goroutine's identity is
// reused.
func (w *worker) end() {
	w.gone.Store(true)
	w.next, w.stop = nil, nil
}

// runBody runs g's body; a panic that escapes it is reported to the hub as
// a failure of g, so that the hub and the worker survive. A runtime.Goexit
// cannot be stopped: see goexited.
func (g *G) runBody() {
	if g.h.labels {
		g.setLabels()
	}
	returned := false
	defer func() {
		if r := recover(); r != nil {
			g.h.HandleError(g, newPanicError(r))
		} else if !returned {
			g.goexited()
		}
	}()
	g.fn(g)
	returned = true
}

// goexitSignal is the panic value that carries a G's runtime.Goexit to its
// hub (see goexited).
type goexitSignal struct{}

// goexited runs in runBody's deferred function when g's body called
// runtime.Goexit, which no recover can cancel: the coroutine's goroutine
// will end, and iter.Pull would carry the Goexit into the hub's goroutine at
// its next or stop. Panicking here, with the hub told beforehand, turns that
// into a panic of next or stop that only the hub recovers (iter.Pull stores a
// panic of the sequence in place of the Goexit, and the Goexit still ends the
// coroutine). The worker is not reused: its coroutine is gone.
//
// A G with an Owner records and reports the failure itself (the greenlet
// package does); the main G's failure is Run's result. Any other G's
// ErrGoexit goes to the error handler, as a panic would.
func (g *G) goexited() {
	h := g.h
	if g.Owner == nil && g != h.main {
		h.HandleError(g, ErrGoexit)
	}
	h.goexitG = g
	panic(goexitSignal{})
}

// setLabels is out of line so that runBody's frame stays small: every byte
// of the frames under a body counts against the coroutine's first stack,
// and a parked greenlet whose timer arm reaches past it costs a stack twice
// the size.
//
//go:noinline
func (g *G) setLabels() {
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("greenlet", g.label())))
}

func (g *G) label() string {
	if n, ok := g.Owner.(interface{ Name() string }); ok {
		return n.Name()
	}
	return fmt.Sprintf("G-%p", g)
}

// launch gives g a worker (an idle one, or a new coroutine) and runs it until
// it first parks or returns.
func (h *Hub) launch(g *G) {
	w := h.idle
	if w != nil {
		h.idle = w.idleNext
		h.nidle--
		w.idleNext = nil
	} else {
		w = &worker{}
		w.next, w.stop = iter.Pull(w.loop)
	}
	w.g = g
	g.w, g.next = w, w.next
	h.live++
	g.liveNext = h.liveHead
	if h.liveHead != nil {
		h.liveHead.livePrev = g
	}
	h.liveHead = g
	h.switchTo(g)
}

// switchTo resumes g (parked, or just launched) and returns when g parks or
// its body returns. This is the hub half of every handoff: a few field writes
// and one coroutine switch each way. The hot copy of this code is in
// runCallbacks.
func (h *Hub) switchTo(g *G) {
	g.seq++
	g.state = gRunning
	h.current = g
	_, ok := g.next()
	h.current = nil
	if h.mon.Load() != monClear {
		h.monitorSeen(g)
	}
	if g.state == gRunning {
		h.finish(g, ok)
	}
}

// finish records that g's body has returned; its worker, still alive (ok),
// goes back to the idle list. A worker that the idle list has no room for
// has ended by itself (ok is false).
func (h *Hub) finish(g *G, ok bool) {
	g.state = gDead
	g.gid.Store(0)
	w := g.w
	g.w, g.next, g.yld = nil, nil, nil
	w.g = nil
	if ok && !h.destroying && h.nidle < maxIdleWorkers {
		w.idleNext = h.idle
		h.idle = w
		h.nidle++
	} else if ok {
		w.stop()
	}
	if g.livePrev != nil {
		g.livePrev.liveNext = g.liveNext
	} else {
		h.liveHead = g.liveNext
	}
	if g.liveNext != nil {
		g.liveNext.livePrev = g.livePrev
	}
	g.livePrev, g.liveNext = nil, nil
	h.live--
	g.Timer.Stop()
	if g == h.main {
		h.mainDone = true
	}
}

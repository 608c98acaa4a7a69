package greenlet

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// Forever is the longest duration, for the two places where a duration is
// the whole point of the call: Sleep(cur, Forever) sleeps until the greenlet
// is killed, and NewTimeout(Forever, err) is a Timeout that never fires (gevent's
// Timeout(None)). No call needs it to mean "no timeout": the short form of
// every blocking call waits without one, and its ...Timeout sibling takes a
// real duration (zero or less expires at the next loop iteration).
const Forever time.Duration = math.MaxInt64

// Func is a greenlet body. It receives its own greenlet, which it passes to
// every blocking call it makes. Its result is the greenlet's outcome: a nil
// error means success with the returned value; an exit error (GreenletExit)
// means success with that error as the value; any other error means
// failure. A panic is a failure too, recorded as a *PanicError with its stack.
type Func func(g *Greenlet) (any, error)

// A Greenlet is a cooperatively scheduled unit of work on a hub: gevent's
// Greenlet. It runs its body as a coroutine of the hub's goroutine, only
// while every other greenlet of the hub is parked at a blocking call, so
// greenlets of one hub share memory without locks.
//
// Lifecycle: New builds an unstarted greenlet; Start or StartLater schedules
// it; its body runs at the next hub pass; when it returns, the outcome is
// recorded (Value, Err, Successful) and the links fire, asynchronously and in
// the order they were added.
//
// Methods that block (Join, Get, Kill and their Timeout forms) take the
// calling greenlet, cur, which must be the greenlet now running on the same
// hub; anything else panics with a "greenlet: " message, except a call from
// inside a hub callback, which returns ErrBlockingSwitchOut as gevent does.
// Methods that do not block (KillNowait, Ready, Value, ...) may be called
// from any greenlet or callback of the hub. No method may be called from
// another goroutine.
//
// The zero Greenlet is not usable (the calls that take a greenlet panic on
// one); create one with New, NewOn, Spawn or SpawnC.
type Greenlet struct {
	raw  *sched.G // the coroutine's G; nil for a C greenlet (isC)
	h    *sched.Hub
	fn   Func
	fnPC uintptr // for String after fn is released

	// Every greenlet of a large spawn carries these fields, so they are
	// packed: a C greenlet's whole record (cGreenlet) fits a 208-byte size
	// class, and a word more costs the next one.
	isMain   bool
	toMain   bool // failures go to the main greenlet (signal handlers)
	started  bool
	ready    bool
	notified bool  // a notification callback is queued
	isC      bool  // the g of a cGreenlet (SpawnC)
	nlinks   int32 // links not dead
	value    any
	err      error
	links    []link  // ids increasing; dead entries only inside (see Unlink)
	link0    [1]link // the first link's storage: a Join allocates nothing

	extra *greenletExtra // a name, Context and SpawnContext; nil for most greenlets
}

// greenletExtra holds what few greenlets need, out of the record every
// greenlet carries.
type greenletExtra struct {
	name  string
	named bool // name assigned or generated: String shows it

	ctx    context.Context // Context's, nil until asked for
	cancel context.CancelCauseFunc
	stop   func() bool // SpawnContext's context.AfterFunc registration

	// The last kill forwarded to a C greenlet's body: when the body
	// returns its code (cKillCode), the kill's error is the outcome.
	killErr error
}

// more returns g's extra record, made on first use.
func (g *Greenlet) more() *greenletExtra {
	if g.extra == nil {
		g.extra = &greenletExtra{}
	}
	return g.extra
}

// New returns an unstarted greenlet that will run fn on the hub of on (any
// greenlet of that hub, usually the current one). It panics if fn is nil.
func New(on *Greenlet, fn Func) *Greenlet {
	if on == nil {
		panic("greenlet: New with a nil greenlet; use NewOn with a hub")
	}
	return newOn(on.h, fn)
}

// NewOn is New for code that holds a hub rather than a greenlet.
func NewOn(h *hub.Hub, fn Func) *Greenlet { return newOn(schedOf(h), fn) }

func newOn(h *sched.Hub, fn Func) *Greenlet {
	if fn == nil {
		panic("greenlet: New with a nil body")
	}
	x := &goGreenlet{}
	g := &x.g
	g.h, g.fn, g.raw = h, fn, &x.raw
	x.raw.Init(h, runBody)
	x.raw.Owner = g
	return g
}

// goGreenlet is a Go greenlet and its coroutine's G in one allocation. The
// G comes first, so that its hot fields keep the cache-line placement its
// layout was made for; a C greenlet (cGreenlet) has no G at all.
type goGreenlet struct {
	raw sched.G
	g   Greenlet
}

// runBody is the body of every Greenlet's coroutine: a static function, so
// that building a greenlet allocates no closure for it.
func runBody(raw *sched.G) {
	g := raw.Owner.(*Greenlet)
	g.run()
}

// run calls the body and records its outcome; a panic or runtime.Goexit
// ends in runEnd. The deferred call captures nothing, so that run's frame
// stays small: every byte of the frames under a body counts against the
// coroutine's first stack (see sched.G's runBody).
func (g *Greenlet) run() {
	defer g.runEnd()
	fn := g.fn
	v, err := fn(g)
	g.finish(v, err)
}

// runEnd is run's deferred call: once the body has returned, finish has
// made g ready and there is nothing left to do.
func (g *Greenlet) runEnd() {
	if g.ready {
		return
	}
	var err error
	if r := recover(); r != nil {
		err = sched.NewPanicError(r)
	} else {
		err = ErrGoexit
	}
	g.finish(nil, err)
}

// finish records the outcome, reports a failure and schedules the links.
func (g *Greenlet) finish(v any, err error) {
	if g.fn != nil {
		g.fnPC = reflect.ValueOf(g.fn).Pointer()
		g.fn = nil
	}
	if err != nil && IsExit(err) {
		v, err = err, nil
	}
	if err != nil {
		v = nil // a failure has no value, whatever the body returned beside it
	}
	g.value, g.err, g.ready = v, err, true
	if g.extra != nil {
		g.endContext()
	}
	if err != nil && !g.isMain {
		if g.toMain {
			g.h.HandleError(nil, err)
		} else {
			g.h.HandleError(g, err)
		}
	}
	g.collectNow()
	g.scheduleNotify()
}

// Start schedules the greenlet to run at the next hub pass, after the
// callbacks already queued. Starting a greenlet that was started, killed or
// finished does nothing (modern gevent). The spawn callbacks run first,
// synchronously. It panics once the hub is destroyed (Run returned): the
// greenlet could never run.
func (g *Greenlet) Start() {
	if g.started || g.ready {
		return
	}
	mustLive(g.h, "Start")
	g.started = true
	runSpawnCallbacks(g)
	g.h.Start(g.raw)
}

// StartLater schedules the greenlet to run after d. Like Start, it does
// nothing on a greenlet already started.
func (g *Greenlet) StartLater(d time.Duration) {
	if g.started || g.ready {
		return
	}
	mustLive(g.h, "StartLater")
	g.started = true
	runSpawnCallbacks(g)
	// The greenlet's own timer is free until the body runs.
	g.raw.Timer.SetStart(g.raw)
	g.raw.Timer.Start(d)
	g.h.MarkStarted(g.raw)
}

// Hub returns the hub the greenlet belongs to.
func (g *Greenlet) Hub() *hub.Hub { return publicOf(g.h) }

// Value returns the body's value after a success (for a greenlet killed
// with GreenletExit, the exit error), else nil.
func (g *Greenlet) Value() any { return g.value }

// Err returns the failure (gevent's exception): the body's error or a
// *PanicError, or nil before the end and after a success.
func (g *Greenlet) Err() error { return g.err }

// Ready reports whether the outcome is recorded.
func (g *Greenlet) Ready() bool { return g.ready }

// Successful reports whether the greenlet is ready without a failure
// (ending with GreenletExit counts as success).
func (g *Greenlet) Successful() bool { return g.ready && g.err == nil }

// Dead reports whether the greenlet has finished or was killed before it
// started. It is never true for the greenlet now running.
func (g *Greenlet) Dead() bool {
	if g.raw == nil {
		return g.ready // a C greenlet: dead once its end is recorded
	}
	return g.raw.Dead()
}

// Started reports whether the greenlet was started and has no outcome yet
// (modern gevent's bool(g); its "started" is the same).
func (g *Greenlet) Started() bool { return g.started && !g.ready }

// Name returns the greenlet's name, "Greenlet-<n>" by default with n a small
// per-hub number assigned on first use.
func (g *Greenlet) Name() string {
	x := g.more()
	if x.name == "" {
		x.name = fmt.Sprintf("Greenlet-%d", g.h.NextIdent())
		x.named = true
	}
	return x.name
}

// SetName sets the greenlet's name.
func (g *Greenlet) SetName(name string) {
	x := g.more()
	x.name, x.named = name, true
}

// String formats the greenlet like gevent's repr: <Greenlet "name" at
// 0x...: function>, the name shown once assigned or generated.
func (g *Greenlet) String() string {
	pc := g.fnPC
	if g.fn != nil {
		pc = reflect.ValueOf(g.fn).Pointer()
	}
	fname := "?"
	if x := g.cgreenlet(); x != nil {
		fname = fmt.Sprintf("C function %p", x.c.Func())
	} else if f := runtime.FuncForPC(pc); f != nil {
		fname = f.Name()
		fname = fname[strings.LastIndex(fname, "/")+1:]
	}
	if x := g.extra; x != nil && x.named {
		return fmt.Sprintf("<Greenlet %q at %p: %s>", x.name, g, fname)
	}
	return fmt.Sprintf("<Greenlet at %p: %s>", g, fname)
}

// result returns the outcome as Get does.
func (g *Greenlet) result() (any, error) {
	if g.err != nil {
		return nil, g.err
	}
	return g.value, nil
}

// check panics unless cur is the greenlet running on its hub and target (if
// any) belongs to the same hub; it returns ErrBlockingSwitchOut inside a hub
// callback.
func (cur *Greenlet) check(op string, target *Greenlet) error {
	if cur != nil && cur.raw != nil && cur.raw.Running() && (target == nil || target.h == cur.h) {
		return nil
	}
	return cur.checkSlow(op, target)
}

func (cur *Greenlet) checkSlow(op string, target *Greenlet) error {
	op = strings.TrimPrefix(op, "greenlet: ")
	if cur == nil {
		panic("greenlet: " + op + ": nil calling greenlet (pass the greenlet making the call)")
	}
	if cur.raw == nil {
		panic(fmt.Sprintf("greenlet: %s: %v is a C greenlet; a blocking call takes the Go greenlet making it", op, cur))
	}
	cur.raw.CheckGoroutine("greenlet: " + op) // before reading the hub's state
	if target != nil && target.h != cur.h {
		panic(fmt.Sprintf("greenlet: %s: %v belongs to another hub than %v", op, target, cur))
	}
	h := cur.h
	if c := h.Current(); c != cur.raw {
		if c == nil && h.InCallback() {
			return ErrBlockingSwitchOut
		}
		if c == nil {
			panic(fmt.Sprintf("greenlet: %s: %v is not running (called from the hub loop or another goroutine)", op, cur))
		}
		panic(fmt.Sprintf("greenlet: %s: %v is not running (%v is); a blocking call must name the calling greenlet", op, cur, c))
	}
	return nil
}

// killUnstarted ends a greenlet whose body never ran, at once and without
// switching: it is marked dead, err is its outcome, and the links fire at
// the next hub pass (modern gevent's _maybe_kill_before_start). It reports
// false if the body already ran. For a C-backed greenlet it also forwards
// the kill to a C body that runs (cGreenlet.kill).
func (g *Greenlet) killUnstarted(err error) bool {
	if x := g.cgreenlet(); x != nil {
		return x.kill(err)
	}
	if g.ready || !g.h.Discard(g.raw) {
		return false
	}
	g.finish(nil, err)
	return true
}

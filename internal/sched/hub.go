package sched

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// A Hub schedules the greenlets of one OS thread. It runs the main greenlet
// and every other G as coroutines of one goroutine, locked to its thread for
// the whole of Run, and is the single driver of those coroutines: a G runs
// until it parks, then control returns to the hub loop, which runs the next
// ready callback, timer or wake-up.
//
// Inside one hub nothing runs in parallel, so greenlets share its state
// without locks. Many hubs may run at once on different goroutines; they
// share nothing, and Post (with Ref/Unref) is the only door into a hub from
// another goroutine.
//
// A Hub is created by New and used by one Run. Its zero value is not usable.
type Hub struct {
	_ noCopy

	loop     Loop
	core     string
	interval int64 // switch interval, ns
	handler  ErrorHandler
	labels   bool
	verifyOn bool
	virtual  bool         // WithVirtualClock
	vloop    *virtualLoop // the loop, when virtual
	off      offloads
	cgs      *cGreenlets // the C core's registry of C greenlets; nil on other cores

	// Everything below is owned by the hub's goroutine (and the G it is
	// running, which is the same thread of control).
	errOut     io.Writer
	current    *G // the G now running, nil while the hub loop runs
	main       *G
	inCallback bool // a hub callback (not a G) is running
	destroying bool
	mainDone   bool
	goexitG    *G // the G whose runtime.Goexit is on its way to the hub
	ran        bool
	linkIDs    uint64 // NextLinkID's last
	idents     uint64

	cbq       ring // ready callbacks, FIFO
	idlers    []Token
	timers    []*Timer // slot id -> armed timer
	freeSlots []uint64
	fired     []uint64
	firing    []*Timer
	refTimers int // armed timers that keep the loop alive

	io ioTable // fd waits (fdwait.go)

	live     int // launched, unfinished Gs
	liveHead *G
	idle     *worker // coroutines kept for reuse
	watchers []*SignalWatcher
	nidle    int

	// The foreign side: the fields of Post and Ref, and the atomics that
	// misuse checks read first, are the only ones other goroutines touch.
	// The hub looks at postFlag once per turn.
	postMu   sync.Mutex
	posted   []callback // guarded by postMu
	postFlag atomic.Bool
	refs     atomic.Int64
	closed   atomic.Bool
	dead     atomic.Bool // destroyed: Run has returned (see Destroyed)

	done chan struct{} // closed once destroyed (see Done)

	// The blocked-hub monitor (WithBlockingReport): mon is the one field
	// the hub and the monitor's goroutine share, read at every switch.
	blocking time.Duration
	mon      atomic.Int32
	monitor  *monitor

	runInfoSig os.Signal // WithRunInfoOnSignal

	public any // the *hub.Hub that wraps this one (see SetPublic)

	// The goroutines of the hub (see ownGoroutine): read by any goroutine
	// to tell the hub's own from foreign ones before touching anything.
	hubG atomic.Uintptr // the goroutine in Run, 0 outside Run
	gmu  sync.Mutex
	gids map[uintptr]*worker // the worker coroutines (see addGoroutine); guarded by gmu
}

// noCopy makes go vet report copies of a Hub.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// An Option configures a hub at New.
type Option func(*config)

type config struct {
	core     string
	interval time.Duration
	handler  ErrorHandler
	errOut   io.Writer
	labels   bool
	verify   bool
	virtual  bool

	blockingLimit int // WithBlockingLimit

	blocking time.Duration // WithBlockingReport
	blockErr error

	runInfoSig os.Signal // WithRunInfoOnSignal
}

// DefaultSwitchInterval is how long the hub runs ready callbacks before it
// polls the loop for timers and wake-ups, as gevent's getswitchinterval().
const DefaultSwitchInterval = 5 * time.Millisecond

// callbackCheckCount is how many callbacks run between two looks at the
// clock (gevent's CALLBACK_CHECK_COUNT).
const callbackCheckCount = 50

// WithCore selects the core ("go", or "c" in builds that have it). Without
// it the hub uses GEVENT_CORE, then DefaultCore.
func WithCore(name string) Option { return func(c *config) { c.core = name } }

// WithSwitchInterval bounds how long ready callbacks (sleep(0) loops, wake-ups)
// may run before the loop is polled, so that they cannot starve timers. It
// must be positive.
func WithSwitchInterval(d time.Duration) Option { return func(c *config) { c.interval = d } }

// WithErrorHandler replaces the error handler (see ErrorHandler).
func WithErrorHandler(f ErrorHandler) Option { return func(c *config) { c.handler = f } }

// WithErrorStream sets where PrintError writes (default os.Stderr); nil
// silences it.
func WithErrorStream(w io.Writer) Option {
	return func(c *config) {
		if w == nil {
			w = io.Discard
		}
		c.errOut = w
	}
}

// WithProfileLabels makes every G label its goroutine greenlet=<name>, so
// CPU and goroutine profiles show greenlets by name. It costs a context and a
// label set per G (about 0.5 µs and 5 allocations at each launch), which is
// why it is off by default.
func WithProfileLabels(on bool) Option { return func(c *config) { c.labels = on } }

// New creates a hub with its loop. It fails if the chosen core is not in
// this build or its loop cannot be created.
func New(opts ...Option) (*Hub, error) {
	c := config{interval: DefaultSwitchInterval, errOut: os.Stderr, blockingLimit: DefaultBlockingLimit}
	for _, o := range opts {
		o(&c)
	}
	if c.interval <= 0 {
		return nil, fmt.Errorf("hub: switch interval must be positive, got %v", c.interval)
	}
	if err := checkBlockingLimit(c.blockingLimit); err != nil {
		return nil, err
	}
	if c.blockErr != nil {
		return nil, c.blockErr
	}
	l, name, err := c.newLoop()
	if err != nil {
		return nil, err
	}
	h := &Hub{loop: l, core: name, interval: int64(c.interval), handler: c.handler, errOut: c.errOut, labels: c.labels, verifyOn: c.verify}
	h.off.limit = c.blockingLimit
	h.cbq.init()
	h.done = make(chan struct{})
	h.blocking = c.blocking
	h.runInfoSig = c.runInfoSig
	if v, ok := l.(*virtualLoop); ok {
		v.h, h.virtual, h.vloop = h, true, v
	}
	if a, ok := l.(interface{ attach(*Hub) }); ok {
		a.attach(h) // a loop with hub-level state of its own (the C core's C greenlets)
	}
	l.UpdateNow()
	return h, nil
}

// Core returns the name of the hub's core.
func (h *Hub) Core() string { return h.core }

// Loop returns the hub's loop, for code that adds watchers of its own. Use it
// only from the hub's goroutine.
func (h *Hub) Loop() Loop { return h.loop }

// Now returns the loop's cached clock in nanoseconds (see Loop.Now).
func (h *Hub) Now() int64 { return h.loop.Now() }

// Current returns the G now running, or nil when called from the hub loop
// (a callback). Call it only from the hub's goroutine.
func (h *Hub) Current() *G { return h.current }

// InCallback reports whether the hub is running a callback (not a G) now.
func (h *Hub) InCallback() bool { return h.inCallback }

// NextIdent returns 1, 2, 3, ... on each call: small per-hub numbers for
// default greenlet names.
func (h *Hub) NextIdent() uint64 { h.idents++; return h.idents }

// NextLinkID returns a new link id, unique and increasing in h: the layer
// above numbers its greenlets' links with it.
func (h *Hub) NextLinkID() uint64 { h.linkIDs++; return h.linkIDs }

// Destroyed reports whether the hub has been shut down: Run has returned (or
// is returning) and its loop is released. Nothing can run on it any more, so
// the entry points that would need it refuse: Start, Timer.Start, Signal and
// every blocking call panic with "... after the hub was destroyed", Reinit
// and Post return ErrClosed. Queries (Census, Now, Core) keep working. Safe
// from any goroutine.
func (h *Hub) Destroyed() bool { return h.dead.Load() }

// mustLive panics if the hub was destroyed: what op would queue or arm could
// never run.
func (h *Hub) mustLive(op string) {
	if h.dead.Load() {
		panic("hub: " + op + " after the hub was destroyed (its Run returned)")
	}
}

// Main returns the main G of the running hub, nil before Run.
func (h *Hub) Main() *G { return h.main }

// Run runs body as the main greenlet, the hub loop around it, and returns
// body's error once body has returned and the hub has shut down. It locks
// the calling goroutine to its OS thread for its duration, before any
// coroutine exists, as the runtime requires of coroutines that stay on one
// thread.
//
// When body returns, the greenlets still alive are stopped: their pending
// blocking call returns ErrHubDestroyed and so does every later one, so their
// deferred code runs and no goroutine is left behind. Callbacks and timers
// still queued are dropped. A body that ignores ErrHubDestroyed and keeps
// making blocking calls in a loop never ends, and Run never returns.
//
// A panic in body is recovered and returned as a *PanicError (not reported
// to the error handler: the caller gets it); a body that calls
// runtime.Goexit (t.FailNow) makes Run return ErrGoexit, and the calling
// goroutine goes on; so does every other G's (see ErrGoexit). A hub
// callback, which runs on the calling goroutine itself, that calls
// runtime.Goexit ends that goroutine as it would any other; the hub still
// shuts down on the way out.
//
// Run may be called once per hub.
func (h *Hub) Run(body func(main *G) error) error {
	var err error
	g := &G{}
	g.Init(h, func(g *G) {
		returned := false
		defer func() {
			if !returned {
				if r := recover(); r != nil {
					err = newPanicError(r)
				} else {
					err = ErrGoexit
				}
			}
		}()
		err = body(g)
		returned = true
	})
	h.RunMain(g)
	return err
}

// RunMain is Run for a main G that the caller initialised (embedded in a
// richer greenlet); the caller collects the body's result itself.
func (h *Hub) RunMain(main *G) {
	if h.ran {
		panic("hub: Run called twice on one hub")
	}
	if main.h != h || main.state != gNew {
		panic("hub: RunMain needs a new G initialised on this hub")
	}
	h.ran = true
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	h.hubG.Store(getg())
	defer h.hubG.Store(0)
	defer h.destroy()
	if h.blocking > 0 {
		defer h.startMonitor()()
	}
	if h.runInfoSig != nil {
		h.watchRunInfoSignal(h.runInfoSig)
	}
	h.main = main
	h.Start(main)
	for !h.runGuarded() {
	}
}

// runGuarded runs the hub loop and reports true once the main G is done. A
// G that called runtime.Goexit interrupts the loop in the middle of a switch
// with a goexitSignal panic (see G.goexited): runGuarded recovers it, and
// only it, finishes that G and reports false, so that the loop is entered
// again. Keeping the recover here, out of the loop, costs the handoff path
// nothing.
func (h *Hub) runGuarded() (done bool) {
	defer func() {
		if !done && h.goexitG != nil {
			h.recoverGoexit(recover())
			g := h.goexitG
			h.goexitG = nil
			h.current = nil
			if g.state != gDead {
				h.finish(g, false)
			}
		}
	}()
	if len(h.firing) > 0 {
		h.runFiring() // the timers left by an interrupted fire
	}
	h.runLoop()
	return true
}

// recoverGoexit checks that what the hub recovered is the goexitSignal it
// was told about, and panics again with anything else.
func (h *Hub) recoverGoexit(r any) {
	if _, ok := r.(goexitSignal); !ok {
		h.goexitG = nil
		panic(r)
	}
}

// stopWorker stops w's coroutine (its G's pending Park returns
// ErrHubDestroyed, or its idle loop ends). A body whose deferred code calls
// runtime.Goexit meanwhile reaches here as a goexitSignal panic of stop; the
// caller finishes that G.
func (h *Hub) stopWorker(w *worker) {
	defer func() {
		if h.goexitG != nil {
			h.recoverGoexit(recover())
			h.goexitG = nil
		}
	}()
	w.stop()
}

// runLoop is the scheduler. Each turn: run ready callbacks FIFO (bounded by
// the switch interval), take posts from other goroutines, decide LoopExit,
// poll or block in the loop, run the timers that fired, then idle waiters.
func (h *Hub) runLoop() {
	for !h.mainDone {
		if h.verifyOn {
			h.mustVerify()
		}
		h.runCallbacks()
		if h.mainDone {
			return
		}
		if h.postFlag.Load() {
			h.takePosts()
		}
		block := h.cbq.n == 0 && len(h.idlers) == 0
		if block && h.refTimers == 0 && h.io.n == 0 && h.refs.Load() == 0 && !h.postFlag.Load() {
			// Nothing can ever wake anybody. The main greenlet learns it at
			// its blocking call; the hub goes on.
			if h.main.state == gParked {
				h.throwNow(h.main, &LoopExit{Parked: h.live})
				continue
			}
		}
		if block && h.off.running > 0 && h.spinForPost() {
			block = false // an offloaded result came in while the hub polled
		}
		var err error
		if block && h.monitor != nil {
			h.monitorSleep()
		}
		h.fired, err = h.loop.Run(block, h.fired[:0])
		if block && h.monitor != nil {
			h.monitorWake()
		}
		if err != nil {
			h.HandleError(nil, fmt.Errorf("hub: loop failed: %w", err))
		}
		if h.postFlag.Load() {
			h.takePosts()
		}
		if h.io.n > 0 {
			h.fireIO()
		}
		if len(h.fired) > 0 {
			h.fire(h.fired)
			if h.mon.Load() != monClear {
				h.monitorSeen(nil)
			}
			if h.vloop != nil {
				h.runVirtualIdle()
			}
		}
		if h.cbq.n == 0 && len(h.idlers) > 0 {
			h.runIdlers()
		}
	}
}

// runCallbacks runs ready callbacks, including those queued while it runs,
// until the queue is empty or the switch interval has passed; the clock is
// read every callbackCheckCount callbacks.
func (h *Hub) runCallbacks() {
	if h.cbq.n == 0 {
		if len(h.cbq.buf) > ringKeep {
			h.cbq.shrink()
		}
		return
	}
	h.loop.UpdateNow()
	start := h.loop.Now()
	count := 0
	r := &h.cbq
	for r.n > 0 {
		// Pop in place: a wake-up (the handoff fast path) clears only the
		// slot's one pointer instead of copying and zeroing the entry.
		slot := &r.buf[r.head]
		r.head = (r.head + 1) & (len(r.buf) - 1)
		r.n--
		if slot.kind == cbWake {
			g, seq := slot.g, slot.seq
			slot.g = nil
			if g.seq == seq && g.state == gParked {
				// switchTo, written out (see ParkFor on frames)
				g.seq++
				g.state = gRunning
				h.current = g
				_, ok := g.next() // may grow r.buf; slot is not used after
				h.current = nil
				if h.mon.Load() != monClear {
					h.monitorSeen(g)
				}
				if g.state == gRunning {
					h.finish(g, ok)
				}
			}
		} else {
			cb := *slot
			*slot = callback{}
			h.dispatch(&cb)
			if h.mon.Load() != monClear {
				h.monitorSeen(nil)
			}
		}
		if h.mainDone {
			return
		}
		if h.postFlag.Load() {
			// A goroutine waits for this post (greenlet.Call): it joins the
			// queue now, not after the switch interval.
			h.takePosts()
		}
		if count++; count == callbackCheckCount {
			count = 0
			h.loop.UpdateNow()
			if h.loop.Now()-start >= h.interval || h.virtual {
				return
			}
		}
	}
}

func (h *Hub) runIdlers() {
	idlers := h.idlers
	h.idlers = nil
	for _, tok := range idlers {
		h.cbq.pushWake(tok.g, tok.seq)
	}
}

// dispatch runs one callback: a wake-up, a throw, a start or a function.
func (h *Hub) dispatch(cb *callback) {
	switch cb.kind {
	case cbWake:
		if g := cb.g; g.seq == cb.seq && g.state == gParked {
			h.switchTo(g)
		}
	case cbStart:
		h.startNow(cb.g)
	case cbThrow:
		h.throwNow(cb.g, cb.arg.(error))
	case cbPlain:
		h.call(cb.arg.(func()), nil, nil, "hub callback")
	case cbFunc:
		h.call(nil, cb.fn, cb.arg, "hub callback")
	}
}

// call runs a function callback in the hub, with blocking calls refused and
// panics reported to the error handler.
func (h *Hub) call(fn func(), fnArg func(any), arg any, ctx any) {
	h.inCallback = true
	defer func() {
		h.inCallback = false
		if r := recover(); r != nil {
			h.HandleError(ctx, newPanicError(r))
		}
	}()
	if fn != nil {
		fn()
	} else {
		fnArg(arg)
	}
}

// Start queues g's first switch: g runs after the callbacks already queued
// (gevent's start()). Starting a G that is not new does nothing. It panics
// once the hub is destroyed (the G could never run).
func (h *Hub) Start(g *G) {
	if g.h != h {
		panic("hub: Start of a G of another hub")
	}
	h.mustLive("Start")
	if g.state != gNew {
		return
	}
	g.state = gStarted
	h.cbq.push(callback{g: g, kind: cbStart})
}

// MarkStarted records that g's start was arranged elsewhere (a timer made with
// SetStart), so that Pending reports it.
func (h *Hub) MarkStarted(g *G) {
	if g.state == gNew {
		g.state = gStarted
	}
}

func (h *Hub) startNow(g *G) {
	if g.state == gNew || g.state == gStarted {
		h.launch(g)
	}
}

// Discard marks a G that has not run dead without ever running its body
// (gevent's kill before start). It reports false, and does nothing, if the
// body already ran or g is dead.
func (h *Hub) Discard(g *G) bool {
	if g.state != gNew && g.state != gStarted {
		return false
	}
	g.state = gDead
	g.Timer.Stop()
	return true
}

// Wake queues the resumption of the park named by tok (FIFO with the other
// callbacks). A stale token (the G resumed since) is ignored when the
// callback runs. It allocates nothing.
func (h *Hub) Wake(tok Token) { h.cbq.pushWake(tok.g, tok.seq) }

// Throw queues the delivery of err to g: when the callback runs, g's pending
// blocking call returns err (gevent's throw from the hub). A G that has not
// run is discarded instead (it never runs); a dead G is left alone. err must
// not be nil.
func (h *Hub) Throw(g *G, err error) {
	if err == nil {
		panic("hub: Throw of a nil error")
	}
	h.cbq.push(callback{g: g, kind: cbThrow, arg: err})
}

// throwNow delivers err to g from the hub, at once.
func (h *Hub) throwNow(g *G, err error) {
	switch g.state {
	case gParked:
		g.thrown = err
		h.switchTo(g)
	case gNew, gStarted:
		h.Discard(g)
	}
}

func (h *Hub) resume(tok Token) {
	if g := tok.g; g.seq == tok.seq && g.state == gParked {
		h.switchTo(g)
	}
}

// AddIdle queues the resumption of tok for when the loop has nothing else to
// do: no ready callback (gevent's idle()).
func (h *Hub) AddIdle(tok Token) { h.idlers = append(h.idlers, tok) }

// RunCallback queues fn to run in the hub after the callbacks already queued
// (gevent's loop.run_callback). fn must not block; a panic in it goes to the
// error handler. Not safe for other goroutines: use Post.
func (h *Hub) RunCallback(fn func()) {
	if fn == nil {
		panic("hub: RunCallback of a nil function")
	}
	h.cbq.push(callback{kind: cbPlain, arg: fn})
}

// RunCallbackArg is RunCallback for a function with one argument; it lets
// hot paths queue work without allocating a closure.
func (h *Hub) RunCallbackArg(fn func(any), arg any) {
	if fn == nil {
		panic("hub: RunCallbackArg of a nil function")
	}
	h.cbq.push(callback{kind: cbFunc, fn: fn, arg: arg})
}

// Handle is like RunCallback but returns a handle that can cancel the
// callback before it runs.
func (h *Hub) Handle(fn func()) *Callback {
	c := &Callback{fn: fn, pending: true}
	h.cbq.push(callback{kind: cbFunc, fn: runHandle, arg: c})
	return c
}

// A Callback is a queued callback that can be cancelled (gevent's callback
// object from run_callback).
type Callback struct {
	fn      func()
	pending bool
}

func runHandle(a any) {
	c := a.(*Callback)
	if c.pending {
		c.pending = false
		c.fn()
	}
}

// Pending reports whether the callback is still queued and not cancelled.
func (c *Callback) Pending() bool { return c.pending }

// Stop cancels the callback if it has not run.
func (c *Callback) Stop() { c.pending = false }

// Reinit re-creates the loop's kernel resources (gevent's reinit after a
// fork). Call it from the hub's goroutine. It returns ErrClosed once the hub
// is destroyed: there is no loop left to re-create.
func (h *Hub) Reinit() error {
	if h.dead.Load() {
		return ErrClosed
	}
	return h.loop.Reinit()
}

// A Census counts what a hub holds; all zero after Run means nothing leaked.
type Census struct {
	Live      int // launched, unfinished greenlets
	Callbacks int // queued callbacks
	Timers    int // armed timers
	Idlers    int
	Refs      int64
	IOWaits   int // greenlets waiting on a file descriptor
}

// Census reports what h holds now. Call it from the hub's goroutine or after
// Run returned.
func (h *Hub) Census() Census {
	n := 0
	for _, t := range h.timers {
		if t != nil {
			n++
		}
	}
	return Census{Live: h.live, Callbacks: h.cbq.n, Timers: n, Idlers: len(h.idlers), Refs: h.refs.Load(), IOWaits: h.io.n}
}

// destroy stops every live G (their blocking calls return ErrHubDestroyed)
// and releases the loop. It runs when Run ends, also when the main body ended
// the goroutine with runtime.Goexit.
func (h *Hub) destroy() {
	h.destroying = true
	h.closed.Store(true)
	for h.liveHead != nil {
		g := h.liveHead
		h.current = g
		g.state = gRunning
		h.stopWorker(g.w) // Park returns ErrHubDestroyed; the body runs to its end
		h.current = nil
		if g.state != gDead {
			h.finish(g, false)
		}
	}
	for h.idle != nil {
		w := h.idle
		h.idle = w.idleNext
		w.stop()
	}
	h.nidle = 0
	for _, w := range h.watchers {
		w.Cancel()
	}
	h.watchers = nil
	h.cbq.clear()
	h.idlers = nil
	for i, t := range h.timers {
		if t != nil {
			h.loop.Cancel(uint64(i))
			t.state = timerIdle
			h.timers[i] = nil
		}
	}
	h.refTimers = 0
	h.postMu.Lock()
	h.posted = nil
	h.postMu.Unlock()
	h.gmu.Lock()
	h.gids = nil // every worker has ended: drop their records
	h.gmu.Unlock()
	h.loop.Close()
	h.dead.Store(true)
	close(h.done)
}

// ownGoroutine reports whether the goroutine gid is the hub's (in Run) or
// one of its worker coroutines: the goroutines that may read hub state. Safe
// from any goroutine; it is reached only on misuse paths.
func (h *Hub) ownGoroutine(gid uintptr) bool {
	if h.hubG.Load() == gid {
		return true
	}
	h.gmu.Lock()
	w := h.gids[gid]
	h.gmu.Unlock()
	return w != nil && !w.gone.Load()
}

// addGoroutine registers the coroutine gid as w's. An ended worker is not
// removed (a map delete cost a cache miss per worker when many greenlets
// end at once); it marks itself gone, and its entry is replaced when a new
// worker gets the same goroutine identity. The entries are thus bounded by
// the goroutine records the runtime keeps, which it never frees either.
func (h *Hub) addGoroutine(gid uintptr, w *worker) {
	h.gmu.Lock()
	if h.gids == nil {
		h.gids = make(map[uintptr]*worker)
	}
	h.gids[gid] = w
	h.gmu.Unlock()
}

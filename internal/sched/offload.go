package sched

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// DefaultBlockingLimit is how many offloaded functions (Offload) of one hub
// may run at once when WithBlockingLimit is not given. Offloaded work is
// mostly waiting (I/O, a cgo call, a channel), so the bound is about
// goroutines and file descriptors, not CPUs; gevent's threadpool has a
// similar fixed default.
const DefaultBlockingLimit = 64

// offloadSpin is how long an idle hub with offloaded work outstanding polls
// its post queue before it blocks in the loop. Waking a sleeping locked
// thread costs an OS wake-up, which dominates a short offload; spinning for
// about that long first bounds the waste to one wake-up's worth of CPU per
// idle turn (competitive spinning) while a quick result arrives with no
// wake-up at all. Each poll gives the CPU to any other runnable thread
// (osYield): on a machine with more runnable threads than CPUs, the thread
// that would deliver the result may be waiting for this very CPU, and a
// flat-out spin would keep it out; on an idle machine the yield returns at
// once. greenlet's BenchmarkBlockingRoundTrip and the bench command's offload
// workload measure it.
const offloadSpin = 50 * time.Microsecond

// spinSlice is how long the polls run flat out between two yields of the
// CPU. Each poll loop yields first, which hands the CPU over at once when
// the other side waits for this very CPU; then it polls flat out between
// yields, since a yield is a system call that costs about as much as a quick
// offload and yielding at every poll would set the round trip's floor.
const spinSlice = time.Microsecond

// workerPoll is how long a worker that finished a function polls for the
// next one before its goroutine ends. Starting a goroutine from the hub's
// locked thread needs an idle thread woken, so a worker that stays is what
// makes back-to-back offloads cheap; it polls longer than the hub spins, so
// that a round trip slowed by one wake-up does not make every later one pay
// it too. Its polls yield to every other goroutine (runtime.Gosched) and
// thread (osYield).
const workerPoll = 4 * offloadSpin

// WithBlockingLimit bounds how many functions the hub runs at once through
// Offload (greenlet.Blocking); further callers wait, in FIFO order, until a
// running one returns. It must be positive; the default is
// DefaultBlockingLimit.
func WithBlockingLimit(n int) Option { return func(c *config) { c.blockingLimit = n } }

// offloads is a hub's state for Offload. The atomics are shared with the
// workers; everything else belongs to the hub's goroutine.
type offloads struct {
	limit    int
	running  int           // goroutines running an offloaded function: slots taken
	waiters  []*slotWaiter // callers waiting for a slot, FIFO
	spinning atomic.Bool   // the hub polls its post queue: a post needs no loop wake-up
	slow     bool          // the last function to return took longer than the spin window

	// Workers that finished a function poll for the next one for the spin
	// window before their goroutine ends: a job handed to one of them starts
	// at once, whereas a new goroutine started from the hub's thread sits on
	// the hub's own run queue until another thread steals it.
	handoff atomic.Pointer[offloadJob] // a job for a polling worker
	pollers atomic.Int32               // workers polling handoff
}

type slotWaiter struct {
	tok     Token
	granted bool // a slot was handed over to this waiter
}

// offloadJob is one call of Offload: written by the goroutine before it
// posts, read by the hub after it took the post (the post's mutex orders
// them).
type offloadJob struct {
	tok       Token
	start     time.Time
	ctx       context.Context
	work      func(ctx context.Context)
	err       error // a panic of the function, as a *PanicError
	done      bool  // the function returned and its result was handed over
	abandoned bool  // the caller stopped waiting (killed, timed out, hub destroyed)
}

// Offload runs work on a goroutine of its own (a new one, or a worker that has
// just finished another function) and parks g, the G now running, until
// work returns (gevent's threadpool.apply): the hub and its other greenlets
// run meanwhile. It returns nil once work has returned, a *PanicError if work
// panicked, or the error delivered to g while it waited (a kill, a timeout,
// ErrHubDestroyed). In that case the context given to work is cancelled,
// with that error as its cause (context.Cause), before Offload returns, and
// whatever work does afterwards is ignored: it is the work's business to
// return soon once ctx is done.
//
// At most the hub's blocking limit of functions run at once (see
// WithBlockingLimit); a caller beyond it parks until a slot is free, first
// come first served, and gets a kill or timeout there like at any blocking
// call. While a function runs, its slot stays taken and the hub counts it as
// outside work (as a Ref), so the main greenlet does not get LoopExit while a
// result is due; work that outlives its caller (killed, timed out) keeps
// that count until it returns, since its slot stays taken until then. On a
// virtual clock the clock stands still meanwhile, as for any Ref, so a
// Timeout of g cannot interrupt the wait there.
//
// When the hub has nothing else to do while work is outstanding, it polls for
// the result for a short window before it sleeps in the OS, so a short work
// returns without an OS thread wake-up.
//
// Offload panics like every blocking call when g is not running, and returns
// ErrBlockingSwitchOut from a hub callback; work must not be nil.
func (h *Hub) Offload(g *G, work func(ctx context.Context)) error {
	if work == nil {
		panic("hub: Offload of a nil function")
	}
	if g == nil || g.h != h {
		panic("hub: Offload: the G must be the running G of this hub")
	}
	if err := g.Check("Offload"); err != nil {
		return err
	}
	o := &h.off
	if o.running >= o.limit || len(o.waiters) > 0 {
		if err := h.waitSlot(g); err != nil {
			return err
		}
	} else {
		o.running++
	}
	h.refs.Add(1)
	ctx, cancel := context.WithCancelCause(context.Background())
	job := &offloadJob{tok: g.Token(), start: time.Now(), ctx: ctx, work: work}
	h.startOffload(job)
	var err error
	for !job.done && err == nil {
		job.tok = g.Token() // the park that offloadDone wakes
		err = g.ParkFor("hub: Offload")
	}
	cancel(err) // the kill or timeout is the cause work sees (context.Cause)
	if err != nil {
		job.abandoned = true
		return err
	}
	return job.err
}

// waitSlot parks g until a slot is handed to it, FIFO. An error delivered
// meanwhile gives up the place in the queue (or the slot, if it came with the
// error) and is returned.
func (h *Hub) waitSlot(g *G) error {
	o := &h.off
	w := &slotWaiter{}
	o.waiters = append(o.waiters, w)
	for !w.granted {
		w.tok = g.Token()
		if err := g.ParkFor("hub: Offload"); err != nil {
			if w.granted {
				h.releaseSlot()
			} else {
				for i, x := range o.waiters {
					if x == w {
						o.waiters = append(o.waiters[:i], o.waiters[i+1:]...)
						break
					}
				}
			}
			return err
		}
	}
	return nil
}

// releaseSlot hands a slot to the first waiter, or frees it.
func (h *Hub) releaseSlot() {
	o := &h.off
	if len(o.waiters) == 0 {
		o.running--
		return
	}
	w := o.waiters[0]
	o.waiters[0] = nil
	o.waiters = o.waiters[1:]
	w.granted = true
	h.Wake(w.tok)
}

// startOffload hands job to a polling worker, or starts a new one.
func (h *Hub) startOffload(job *offloadJob) {
	o := &h.off
	if o.pollers.Load() > 0 && o.handoff.CompareAndSwap(nil, job) {
		// A worker that stops polling decrements pollers before its last
		// look at handoff, so while one is counted the job is taken; if none
		// is counted any more, take the job back unless one got it.
		if o.pollers.Load() > 0 || !o.handoff.CompareAndSwap(job, nil) {
			return
		}
	}
	go h.offloadWorker(job)
	// The new goroutine went to the hub thread's "run next" slot, which other
	// threads steal from only after a pause; a second one pushes it to the
	// run queue proper, where an idle thread picks it up at once.
	go func() {}()
}

// offloadWorker runs job, then the jobs handed to it while it polls.
func (h *Hub) offloadWorker(job *offloadJob) {
	o := &h.off
	for job != nil {
		h.runJob(job)
		job = nil
		o.pollers.Add(1)
		start := time.Now()
		for next := time.Duration(0); job == nil; job = o.handoff.Swap(nil) {
			if d := time.Since(start); d >= workerPoll {
				break
			} else if d >= next {
				runtime.Gosched() // keep no goroutine waiting
				osYield()         // nor a thread
				next = d + spinSlice
			}
		}
		if job == nil {
			o.pollers.Add(-1)
			job = o.handoff.Swap(nil)
		} else {
			o.pollers.Add(-1)
		}
	}
}

// runJob runs one offloaded function and posts its end.
func (h *Hub) runJob(job *offloadJob) {
	defer h.postOffloadDone(job)
	defer func() {
		if r := recover(); r != nil {
			job.err = newPanicError(r)
		}
	}()
	job.work(job.ctx)
}

// postOffloadDone is Post for the end of an offloaded function, without the
// closure, and without waking the loop while the hub spins for it.
func (h *Hub) postOffloadDone(job *offloadJob) {
	h.postMu.Lock()
	if h.closed.Load() {
		h.postMu.Unlock()
		h.refs.Add(-1) // the hub is gone and its caller with it; the census settles
		return
	}
	h.posted = append(h.posted, callback{kind: cbFunc, fn: offloadDone, arg: job})
	h.postFlag.Store(true)
	h.postMu.Unlock()
	// The hub clears spinning before it looks at postFlag one last time, so
	// a post that sees it set is taken without a wake-up.
	if !h.off.spinning.Load() {
		h.loop.Wake()
	}
}

// offloadDone runs in the hub when an offloaded function has returned.
func offloadDone(a any) {
	job := a.(*offloadJob)
	h := job.tok.g.h
	h.off.slow = time.Since(job.start) > offloadSpin
	h.releaseSlot()
	h.refs.Add(-1)
	if !job.abandoned {
		job.done = true
		h.Wake(job.tok)
	}
}

// spinForPost polls the post queue for up to the spin window and reports
// whether a post arrived. The hub calls it instead of blocking at once while
// offloaded work is outstanding. After a function that outlasted the window
// it does not poll: the next one is likely as slow (a read that waits for
// the network), and polling would only burn the window each time; the first
// quick one brings polling back. With one P (GOMAXPROCS=1) it never polls:
// the work's goroutine could not run while the hub's thread holds that P.
func (h *Hub) spinForPost() bool {
	o := &h.off
	if o.slow || runtime.GOMAXPROCS(0) == 1 {
		return false
	}
	o.spinning.Store(true)
	start := time.Now()
	for next := time.Duration(0); !h.postFlag.Load(); {
		if d := time.Since(start); d >= offloadSpin {
			break
		} else if d >= next {
			osYield()
			next = d + spinSlice
		}
	}
	o.spinning.Store(false)
	return h.postFlag.Load()
}

// checkBlockingLimit validates the WithBlockingLimit option at New.
func checkBlockingLimit(n int) error {
	if n <= 0 {
		return fmt.Errorf("hub: blocking limit must be positive, got %d", n)
	}
	return nil
}

// Package sched is the scheduler under gevent-go's greenlets: a Hub runs the
// greenlets of one OS thread as runtime coroutines (iter.Pull), with a FIFO
// run-callback queue, timers and wake-ups on a replaceable event loop (a
// Loop: the core), a Waiter, error handling and a thread-safe Post.
//
// It is internal: package hub is its public face (a *hub.Hub wraps a
// *Hub, see SetPublic and Of), and package greenlet builds gevent's Greenlet
// API on the primitives here (G.Park, Hub.Wake, Token, Waiter, Timer)
// directly, with no indirection on its hot paths. Panic messages and errors
// still say "hub: ", the package users know. The rest of this comment
// describes the model both share.
//
// # Model
//
// Hub.Run locks the calling goroutine to its OS thread, then runs the main
// body as a coroutine and the scheduler loop around it. Every G (a raw
// greenlet) is a coroutine switched into by that loop; a G runs until it
// parks (G.Park), then the loop runs the next ready callback. A handoff from
// one G to another is two coroutine switches plus a few field writes: no
// allocation, no channel, no lock. Finished Gs give their coroutine back to
// the hub, which reuses it for the next G.
//
// Each loop turn: run ready callbacks in FIFO order, including those queued
// meanwhile, for at most the switch interval (5 ms by default; the clock is
// read every 50 callbacks), then take posts from other goroutines, then poll
// the Loop (blocking if nothing is ready), wake the Gs whose fds it found
// ready (G.WaitFD) and run the timers that fired, then wake idle waiters. A
// sleep(0) therefore resumes in the same turn, and a
// sleep(0) loop cannot starve timers. Posts are also taken between callbacks,
// as they arrive, so that a goroutine waiting for the hub (greenlet.Call) is
// not held up by a busy turn.
//
// # Outcomes are errors
//
// Park returns nil after a Wake, or the error a Throw delivered: kills and
// timeouts arrive as the error of the blocking call where the G is parked.
// When the main G is parked and nothing could wake it (no ready callback, no
// referenced timer, no Ref, no pending Post; signal watchers do not count),
// its Park returns a *LoopExit and the hub stays usable. A blocking call made
// inside a hub callback returns ErrBlockingSwitchOut (gevent raises
// BlockingSwitchOutError there). When Run's body returns, the Gs still alive
// are stopped: their blocking call returns ErrHubDestroyed.
//
// # Misuse
//
// A blocking call names its G, and the hub panics with a "hub: " message
// (or the caller's prefix, such as "greenlet: ") when that G is not the one
// it is running. A blocking call made from a goroutine that is not the hub's
// (a G's body handing its *G to a go statement) panics too, before it reads
// anything of the hub, so the caller can recover it; other calls from a
// foreign goroutine, except Post, Ref, Unref, Loop.Wake, Done, RunInfo and
// CheckForeign, are undefined (go test -race reports them). A body that calls runtime.Goexit (t.FailNow)
// ends only its G, with ErrGoexit. Once Run has returned, the hub refuses
// to start or arm anything (see Hub.Destroyed). Bodies must not call
// runtime.LockOSThread or UnlockOSThread: the runtime requires every switch
// of a hub's coroutines to see the lock state they were created with.
//
// A greenlet that blocks its hub's thread (time.Sleep, a socket read, a Go
// channel) stops every other greenlet of the hub: WithBlockingReport reports
// such greenlets, and RunInfo (or WithRunInfoOnSignal) lists what each
// greenlet is waiting for.
//
// # Cores
//
// A core is a Loop implementation registered by name. This build always has
// "go", the pure-Go loop: a 4-ary timer heap and a channel wake-up, blocking
// on a time.Timer when idle. A cgo build adds "c" with one RegisterCore line
// in a cgo-tagged file; DefaultCore then prefers it. The core is chosen by
// WithCore, else the GEVENT_CORE environment variable, else DefaultCore. A
// core that this build lacks is an error from New (no silent fallback): a
// program that asked for the C core must learn it does not have it.
//
// WithVirtualClock runs the pure-Go loop on a virtual clock that jumps to the
// earliest deadline whenever the hub is idle: deterministic tests (package
// greenlettest) and discrete-event simulation. It is not a core of its own:
// the C core's libev loop keeps real time, and New refuses the combination.
package sched

// Package hub creates and configures the hub under gevent-go's greenlets,
// and is the door into a running hub from other goroutines.
//
// A Hub runs the greenlets of one OS thread as runtime coroutines: one
// goroutine, locked to its thread while the hub runs, switches between them
// whenever one blocks (a sleep, a join, a queue, a timeout), and runs the
// timers, wake-ups and callbacks that make them ready again. Package greenlet
// is the API for writing greenlets (Spawn, Join, Kill, queues, events,
// timeouts); greenlet.Run creates a hub with options from this package and
// runs a body as its main greenlet, and greenlet.RunOn runs one on a hub made
// by New. Use this package to:
//
//   - choose a core and options (New with WithCore, WithVirtualClock,
//     WithSwitchInterval, WithBlockingLimit, WithErrorHandler, ...);
//   - hand work to a hub from another goroutine (Post, with Ref and Unref,
//     and Done to stop waiting once the hub is gone);
//   - inspect it (Census, RunInfo, WithBlockingReport, WithRunInfoOnSignal);
//   - decide what happens to failures nobody handled (ErrorHandler);
//   - run C functions as greenlets on the C core (SpawnC, CGreenlet).
//
// # Model
//
// Inside one hub nothing runs in parallel: a greenlet runs until it blocks,
// then the hub runs whatever is ready next, so greenlets share state without
// locks. Each loop turn runs the ready callbacks in FIFO order for at most
// the switch interval (DefaultSwitchInterval unless WithSwitchInterval),
// then takes posts from other goroutines, then polls the core for timers,
// ready file descriptors (greenlet.WaitRead, package socket) and wake-ups. A sleep(0) therefore resumes in the same turn, and a sleep(0)
// loop cannot starve timers. Many hubs may run at once on different
// goroutines; they share nothing.
//
// # Outcomes are errors
//
// Kills and timeouts arrive as the error of the blocking call where a
// greenlet is parked. When the main greenlet is parked and nothing could
// wake it (no ready callback, no referenced timer, no Ref, no pending Post),
// its blocking call returns a *LoopExit, and the hub stays usable. A
// blocking call made inside a hub callback returns ErrBlockingSwitchOut.
// When the main greenlet returns, the greenlets still alive are stopped:
// their blocking call returns ErrHubDestroyed, an ExitError, so their
// deferred code runs and nothing is leaked.
//
// # Misuse
//
// Misuse panics with a "hub: " (or "greenlet: ") message before it changes
// anything. Greenlets belong to their hub's goroutine: a blocking call from
// another goroutine panics before it reads anything of the hub, and the
// other methods of a Hub are for its own goroutine except Post, Ref, Unref,
// Done, Destroyed and RunInfo, which are safe from any goroutine. A greenlet
// that blocks its hub's thread (time.Sleep, a socket read, a Go channel)
// stops every other greenlet of the hub; greenlet.Blocking runs such work on
// another goroutine, and WithBlockingReport reports the greenlets that do it.
//
// # Cores
//
// A core is the event loop under a hub. Every build has "go", a pure-Go
// loop; a cgo build adds "c", a libev loop with C greenlets (SpawnC), and
// DefaultCore then prefers it. The core is chosen by WithCore, else the
// GEVENT_CORE environment variable (CoreEnv), else DefaultCore. A core that
// this build lacks is an error from New, never a silent fallback: a program
// that asked for the C core must learn it does not have it.
//
// WithVirtualClock runs the pure-Go loop on a virtual clock that jumps to the
// earliest deadline whenever the hub is idle: deterministic tests (package
// greenlettest) and discrete-event simulation.
package hub

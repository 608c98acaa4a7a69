// Package greenlet is gevent's greenlet API for Go: cooperatively scheduled
// units of work (greenlets) on a hub that runs them one at a time on one OS
// thread, switching only at blocking calls.
//
// A program starts with Run, whose body is the main greenlet. Every body
// receives its own *Greenlet and passes it to every blocking call it makes:
// Go has no goroutine-local state, and naming the caller is what lets many
// hubs run in parallel safely. Inside one hub greenlets share memory without
// locks, and the order of events is deterministic.
//
//	err := greenlet.Run(func(main *greenlet.Greenlet) error {
//		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
//			if err := greenlet.Sleep(g, 10*time.Millisecond); err != nil {
//				return nil, err // killed or timed out while sleeping
//			}
//			return "done", nil
//		})
//		v, err := g.Get(main, true, greenlet.Forever)
//		fmt.Println(v, err)
//		return err
//	})
//
// # Outcomes are errors
//
// A body returns (value, error). Kill and Timeout are delivered as the error
// returned by the blocking call where the target is parked, once per
// delivery; the body decides what to do with it, usually return it. A
// GreenletExit (the default kill) ends a greenlet successfully and is its
// Value. A Timeout delivers itself: the error is the *Timeout, so "is this my
// timeout" is err == t, and an outer timeout passes through inner waits. A
// panic in a body becomes the greenlet's error (a *PanicError with the
// stack); the hub survives, and so it does when a body calls runtime.Goexit
// (t.FailNow, require), which ends the greenlet with ErrGoexit. Failures are
// reported to the hub's error handler, which prints like gevent by default
// (see hub.ErrorHandler). Nothing re-panics on another goroutine.
//
// # gevent's basic utilities in Go
//
//	gevent (0.13.6 and modern)         greenlet
//	Greenlet(run)                      New(cur, fn); g.Start(); g.StartLater(d)
//	g.value / exception / ready()      g.Value(); g.Err(); g.Ready()
//	successful() / dead / started      g.Successful(); g.Dead(); g.Started()
//	g.join(timeout) / get(block, t)    g.Join(cur, t); g.Get(cur, block, t)
//	g.kill(exc, block, timeout)        g.Kill(cur, err, block, t)
//	rawlink / link / link_value / ...  g.Rawlink(fn); g.Link(fn); g.LinkValue(fn); g.LinkException(fn)
//	link(greenlet) (0.13.6)            g.LinkTo(target, filter) -> *LinkedCompleted / *LinkedKilled / *LinkedFailed
//	unlink                             g.Unlink(id)
//	with spawn(f) as g:                g.Scope(cur, body)
//	GreenletExit                       *GreenletExit (success; it is the value)
//	spawn / spawn_later / spawn_raw    Spawn; SpawnLater; Spawn (no raw form)
//	spawn_link / _value / _exception   SpawnLink; SpawnLinkValue; SpawnLinkException
//	joinall(gs, timeout, raise, count) JoinAll(cur, gs, t, raiseError, count)
//	killall(gs, exc, block, timeout)   KillAll(cur, gs, err, block, t)
//	kill(g, exc)                       Kill(g, err)
//	getcurrent()                       Current(hub); every body is handed its greenlet
//	sleep(seconds) / idle()            Sleep(cur, d); Idle(cur)
//	Timeout(seconds, exc)              NewTimeout(d, err); NewSilentTimeout(d); StartNew(cur, d, err)
//	t.start / pending / cancel / close t.Start(cur); t.Pending(); t.Cancel(); t.Close()
//	with Timeout(...):                 t.Do(cur, fn)
//	with_timeout(s, f, timeout_value)  WithTimeout(cur, d, fn); WithTimeoutValue(cur, d, v, fn)
//	signal(signum, handler)            Signal(cur, sig, handler) -> Cancel()
//	fork()                             RegisterFork(name, entry) + Fork(cur, name, args, files...) + ForkMain()
//	reinit()                           Reinit(hub)
//	shutdown()                         Shutdown(main); Run shuts the hub down when main returns
//	wait() / hub.join(timeout)         Wait(main, t)
//	core                               package hub: hub.WithCore, GEVENT_CORE=go|c
//	add_spawn_callback                 AddSpawnCallback; RemoveSpawnCallback
//	(typed results)                    SpawnTyped[T] -> Typed[T].Get / Value
//	threadpool.apply(f)                Blocking(cur, func(ctx) (T, error)); hub.WithBlockingLimit
//	(Go's context.Context)             g.Context(); SpawnContext(ctx, on, fn); WaitContext(cur, ctx)
//	run_callback_threadsafe + result   Call(ctx, h, fn): from any goroutine, fn as a greenlet of h
//	LoopExit / BlockingSwitchOutError  ErrLoopExit (*hub.LoopExit); ErrBlockingSwitchOut
//
// and its higher-level classes (modern semantics; constructors take the hub,
// and zero values are not usable):
//
//	Event                              NewEvent(h): Set; Clear; IsSet; Wait(cur, t) (bool, error)
//	AsyncResult                        NewAsyncResult(h): Set; SetException; Get(cur, block, t); Wait
//	greenlet.link(result)              g.Rawlink(r.Receive)
//	wait(objects, timeout, count)      WaitObjects(cur, objs, t, count)
//	iwait(objects, timeout, count)     IWait(...) -> *Iter (Next, Close; All() as an iter.Seq)
//	Semaphore / BoundedSemaphore / Lock NewSemaphore; NewBoundedSemaphore; NewLock: Acquire(cur, block, t); Release
//	Queue(maxsize) / LifoQueue / PriorityQueue  NewQueue[T](h, n); NewLifoQueue; NewPriorityQueue(less): Put; Get; Peek; TaskDone; Join; Shutdown
//	Channel                            NewChannel[T](h): a rendezvous (Put waits for a Get)
//	Group                              NewGroup(h): Spawn; Add; Discard; Join(cur, t, raiseError); Kill; Killone
//	Pool(size)                         NewPool(h, size): Spawn blocks while full; FreeCount; WaitAvailable; Map; Imap; ImapUnordered
//	Empty / Full / ShutDown / PoolFull ErrEmpty; ErrFull; ErrShutDown; ErrPoolFull
//
// Timeouts are time.Duration values: Forever means none (timeout=None); zero
// or negative ones expire at the next loop iteration.
//
// # Where 0.13.6 and modern gevent differ
//
// Modern behaviour is followed, and the seed-only items are kept:
//   - links run FIFO, in the order added (0.13.6: LIFO); each exactly once,
//     always asynchronously, also on a dead greenlet;
//   - killing a greenlet that has not run never runs it, does not yield, and
//     still fires its links (0.13.6 yielded once; gevent.kill let it run);
//   - Start on a started or finished greenlet is a no-op (0.13.6 asserted);
//   - Sleep(0) resumes within the same loop iteration, bounded by the switch
//     interval (0.13.6: a 0 s timer, next iteration); a negative Sleep is an
//     error as in 0.13.6 (modern: treated as 0), since it is almost always a
//     bug in a deadline computation;
//   - LoopExit reaches the main greenlet and the hub stays usable (0.13.6:
//     DispatchExit and a new hub); Shutdown keeps 0.13.6's meaning (run
//     until nothing is left);
//   - a blocking call inside a hub callback returns ErrBlockingSwitchOut;
//   - link to a greenlet, LinkedExited and SpawnLink* are kept with their
//     0.13.6 meaning, except that the error always arrives at the target's
//     next blocking call (0.13.6 raised it synchronously inside link() when
//     the source was already dead and the target was the caller);
//   - Link callbacks run in a new greenlet started FIFO (modern switches into
//     it from the notifier directly); Rawlink callbacks run in the hub;
//   - Fork re-executes the program (a Go runtime cannot continue in a forked
//     child): greenlets and timers of the parent do not run in the child;
//   - default names are "Greenlet-<n>" with n a per-hub counter (modern reuses
//     small numbers of dead greenlets).
//
// # Costs
//
// A handoff between greenlets is two coroutine switches and allocates
// nothing; Spawn+Join allocates the Greenlet only (finished greenlets give
// their coroutine back to the hub for reuse); a parked greenlet costs about
// 2.5 KiB. Profile labels (greenlet=<name>) are opt-in with
// hub.WithProfileLabels, because they cost a context and a label set per
// greenlet.
package greenlet

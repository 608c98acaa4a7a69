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
//		v, err := g.Get(main)
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
// reported to the hub's error handler, which by default prints one line per
// failure, and the stack only after a panic (see hub.PrintError;
// hub.WithErrorLogger sends the reports to a *slog.Logger instead). Nothing
// re-panics on another goroutine.
//
// # gevent's basic utilities in Go
//
//	gevent (0.13.6 and modern)         greenlet
//	Greenlet(run)                      New(cur, fn); g.Start(); g.StartLater(d)
//	g.value / exception / ready()      g.Value(); g.Err(); g.Ready()
//	successful() / dead / started      g.Successful(); g.Dead(); g.Started()
//	g.join() / g.join(timeout)         g.Join(cur); g.JoinTimeout(cur, d) -> (finished bool, error)
//	g.get() / g.get(timeout=t)         g.Get(cur); g.GetTimeout(cur, d)
//	g.get(block=False)                 g.Ready(), then g.Value() / g.Err()
//	g.kill(exc, block=True, timeout)   g.Kill(cur, WithError(err), Within(d)) (both options optional)
//	g.kill(exc, block=False)           g.KillNowait(WithError(err))
//	rawlink / link / link_value / ...  g.Rawlink(fn); g.Link(fn); g.LinkValue(fn); g.LinkException(fn)
//	link(greenlet) (0.13.6)            g.LinkTo(target, filter) -> *LinkedCompleted / *LinkedKilled / *LinkedFailed
//	unlink                             g.Unlink(id)
//	with spawn(f) as g:                g.Scope(cur, body)
//	GreenletExit                       *GreenletExit (success; it is the value)
//	spawn / spawn_later / spawn_raw    Spawn; SpawnLater; Spawn (no raw form)
//	spawn_link / _value / _exception   SpawnLink; SpawnLinkValue; SpawnLinkException
//	joinall(gs, timeout, raise, count) JoinAll(cur, gs, Within(d), StopOnError(), Count(n))
//	killall(gs, exc, block, timeout)   KillAll(cur, gs, WithError(err), Within(d)); KillAllNowait(gs, WithError(err))
//	kill(g, exc)                       g.KillNowait(WithError(err))
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
//	wait() / hub.join(timeout)         Wait(main); WaitTimeout(main, d) -> (ran out of work bool, error)
//	core                               package hub: hub.WithCore, GEVENT_CORE=go|c
//	add_spawn_callback                 AddSpawnCallback; RemoveSpawnCallback
//	(typed results)                    SpawnTyped[T]; SpawnTypedIn[T](cur, group or pool, fn) -> Typed[T].Get / GetTimeout / Value
//	threadpool.apply(f)                Blocking(cur, func(ctx) (T, error)); hub.WithBlockingLimit
//	(Go's context.Context)             g.Context(); SpawnContext(ctx, on, fn); WaitContext(cur, ctx)
//	run_callback_threadsafe + result   Call(ctx, h, fn): from any goroutine, fn as a greenlet of h
//	socket.wait_read(fd, timeout)      WaitRead(cur, fd); WaitReadTimeout(cur, fd, d) (bool, error)
//	socket.wait_write(fd, timeout)     WaitWrite(cur, fd); WaitWriteTimeout(cur, fd, d) (bool, error)
//	socket.cancel_wait(watcher, exc)   CancelWait(h, fd, err): wakes every waiter on fd with err
//	gevent.socket / StreamServer       package socket: Dial, Listen, Conn (a net.Conn), NewStreamServer
//	LoopExit / BlockingSwitchOutError  ErrLoopExit (*hub.LoopExit); ErrBlockingSwitchOut
//
// and its higher-level classes (modern semantics; constructors take the hub,
// and zero values are not usable):
//
//	Event                              NewEvent(h): Set; Clear; IsSet
//	e.wait() / e.wait(timeout)         e.Wait(cur) error; e.WaitTimeout(cur, d) (bool, error)
//	AsyncResult                        NewAsyncResult(h): Set; SetException; Ready; Value; Err
//	r.get() / r.get(timeout=t)         r.Get(cur); r.GetTimeout(cur, d) (a *Timeout error)
//	r.get(block=False)                 r.Ready() + r.Value() / r.Err()
//	r.wait() / r.wait(timeout)         r.Wait(cur); r.WaitTimeout(cur, d)
//	greenlet.link(result)              g.Rawlink(r.Receive)
//	wait(objects, timeout, count)      WaitObjects(cur, objs, Within(d), Count(n))
//	iwait(objects, timeout)            IWait(cur, objs, Within(d)) -> *Iter (Next(cur), Close; All(cur) as an iter.Seq)
//	Semaphore / BoundedSemaphore / Lock NewSemaphore; NewBoundedSemaphore; NewLock: Release; Counter; Locked
//	s.acquire() / (timeout=t)          s.Acquire(cur) error; s.AcquireTimeout(cur, d) (bool, error)
//	s.acquire(blocking=False)          s.TryAcquire() bool
//	s.wait() / s.wait(timeout)         s.Wait(cur); s.WaitTimeout(cur, d)
//	Queue() / Queue(maxsize)           NewQueue[T](h); NewQueue[T](h, MaxSize(n)) (n >= 1)
//	LifoQueue / PriorityQueue          NewLifoQueue[T](h, opts...); NewPriorityQueue(h, less, opts...)
//	q.put / get / peek(block, timeout) q.Put(cur, v); q.PutTimeout(cur, v, d); Get(cur); GetTimeout(cur, d); Peek; PeekTimeout
//	put_nowait / get_nowait / peek_nowait  q.PutNowait(v); q.GetNowait(); q.PeekNowait()
//	q.task_done() / q.join(timeout)    q.TaskDone(); q.Join(cur) error; q.JoinTimeout(cur, d) (bool, error)
//	q.shutdown(immediate)              q.Shutdown(); q.ShutdownNow()
//	q.maxsize                          q.MaxSize() (n int, bounded bool)
//	Channel                            NewChannel[T](h): a rendezvous (Put waits for a Get); Put, Get and their Timeout and Nowait forms as on Queue
//	Group                              NewGroup(h): Spawn(cur, fn); Add; Discard; Join(cur, Within(d), StopOnError()); Kill(cur, ...); KillNowait
//	group.killone(g, exc, block, t)    g.Kill(cur, ...) or g.KillNowait(...): a member is killed like any greenlet
//	Pool(size)                         NewPool(h, size): Spawn(cur, fn) waits while full; Add / AddTimeout; Start / StartTimeout; TryAdd; FreeCount; WaitAvailable / WaitAvailableTimeout
//	pool.map / imap / imap_unordered   Map(cur, p, in, fn); Imap; ImapUnordered -> *MapIter (Next(cur), Result, Close(cur))
//	(any group or pool)                Spawner: Group and Pool both have Spawn(cur, fn) (*Greenlet, error)
//	Empty / Full / ShutDown / PoolFull ErrEmpty; ErrFull; ErrShutDown; false from Pool.AddTimeout, StartTimeout or TryAdd
//
// # How blocking calls are named
//
// The first argument of every blocking call is the calling greenlet, cur
// (main for the calls only the main greenlet may make), and no call takes a
// positional bool. The names follow one pattern:
//   - the short form blocks with no timeout (gevent's timeout=None):
//     g.Join(cur), g.Get(cur), q.Get(cur), s.Acquire(cur), Wait(main);
//   - a call with one optional knob, a timeout, has a sibling named
//     ...Timeout that takes the duration last: g.JoinTimeout(cur, d),
//     g.GetTimeout(cur, d), p.AddTimeout(cur, g, d), WaitTimeout(main, d). A
//     wait that reports whether something happened returns (bool, error), its
//     own timeout not being an error; a get that returns a value returns its
//     timeout as the error (a *Timeout for greenlets). A duration of zero or
//     less expires at the next loop iteration, as an expired context
//     deadline would;
//   - the forms that never block are their own methods: ...Nowait (gevent's
//     spelling: g.KillNowait, KillAllNowait, grp.KillNowait, q.GetNowait) or
//     Try... (p.TryAdd) reporting whether it worked; a greenlet's
//     non-blocking get is Ready, then Value and Err;
//   - a call with several knobs (JoinAll, KillAll, WaitObjects, IWait, Kill,
//     Group.Join, Group.Kill) takes WaitOptions: Within(d) (gevent's
//     timeout=), Count(n) (count=), StopOnError() (raise_error=True) and
//     WithError(err) (the exception a kill delivers). An option the call does
//     not take panics before the call has any effect.
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

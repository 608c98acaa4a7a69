/*
 * gev_hub.h - the C core hub: a libev loop, timers, a thread-safe wake-up, and C greenlets
 * (C functions on C coroutine stacks) with gevent's semantics, driven one turn at a time.
 *
 * MODEL
 *
 *   A hub owns one libev loop (ev_loop_new, never the default loop) and a FIFO "ready queue"
 *   of hub callbacks: greenlet starts and resumptions, kill deliveries, link notifications
 *   and user callbacks. At most one greenlet of a hub runs at a time; control changes hands
 *   only at blocking calls (gev_hub_sleep, gev_greenlet_join, gev_hub_wait_fd, ...).
 *
 *   Whoever calls gev_hub_turn (the host: Go through cgo, or a plain C main) is the hub
 *   context. A turn
 *     1. applies the host's batched commands (gev_hub_cmd),
 *     2. takes the work posted from other threads (gev_hub_post*),
 *     3. drains the ready queue: greenlets run until they block, callbacks run, FIFO, including
 *        work added during the drain; every 50 dispatches the loop clock is refreshed and the
 *        drain stops once the switch interval (default 5 ms) has passed, so a sleep(0) busy
 *        loop cannot starve timers or I/O (gevent's rule),
 *     4. runs one ev_run: EVRUN_NOWAIT when something is still ready (or the host said so),
 *        else EVRUN_ONCE, bounded by the host's max_wait; before an EVRUN_ONCE the thread's
 *        cold pooled stacks give their memory back (gev_coro_pool_release), and a hub
 *        that never blocks does so about once a second of its loop clock for the stacks
 *        that sat unused that long (gev_coro_pool_release_idle),
 *     5. returns; everything the host asked to hear about is in the event array.
 *   No function of this header ever calls into the host: the only code the hub runs is C
 *   greenlet bodies and C callbacks registered through this header.
 *
 *     host (Go)                         hub (C, same OS thread)
 *     ---------                         -----------------------
 *     fill cmds[0..n)  --- turn() --->  apply cmds, take posts, drain greenlets, ev_run
 *     read events[0..m) <-- return ---  events: timer fired, fd ready, wake-up, greenlet done
 *
 *   Blocking calls made in hub context (from a link callback, a hub callback, or from the
 *   host outside any greenlet) never switch: they fail with GEV_HUB_EBLOCKING
 *   (gevent's BlockingSwitchOutError).
 *
 * THREADS
 *
 *   A hub belongs to the thread that created it: every function here must be called on that
 *   thread, except gev_hub_post, gev_hub_post_call and gev_hub_interrupt, which any thread
 *   may call at any time while the hub exists. C greenlet stacks never migrate (the Go host
 *   pins the hub's goroutine with runtime.LockOSThread before it creates the hub).
 *
 * SECONDS
 *
 *   Durations are doubles in seconds. A "timeout" parameter < 0 (use GEV_HUB_FOREVER) means
 *   no timeout; NaN is GEV_HUB_EINVAL. Deadlines are computed from the loop clock, which is
 *   refreshed at the start of every turn, every 50 dispatches of a drain, and by every
 *   timed blocking call (sleep, join, get, kill with block, wait_fd) when a 3 ns
 *   coarse-clock read says it is stale. gev_timeout_start alone does not look (its budget is
 *   a bare libev arm): a greenlet that computes for long and then starts a gev_timeout
 *   should call gev_hub_now_update first.
 *
 * FORK (C-only children)
 *
 *   gev_hub_reinit, called in the child right after fork(), keeps the same hub and loop
 *   (ev_loop_fork) and re-creates what is per-process: the wake-up (async pipe/eventfd) and
 *   the lock of the post queue. Everything scheduled before the fork runs in BOTH processes
 *   (as in gevent, #957): ready greenlets, timers, posted work. Rules for a C-only child of a
 *   Go process (the Go runtime cannot continue in a forked child, golang/go#14767):
 *     - only the forking thread exists in the child: touch only hubs of that thread;
 *     - first reset the signal handlers you rely on to SIG_DFL (Go's handlers point into
 *       Go code) and unblock the signals you need;
 *     - call gev_hub_reinit before any other call on the hub, then drive it with
 *       gev_hub_turn/gev_hub_run; never call into Go (no cgo callback, no Go function
 *       pointer), and do not use the host's command/event arrays for Go ids;
 *     - end with _exit (never exit: it would run Go's and libc's atexit handlers and flush
 *       stdio buffers copied from the parent).
 *
 * ERRORS AND MISUSE
 *
 *   Functions return 0 or a negative gev_hub_err code; a bad argument gives GEV_HUB_EINVAL.
 *   Programmer misuse that cannot be reported (a greenlet of another hub, a call from the
 *   wrong coroutine, destroying a hub from inside one of its greenlets) aborts with a
 *   message that starts with the function name.
 */
#ifndef GEV_HUB_H
#define GEV_HUB_H

#include <stddef.h>
#include <stdint.h>
#include <ev.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gev_hub gev_hub;
typedef struct gev_greenlet gev_greenlet;

/* ------------------------------------------------------------------------------------------
 * Error codes
 */

/* gev_hub_err lists every status the hub returns. 0 is success. Kill codes are any non-zero
 * int chosen by the caller; the hub's own codes are below, and GEV_HUB_EXIT is special: it
 * ends a greenlet successfully (gevent's GreenletExit). */
enum gev_hub_err {
	GEV_HUB_OK = 0,
	GEV_HUB_ENOMEM = -12,          /* out of memory (malloc, mmap) */
	GEV_HUB_EINVAL = -22,          /* bad argument: NaN or negative seconds, NULL fn, ... */
	GEV_HUB_EXIT = -1000,          /* GreenletExit: the default kill; counts as success */
	GEV_HUB_ETIMEOUT = -1001,      /* a gev_timeout fired; see gev_hub_fired_timeout */
	GEV_HUB_ETIMEDOUT = -1002,     /* the call's own timeout parameter expired */
	GEV_HUB_EBLOCKING = -1003,     /* blocking call in hub context (BlockingSwitchOutError) */
	GEV_HUB_ELOOPEXIT = -1004,     /* would block forever: nothing can wake anything */
	GEV_HUB_ENOTFOUND = -1005,     /* host command names an unknown id */
	GEV_HUB_EEXIST = -1006,        /* host command reuses a live id */
	GEV_HUB_EBUSY = -1007,         /* the object is in use (e.g. timeout already pending) */
	GEV_HUB_EBADF = -1008          /* the fd is negative */
};

/* gev_hub_strerror returns a static English description of code ("unknown error" for codes
 * the hub does not define, e.g. user kill codes). Never NULL. */
const char *gev_hub_strerror(int code);

/* GEV_HUB_FOREVER as a timeout means "no timeout". */
#define GEV_HUB_FOREVER (-1.0)

/* ------------------------------------------------------------------------------------------
 * Hub lifecycle
 */

/* gev_hub_new creates a hub on the calling thread, with a loop from ev_loop_new
 * (EVFLAG_AUTO | EVFLAG_NOSIGMASK: the host owns signals; no signal or child watchers are
 * ever used). cmd_capacity is the size of the host command array (0 = 256). Returns 0 and
 * sets *out, or GEV_HUB_ENOMEM. */
int gev_hub_new(gev_hub **out, size_t cmd_capacity);

/* gev_hub_destroy frees the hub, its loop, and every greenlet it still has: the stacks of
 * unfinished greenlets are dropped without unwinding, and every gev_greenlet handle becomes
 * invalid. Armed gev_timeouts of this hub must not be used afterwards. Must be called in hub
 * context (aborts when called from one of the hub's greenlets). NULL is a no-op. */
void gev_hub_destroy(gev_hub *h);

/* gev_hub_loop returns the hub's libev loop, for adding watchers the hub does not provide.
 * Such watchers are outside the census, and the hub cannot see them when it decides that
 * nothing could wake the loop (libev has no getter for its active count): hold
 * gev_hub_set_keepalive while they are active. Never add signal or child watchers. */
struct ev_loop *gev_hub_loop(gev_hub *h);

/* gev_hub_set_switch_interval sets how long one drain may run before the loop polls
 * (default 0.005 s, gevent's getswitchinterval). seconds must be > 0. */
int gev_hub_set_switch_interval(gev_hub *h, double seconds);

/* gev_hub_now returns the loop clock (ev_now); gev_hub_now_update refreshes it. */
double gev_hub_now(gev_hub *h);
void gev_hub_now_update(gev_hub *h);
/* gev_hub_timer_now returns the clock libev's timers run on, as of the last refresh:
 * CLOCK_MONOTONIC in seconds (ev_now is the wall clock, a different scale). Absolute host
 * timer deadlines (GEV_HUB_CMD_TIMER_AT, in nanoseconds) are on this clock. */
double gev_hub_timer_now(gev_hub *h);

/* gev_hub_reinit must be called in a forked child before any other use of the hub: see FORK
 * above. Returns 0. Calling it again (or in a process that did not fork) is harmless. */
int gev_hub_reinit(gev_hub *h);

/* gev_hub_run drives the hub from plain C: it runs turns (blocking as needed) until no
 * greenlet is alive and no watcher is active (returns 0), or until greenlets are still alive
 * but nothing could ever wake them (returns GEV_HUB_ELOOPEXIT: gevent's "This operation would
 * block forever"; the hub stays usable, e.g. kill them and call it again). Events of host
 * ids produced meanwhile are discarded. Hub context only (GEV_HUB_EBLOCKING otherwise). */
int gev_hub_run(gev_hub *h);

/* ------------------------------------------------------------------------------------------
 * Hub callbacks (gevent's loop.run_callback): FIFO, run in hub context.
 */

typedef struct gev_hub_callback gev_hub_callback;
typedef void (*gev_hub_callback_fn)(gev_hub *h, void *arg);

/* The node of the ready queue. Embedded in caller-owned structures; all fields private. */
typedef struct gev_hub_node {
	uint64_t slot; /* private: 1 + its position in the ready ring; 0 when not queued */
	int kind;      /* private */
} gev_hub_node;

/* gev_hub_callback is caller-owned memory (no allocation). Zero-initialise it before its
 * first use (= {0}); afterwards it can be started again whenever it is not pending. It must
 * stay valid while pending. */
struct gev_hub_callback {
	gev_hub_node node;        /* private */
	gev_hub_callback_fn fn;   /* private */
	void *arg;                /* private */
	gev_hub *h;               /* private */
};

/* gev_hub_callback_start queues fn(h, arg) at the end of the ready queue; it runs once, in
 * hub context (blocking calls fail), during this or the next drain. GEV_HUB_EBUSY if the
 * callback is already pending. */
int gev_hub_callback_start(gev_hub *h, gev_hub_callback *cb, gev_hub_callback_fn fn, void *arg);
/* gev_hub_callback_stop cancels a pending callback (it will not run). Returns 1 if it was
 * pending, 0 otherwise. */
int gev_hub_callback_stop(gev_hub_callback *cb);
/* gev_hub_callback_pending reports whether cb is queued and has not run yet. */
int gev_hub_callback_pending(const gev_hub_callback *cb);

/* ------------------------------------------------------------------------------------------
 * C greenlets
 */

/* gev_greenlet_fn is a greenlet's body. It runs on its own coroutine stack with h's current
 * greenlet set to it. It returns its status: 0 (success; *value is its result, NULL unless set)
 * or GEV_HUB_EXIT (success, as gevent's GreenletExit) or any other code (failure). A body that
 * receives a kill code from a blocking call usually returns it; one that ignores it keeps
 * running. */
typedef int (*gev_greenlet_fn)(gev_hub *h, void *arg, void **value);

/* gev_hub_spawn creates a greenlet that runs fn(h, arg, &value) at the end of the current
 * ready queue (FIFO with every other start and wake-up). gev_hub_spawn_later starts it after
 * `seconds` (>= 0) instead. If out is non-NULL the caller gets a reference in *out and must
 * drop it with gev_greenlet_release; with out == NULL the greenlet runs detached. Callable
 * from anywhere on the hub's thread (greenlet, callback, host). Returns 0, GEV_HUB_EINVAL
 * (NULL fn, bad seconds) or GEV_HUB_ENOMEM. */
int gev_hub_spawn(gev_hub *h, gev_greenlet **out, gev_greenlet_fn fn, void *arg);
int gev_hub_spawn_later(gev_hub *h, gev_greenlet **out, double seconds,
			gev_greenlet_fn fn, void *arg);

/* gev_hub_set_stack_size sets the usable stack size of greenlets spawned from now on
 * (0 = the coroutine default, 64 KiB). */
void gev_hub_set_stack_size(gev_hub *h, size_t bytes);

/* gev_greenlet_retain adds a reference; gev_greenlet_release drops one. The struct is freed
 * when the greenlet is dead, its links have run and no reference remains. Releasing a live
 * greenlet does not stop it. NULL is a no-op for release. */
void gev_greenlet_retain(gev_greenlet *g);
void gev_greenlet_release(gev_greenlet *g);

/* gev_hub_current returns the greenlet running on h, or NULL in hub context. */
gev_greenlet *gev_hub_current(gev_hub *h);

/* Observers. started: scheduled and not yet finished (gevent's bool(g)); ready/dead: has a
 * result (finished, failed or killed); successful: ready with status 0 or GEV_HUB_EXIT. */
int gev_greenlet_started(const gev_greenlet *g);
int gev_greenlet_ready(const gev_greenlet *g);
int gev_greenlet_successful(const gev_greenlet *g);
/* gev_greenlet_status returns the result status (0, GEV_HUB_EXIT, or a failure code) once
 * ready; GEV_HUB_EBUSY while not ready. gev_greenlet_value returns the body's value (NULL
 * unless it succeeded with one). */
int gev_greenlet_status(const gev_greenlet *g);
void *gev_greenlet_value(const gev_greenlet *g);

/* gev_greenlet_join waits until g is dead. Returns 0 when g is dead; GEV_HUB_ETIMEDOUT when
 * `timeout` expired first (gevent returns None in both cases; the code tells them apart);
 * or the error delivered to the *caller* while it waited (a kill code, GEV_HUB_ETIMEOUT of
 * an outer gev_timeout). Joining a dead greenlet returns 0 at once without yielding; joining
 * the current greenlet only returns through the timeout (or a kill). GEV_HUB_EBLOCKING in hub
 * context. */
int gev_greenlet_join(gev_greenlet *g, double timeout);

/* gev_greenlet_get waits like join, then returns g's status and stores its value in *value
 * (may be NULL). timeout 0 does not block: not ready gives GEV_HUB_ETIMEDOUT (gevent's
 * get(block=False)). A status can coincide with an error code of the wait itself; use
 * gev_greenlet_ready when the body may fail with hub codes. */
int gev_greenlet_get(gev_greenlet *g, void **value, double timeout);

/* gev_greenlet_kill delivers `code` (non-zero; GEV_HUB_EXIT is gevent's default; other
 * codes of the hub's own, like GEV_HUB_ETIMEOUT, would be confused with the hub's outcomes:
 * use positive codes or GEV_HUB_EXIT) to g.
 *  - g dead: no-op, returns 0, no yield.
 *  - g not started yet (spawned or spawned_later, never run): synchronous; the body never
 *    runs, g is dead with status `code`, its links fire asynchronously; no yield.
 *  - otherwise a hub callback (FIFO) delivers `code` as the return value of the blocking
 *    call at which g is parked (if g already has a wake-up queued, at a later blocking
 *    call: see ORDER OF THROWS). A greenlet that ignores it keeps running. A second kill
 *    while one is still undelivered is merged into it (the code is delivered once).
 *  With block != 0 the caller then waits like gev_greenlet_join(g, timeout) and returns 0
 *  even when the timeout expires with g still alive (gevent: kill never raises), or the
 *  error delivered to the caller. block in hub context gives GEV_HUB_EBLOCKING, but the kill
 *  has been queued all the same (gevent [E]). Killing yourself with block delivers the code
 *  to your own join. */
int gev_greenlet_kill(gev_greenlet *g, int code, int block, double timeout);

/* Links: callbacks run by the hub, in hub context, when g has died; FIFO in the order added,
 * each exactly once (a link is removed before it is called, so it may free its gev_link).
 * Links added while the links run are run in the same pass; a link unlinked by an earlier
 * link is not called; links added after death are scheduled (never called synchronously).
 * The gev_link is caller-owned memory that must stay valid until it has run or is unlinked. */
typedef void (*gev_link_fn)(gev_greenlet *g, void *arg);
typedef struct gev_link {
	struct gev_link *next, *prev; /* private */
	gev_link_fn fn;               /* private */
	void *arg;                    /* private */
	gev_greenlet *g;              /* private: the greenlet it is linked to, NULL if not */
} gev_link;

/* gev_greenlet_link registers link l (not currently linked) to call fn(g, arg). */
void gev_greenlet_link(gev_greenlet *g, gev_link *l, gev_link_fn fn, void *arg);
/* gev_greenlet_unlink removes l; returns 1 if it was linked and had not run, else 0. */
int gev_greenlet_unlink(gev_link *l);
/* gev_greenlet_link_count returns the number of links not yet run (has_links). */
size_t gev_greenlet_link_count(const gev_greenlet *g);

/* ------------------------------------------------------------------------------------------
 * Blocking calls (from a greenlet of h only; GEV_HUB_EBLOCKING in hub context). Each returns
 * 0 on its normal outcome, or the error delivered to the caller while it was parked: a kill
 * code, or GEV_HUB_ETIMEOUT when a gev_timeout of the caller fired (gev_hub_fired_timeout
 * says which).
 */

/* gev_hub_sleep: seconds == 0 yields: the caller resumes in the same turn after the greenlets
 * and callbacks already ready (trace "1A 2A 1B 2B"); seconds > 0 waits on a timer. Negative
 * or NaN seconds: GEV_HUB_EINVAL, without yielding. */
int gev_hub_sleep(gev_hub *h, double seconds);

/* gev_hub_wait_fd waits until fd is ready for `events` (EV_READ and/or EV_WRITE), stores the
 * ready events in *revents (may be NULL) and returns 0; GEV_HUB_ETIMEDOUT if timeout
 * expired first; GEV_HUB_EBADF for fd < 0; GEV_HUB_EINVAL for bad events. */
int gev_hub_wait_fd(gev_hub *h, int fd, int events, double timeout, int *revents);

/* gev_hub_park_forever blocks until an error is delivered (a kill, a gev_timeout) and
 * returns it. The building block of "wait for something that never comes". */
int gev_hub_park_forever(gev_hub *h);

/* ------------------------------------------------------------------------------------------
 * Timeouts with identity (gevent's Timeout). A gev_timeout is caller-owned memory; it is
 * bound, when started, to the greenlet that starts it, and when it expires it delivers
 * GEV_HUB_ETIMEOUT to the blocking call at which that greenlet is parked (or at its next
 * blocking call). The blocking call then reports which timeout fired through
 * gev_hub_fired_timeout, so "not my timeout" is `gev_hub_fired_timeout(h) != &mine`.
 * A timeout must be cancelled before its memory goes away (census counts armed ones).
 *
 * ORDER OF THROWS (kills and timeout expiries; gevent's rule, which Go greenlets follow on
 * both cores too, except that there a throw to a greenlet with a wake-up queued is
 * delivered at once and the wake-up dropped, where C keeps the wake-up first, #394):
 *   - A throw is issued when its kill callback runs (not when gev_greenlet_kill is called:
 *     the callback is FIFO with the other ready work) or when its timeout expires.
 *   - A throw issued while its greenlet is parked is delivered by that blocking call: a
 *     kill resumes it at once, a timeout queues its resumption.
 *   - A throw issued while its greenlet already has a wake-up queued (it is ready to run,
 *     e.g. after gev_hub_sleep(h, 0), or woken by an earlier throw) is kept: the queued
 *     wake-up is delivered first (gevent #394), and the kept throws follow, one per
 *     blocking call, in the order they were issued: two timeouts in expiry order, and a
 *     kill after the timeouts that expired before it and before those that expire after.
 *   - Cancelling an undelivered timeout removes only it; the others keep their order.
 *   - Throws still undelivered when the greenlet dies are dropped: their timeouts are no
 *     longer pending, the kill has no effect.
 */
typedef struct gev_timeout {
	ev_timer w;             /* private */
	gev_hub *h;             /* private */
	gev_greenlet *target;   /* private: the greenlet it was started in */
	struct gev_timeout *next_throw; /* private: in the target's undelivered list */
	int state;              /* private */
} gev_timeout;

/* gev_timeout_init prepares t for h (it is not pending). Cheap; may be called again on an
 * idle timeout. */
void gev_timeout_init(gev_timeout *t, gev_hub *h);
/* gev_timeout_start arms t for `seconds` (>= 0; 0 fires at the next loop iteration) against
 * the current greenlet. GEV_HUB_EBUSY if pending, GEV_HUB_EINVAL for negative/NaN seconds,
 * GEV_HUB_EBLOCKING in hub context (there is no greenlet to deliver to). Restarting after
 * cancel or expiry always counts from now (ev_timer_set before ev_timer_start: gevent #1890). */
int gev_timeout_start(gev_timeout *t, double seconds);
/* gev_timeout_cancel disarms t (also an expiry not yet delivered). Idempotent. */
void gev_timeout_cancel(gev_timeout *t);
/* gev_timeout_pending reports whether t is armed or expired-but-undelivered. */
int gev_timeout_pending(const gev_timeout *t);
/* gev_hub_fired_timeout returns the gev_timeout whose expiry was returned by the current
 * greenlet's last blocking call (NULL if that call did not return GEV_HUB_ETIMEOUT). */
gev_timeout *gev_hub_fired_timeout(gev_hub *h);

/* ------------------------------------------------------------------------------------------
 * The turn API (what the Go host calls). All memory is hub-owned C memory that the host
 * reads and writes in place: a command array the host fills and a count, and an event array
 * the turn fills. Host ids are 64-bit and chosen by the host; each kind (timer, io,
 * greenlet) has its own id space. Timer ids below 2^20 are looked up by direct index
 * (allocate them from a free list so they stay dense: chunks of 256 slots are created on
 * first use and kept); larger ids work too, through a hash map.
 *
 * Commands are applied in order at the start of the next turn. The command array has a
 * fixed capacity: it never drops a command because the producer must flush first — when
 * ncmds == cmd_cap the host calls gev_hub_turn (with max_wait 0) before adding more.
 * The event array grows as needed during a turn (it never drops an event); its pointer may
 * change at every turn, so read `events` again after each call.
 *
 * Host timers and C-side timers share the loop's heap, so they expire in deadline order:
 * within one ev_run, the host's timer events are appended in deadline order, and the C
 * greenlets that ev_run woke run at the start of the next turn (before that turn polls).
 *
 * Absolute deadlines: a TIMER_AT command carries in `deadline` a deadline on the timer clock
 * (gev_hub_timer_now's CLOCK_MONOTONIC, in nanoseconds) instead of a delay. The turn converts every such deadline against one reading of libev's own timer
 * clock, the value libev adds back, so the timer is armed at exactly that deadline (when it
 * is less than twice the clock, i.e. always in practice): host timers armed in different
 * turns fire in the order of their deadlines, whatever time passed between the host's
 * clock read and the turn. A deadline already past fires at the turn's own ev_run.
 */

enum gev_hub_cmd_op {
	GEV_HUB_CMD_TIMER_START = 1, /* arm host timer `id` after `seconds`, then every `repeat`
	                                (0 = one-shot); re-arms (set+start) if already armed */
	GEV_HUB_CMD_TIMER_STOP = 2,  /* disarm host timer `id`; unknown or fired ids: no-op */
	GEV_HUB_CMD_IO_START = 3,    /* watch the fd in `code` for `events` (EV_READ|EV_WRITE)
	                                as io `id`: an event each turn while ready (level
	                                triggered); restarts if active; an fd that is not
	                                open fails with GEV_HUB_EBADF (libev would abort) */
	GEV_HUB_CMD_IO_STOP = 4,     /* stop watching io `id`; unknown ids: no-op */
	GEV_HUB_CMD_SPAWN = 5,       /* spawn fn(arg) as C greenlet `id` (after `seconds` if
	                                > 0); exactly one GREENLET_DONE event reports its end
	                                (the host's join); EEXIST while `id` is alive */
	GEV_HUB_CMD_KILL = 6,        /* kill C greenlet `id` with code `code` (non-blocking
	                                kill; 0 means GEV_HUB_EXIT); unknown or done: no-op */
	GEV_HUB_CMD_NOP = 7,         /* nothing: a slot the host withdrew after filling it
	                                (a SPAWN killed before any turn applied it) */
	GEV_HUB_CMD_TIMER_AT = 8     /* TIMER_START at the absolute `deadline` instead of after
	                                `seconds` (see "Absolute deadlines" above); any value
	                                (a past one fires at this turn's ev_run) */
};

/* gev_hub_cmd is one host command: 64 bytes on 64-bit targets, no pointers into Go memory
 * (fn and arg are C pointers). Fields an op does not use must be zero. */
typedef struct gev_hub_cmd {
	uint64_t id;        /* host id of the timer/io/greenlet */
	uint32_t op;        /* enum gev_hub_cmd_op */
	int32_t code;       /* IO_START: fd; KILL: kill code */
	int32_t events;     /* IO_START: EV_READ|EV_WRITE */
	int32_t pad_;
	double seconds;     /* TIMER_START: after (or deadline); SPAWN: delay (0 = now) */
	double repeat;      /* TIMER_START, TIMER_AT: period, 0 = one-shot */
	gev_greenlet_fn fn; /* SPAWN */
	void *arg;          /* SPAWN */
	int64_t deadline;   /* TIMER_AT: CLOCK_MONOTONIC nanoseconds (gev_hub_timer_now's clock) */
} gev_hub_cmd;

enum gev_hub_event_kind {
	GEV_HUB_EV_TIMER = 1,         /* host timer `id` fired (a one-shot one is now free) */
	GEV_HUB_EV_IO = 2,            /* io `id` ready; status = revents (EV_READ/EV_WRITE) */
	GEV_HUB_EV_WAKE = 3,          /* gev_hub_post(h, id) from some thread */
	GEV_HUB_EV_GREENLET_DONE = 4, /* C greenlet `id` finished: status, value; id now free */
	GEV_HUB_EV_CMD_ERROR = 5      /* a command failed: id, status = error, value = op */
};

/* gev_hub_event is one event: 24 bytes on 64-bit targets. */
typedef struct gev_hub_event {
	uint64_t id;
	int32_t kind;   /* enum gev_hub_event_kind */
	int32_t status; /* see the kinds */
	void *value;    /* GREENLET_DONE: the value; CMD_ERROR: (void*)(uintptr_t)op */
} gev_hub_event;

/* gev_hub_host is the host's window into the hub. One per hub, at a fixed address for the
 * hub's life (gev_hub_host_of). Field tags: (host) written by the host, (hub) by the hub. */
typedef struct gev_hub_host {
	gev_hub_cmd *cmds;      /* (hub) fixed: cmd_cap slots */
	uint32_t cmd_cap;       /* (hub) fixed */
	uint32_t ncmds;         /* (host) filled slots; each turn applies them and sets 0 */
	gev_hub_event *events;  /* (hub) valid from a turn's return until the next turn */
	uint32_t nevents;       /* (hub) events of the last turn */
	uint32_t has_ready;     /* (hub) 1 if the ready queue was not empty after the last
	                           turn (the C side has work; the next turn will not block) */
	uint64_t nalive;        /* (hub) greenlets not yet dead */
	uint64_t turns;         /* (hub) turns run */
} gev_hub_host;

gev_hub_host *gev_hub_host_of(gev_hub *h);

/* gev_hub_cmd_push returns the next free command slot (zeroed) and counts it, or NULL when
 * the array is full (then flush with gev_hub_turn(h, 0) first). For C hosts; Go writes the
 * array directly. */
gev_hub_cmd *gev_hub_cmd_push(gev_hub *h);

/* gev_hub_turn runs one turn (see MODEL). max_wait: < 0 may block until something happens,
 * 0 never blocks (the host has ready work of its own), > 0 blocks at most that long; a
 * turn that has events to report before it polls (a refused command, a greenlet that ended
 * in the drain) never blocks. Returns the number of events in host->events (>= 0), or GEV_HUB_ELOOPEXIT when max_wait < 0,
 * nothing is ready and no watcher, timer or keep-alive could ever wake the loop (it did
 * not block; commands were applied), or GEV_HUB_EBLOCKING when called from a greenlet.
 * Calls no host callback. Hub context only. */
int gev_hub_turn(gev_hub *h, double max_wait);

/* gev_hub_post queues a GEV_HUB_EV_WAKE event with `id` and wakes a blocked turn.
 * gev_hub_post_call queues fn(h, arg) to run in hub context during a turn (gevent's
 * run_callback_threadsafe). gev_hub_interrupt only wakes a blocked turn. All three are
 * thread safe and never block on the hub; posts are never dropped (ENOMEM only). */
int gev_hub_post(gev_hub *h, uint64_t id);
int gev_hub_post_call(gev_hub *h, gev_hub_callback_fn fn, void *arg);
void gev_hub_interrupt(gev_hub *h);

/* gev_hub_set_keepalive: while keepalive is non-zero, a turn with max_wait < 0 waits (for
 * posts, or watchers added through gev_hub_loop) instead of reporting GEV_HUB_ELOOPEXIT.
 * By default the wake-up is not counted as pending work, like gevent's unref'd async
 * (#2124). */
void gev_hub_set_keepalive(gev_hub *h, int keepalive);

/* ------------------------------------------------------------------------------------------
 * Census and invariants
 */

/* gev_hub_census counts the live objects of one hub. */
typedef struct gev_hub_census {
	size_t greenlets;   /* greenlet structs not yet freed (alive, or dead and referenced) */
	size_t alive;       /* greenlets not dead */
	size_t ready;       /* nodes in the ready queue */
	size_t timers;      /* armed C-side timers: sleeps, join timeouts, spawn_later, timeouts */
	size_t fd_waits;    /* active gev_hub_wait_fd watchers */
	size_t host_timers; /* armed host timers */
	size_t host_ios;    /* active host io watchers */
	size_t host_greenlets; /* host-spawned greenlets whose DONE event is not yet emitted */
	size_t posts;       /* posted items not yet taken */
} gev_hub_census;

void gev_hub_get_census(gev_hub *h, gev_hub_census *out);

/* gev_hub_live_hubs/gev_hub_live_greenlets count, process-wide, hubs and greenlet structs
 * not yet freed (leak checks in tests). */
size_t gev_hub_live_hubs(void);
size_t gev_hub_live_greenlets(void);

/* gev_hub_verify checks every invariant of h (ready queue links, greenlet states, maps, the
 * loop's active count against the census, libev's own ev_verify) and aborts with a message
 * naming the broken one. Builds with -DGEV_HUB_DEBUG call it after every operation. */
void gev_hub_verify(gev_hub *h);

#ifdef __cplusplus
}
#endif

#endif /* GEV_HUB_H */

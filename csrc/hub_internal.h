/*
 * hub_internal.h - private structures of the C hub, shared by the hub*.c files only.
 *
 * Ownership in one picture:
 *
 *   gev_hub ──loop──> struct ev_loop (ev_loop_new)
 *     │ ready: FIFO ring of gev_hub_node pointers (a removed node leaves a NULL hole)
 *     │        node kinds: RESUME (greenlet start/wake, embedded gev_greenlet.node)
 *     │                    NOTIFY (link notification, the same embedded node after death)
 *     │                    KILL   (kill delivery, gev_greenlet.kill_node)
 *     │                    CALLBACK (caller-owned gev_hub_callback)
 *     │ all:   doubly linked list of every gev_greenlet struct not yet freed
 *     │ host:  gev_hub_host (cmds array, events array), maps id -> host timer/io/greenlet
 *     └ posts: mutex-protected array filled by any thread, taken by the turn
 *
 * A greenlet's blocking call keeps its watchers (ev_timer, ev_io, gev_link) in a struct
 * hub_wait on its own stack: the parked greenlet's resident memory is its stack page plus its
 * gev_greenlet struct and nothing else.
 */
#ifndef GEV_HUB_INTERNAL_H
#define GEV_HUB_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>

#include "gev_coro.h"
#include "gev_hub.h"

#define HUB_LIKELY(x) __builtin_expect(!!(x), 1)
#define HUB_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define HUB_CONTAINER(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* hub_die prints "<fn>: <message>" to stderr and aborts: programmer misuse and broken
 * invariants. Survives NDEBUG. */
void hub_die(const char *fn, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

#define HUB_CHECK(cond, fn, ...) \
	do { \
		if (HUB_UNLIKELY(!(cond))) \
			hub_die(fn, __VA_ARGS__); \
	} while (0)

/* The verifier runs after every public operation in debug builds only. */
#ifdef GEV_HUB_DEBUG
#define HUB_VERIFY(h) gev_hub_verify(h)
#else
#define HUB_VERIFY(h) ((void)(h))
#endif

/* How many dispatches between two looks at the clock (gevent's CALLBACK_CHECK_COUNT). */
#define HUB_CHECK_EVERY 50

enum hub_node_kind {
	HUB_NODE_RESUME = 1,
	HUB_NODE_NOTIFY = 2,
	HUB_NODE_KILL = 3,
	HUB_NODE_CALLBACK = 4
};

/* Greenlet states. NEW: scheduled (start node queued or start timer armed), never run.
 * READY: resume node queued. RUNNING: h->current. PARKED: in a blocking call, waiting for a
 * waker. DEAD: has a result; the coroutine is destroyed by the hub right after it exits. */
enum hub_gstate {
	HUB_G_NEW = 0,
	HUB_G_READY = 1,
	HUB_G_RUNNING = 2,
	HUB_G_PARKED = 3,
	HUB_G_DEAD = 4
};

/* Timeout states. */
enum hub_tstate {
	HUB_T_IDLE = 0,        /* not pending */
	HUB_T_ARMED = 1,       /* timer running */
	HUB_T_UNDELIVERED = 2  /* expired while its target was not parked: in target->throws */
};

struct hub_later;

struct gev_greenlet {
	gev_hub_node node;        /* RESUME while alive, NOTIFY after death */
	gev_hub_node kill_node;   /* KILL delivery */
	gev_hub *h;
	gev_coro *coro;           /* NULL once destroyed */
	gev_greenlet_fn fn;
	void *arg;
	void *value;              /* result value (when dead) */
	int status;               /* result status (when dead) */
	int wake_status;          /* what the parked blocking call returns */
	int kill_code;            /* undelivered kill (kill node queued or kill_at_park) */
	uint8_t state;            /* enum hub_gstate */
	uint8_t kill_at_park;     /* deliver kill_code at the next blocking call */
	uint8_t notifying;        /* links are being run */
	uint8_t hub_ref;          /* the hub still holds its reference */
	uint8_t is_host;          /* spawned by a host command: DONE event, id in the map */
	unsigned refs;
	gev_link *links_head, *links_tail;
	gev_timeout *throws_head, *throws_tail; /* expired, undelivered timeouts (FIFO) */
	gev_timeout *kill_after;  /* with kill_at_park: the undelivered timeout issued just
	                             before the kill, which goes after it; NULL: kill first */
	gev_timeout *fired;       /* the timeout returned by the last blocking call */
	struct hub_later *later;  /* spawn_later start timer, NULL otherwise */
	gev_greenlet *all_next, *all_prev;
	uint64_t host_id;
};

/* The start timer of a spawn_later greenlet (allocated only for those). */
struct hub_later {
	ev_timer w;
	gev_greenlet *g;
};

/* Host timer and io watchers. Host timers with ids below HUB_DIRECT_IDS live in chunks of
 * HUB_CHUNK slots indexed by id (no hashing, stable addresses for libev, and cache-friendly
 * for the dense ids a host allocates from a free list); larger ids are pooled and mapped. */
#define HUB_CHUNK_BITS 8
#define HUB_CHUNK (1u << HUB_CHUNK_BITS)
#define HUB_DIRECT_IDS (UINT64_C(1) << 20)
struct hub_host_timer {
	ev_timer w;
	uint64_t id;
	struct hub_host_timer *next_free;
};
struct hub_host_io {
	ev_io w;
	uint64_t id;
	struct hub_host_io *next_free;
};

/* hub_map: an open-addressing hash map uint64 -> non-NULL pointer (linear probing, backward
 * shift deletion, load <= 1/2). */
typedef struct hub_map {
	uint64_t *keys;
	void **vals;     /* NULL marks an empty slot */
	size_t cap;      /* power of two, or 0 */
	size_t len;
} hub_map;

void *hub_map_get(const hub_map *m, uint64_t key);
int hub_map_put(hub_map *m, uint64_t key, void *val); /* 0 or GEV_HUB_ENOMEM; replaces */
void *hub_map_del(hub_map *m, uint64_t key);          /* returns the removed value or NULL */
void hub_map_free(hub_map *m);
/* hub_map_each calls fn on every value (the map must not change meanwhile). */
void hub_map_each(const hub_map *m, void (*fn)(uint64_t key, void *val, void *ctx), void *ctx);

/* A posted item from another thread. */
struct hub_post {
	gev_hub_callback_fn fn; /* NULL: a WAKE event with id */
	void *arg;
	uint64_t id;
};

struct gev_hub {
	struct ev_loop *loop;
	gev_coro *hub_coro;       /* the hub context's coroutine during a turn */
	gev_greenlet *current;    /* running greenlet, NULL in hub context */
	/* The ready queue: a ring of node pointers, positions rhead..rtail (mod rmask + 1).
	 * A ring rather than a linked list: a handoff then touches two counters instead of a
	 * chain of dependent link updates (the yield budget). */
	gev_hub_node **ring;
	uint64_t rmask, rhead, rtail;

	/* drain state */
	unsigned tick;            /* dispatches since the last clock check */
	uint8_t stop_drain;       /* the switch interval is used up */
	uint8_t in_turn;
	uint8_t in_ev_run;
	ev_tstamp drain_start;
	ev_tstamp pool_idle_last; /* loop clock of the last gev_coro_pool_release_idle */
	double interval;
	double coarse_at_update;  /* CLOCK_MONOTONIC_COARSE at the last clock refresh */
	gev_greenlet *dying;      /* finished greenlet not yet reaped */

	size_t stack_size;

	/* census */
	size_t ngreenlets, nalive, ntimers, nfdwaits, nhost_greenlets;
	gev_greenlet *all;        /* head of the all-greenlets list */

	/* host */
	gev_hub_host host;
	size_t ev_cap;
	uint32_t ev_returned;     /* events handed to the host by the last turn */
	hub_map host_timers, host_ios, host_greenlets; /* host_timers: ids >= HUB_DIRECT_IDS */
	struct hub_host_timer **timer_chunks;           /* ids < HUB_DIRECT_IDS */
	size_t ntimer_chunks;
	size_t nhost_timers;                            /* armed host timers, both kinds */
	struct hub_host_timer *free_timers;
	struct hub_host_io *free_ios;
	ev_timer turn_timer;
	ev_timer clock_probe;     /* reads libev's timer clock (hub_timer_clock) */

	/* posts from other threads */
	pthread_mutex_t post_mu;
	struct hub_post *posts;   /* guarded by post_mu */
	size_t nposts, post_cap;  /* guarded by post_mu */
	struct hub_post *taken;   /* the hub's side of the double buffer */
	size_t taken_cap;
	ev_async async;
	int keepalive;
};

/* ready queue (hub.c) */
static inline int hub_node_queued(const gev_hub_node *n) { return n->slot != 0; }

void hub_ring_grow(gev_hub *h);

static inline void hub_queue_push(gev_hub *h, gev_hub_node *n, int kind)
{
	if (HUB_UNLIKELY(h->rtail - h->rhead > h->rmask))
		hub_ring_grow(h);
	n->kind = kind;
	h->ring[h->rtail & h->rmask] = n;
	n->slot = ++h->rtail;
}

/* hub_queue_remove takes a queued node out wherever it is (a hole stays behind). */
static inline void hub_queue_remove(gev_hub *h, gev_hub_node *n)
{
	h->ring[(n->slot - 1) & h->rmask] = NULL;
	n->slot = 0;
}

/* hub_queue_head returns the first queued node (skipping holes), or NULL. */
static inline gev_hub_node *hub_queue_head(gev_hub *h)
{
	while (h->rhead != h->rtail) {
		gev_hub_node *n = h->ring[h->rhead & h->rmask];
		if (HUB_LIKELY(n != NULL))
			return n;
		h->rhead++;
	}
	return NULL;
}

/* hub_queue_pop takes the node hub_queue_head just returned. */
static inline void hub_queue_pop(gev_hub *h, gev_hub_node *n)
{
	h->rhead++;
	n->slot = 0;
}

static inline int hub_has_ready(gev_hub *h) { return hub_queue_head(h) != NULL; }
size_t hub_ready_count(const gev_hub *h);

/* hub_tick counts one dispatch; every HUB_CHECK_EVERY it refreshes the loop clock and
 * returns 0 once the switch interval is used up (and from then on: stopping parks tick
 * far above HUB_CHECK_EVERY, so the fast path is a single increment and compare). */
int hub_tick_slow(gev_hub *h);
static inline int hub_tick(gev_hub *h)
{
	if (HUB_LIKELY(++h->tick < HUB_CHECK_EVERY))
		return 1;
	return hub_tick_slow(h);
}

void hub_clock_refresh(gev_hub *h);
double hub_timer_clock(gev_hub *h);
/* hub_active counts the referenced watchers the hub knows of (libev has no getter). */
size_t hub_active(gev_hub *h);
void hub_drain(gev_hub *h);
double hub_coarse_now(void);

/* hub_coro_switch_status is gev_coro_switch seen with the value typed as the int status
 * the hub passes to a resumed greenlet (the same symbol, same registers: an int travels in
 * the low half of the pointer-sized argument and result). Typed this way, a blocking call
 * whose last act is the switch compiles to a tail call: the suspended greenlet resumes in
 * its caller's frame and no `ret` follows the switch, which keeps the CPU's return-address
 * predictor in step with the stacks (a mispredicted return per yield costs ~5 ns). */
#if defined(__APPLE__)
int hub_coro_switch_status(gev_coro *to, intptr_t status) __asm__("_gev_coro_switch");
#else
int hub_coro_switch_status(gev_coro *to, intptr_t status) __asm__("gev_coro_switch");
#endif

/* greenlets (hub_greenlet.c) */
void hub_dispatch(gev_hub *h, gev_hub_node *n);
void hub_reap(gev_hub *h, gev_greenlet *g);
void hub_wake(gev_hub *h, gev_greenlet *g, int status, gev_timeout *fired);
int hub_park(gev_hub *h, gev_greenlet *g);
int hub_take_throw(gev_greenlet *g, gev_timeout **fired);
void hub_unref(gev_greenlet *g);
void hub_greenlet_free_all(gev_hub *h);
void hub_maybe_free(gev_greenlet *g);
int hub_spawn(gev_hub *h, gev_greenlet **out, double seconds, gev_greenlet_fn fn, void *arg,
	      int is_host, uint64_t host_id);

/* timeouts (hub_timeout.c) */
void hub_timeout_drop_throws(gev_greenlet *g);

/* host side (hub_turn.c, hub_post.c) */
void hub_emit(gev_hub *h, int kind, uint64_t id, int status, void *value);
void hub_host_init(gev_hub *h);
void hub_host_free(gev_hub *h);
void hub_posts_take(gev_hub *h);
int hub_posts_init(gev_hub *h);
void hub_posts_free(gev_hub *h);
int hub_posts_pending(gev_hub *h);

/* process-wide counters */
void hub_count_hubs(int delta);
void hub_count_greenlets(int delta);

#endif /* GEV_HUB_INTERNAL_H */

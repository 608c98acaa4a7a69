/*
 * hub_greenlet.c - C greenlets: spawn, the switch protocol (park / wake / yield), death and
 * links, kill, join/get, and the blocking calls sleep, wait_fd and park_forever.
 *
 * The switch protocol. A blocking call registers its wakers (a timer, an io watcher, a link)
 * in a struct hub_wait on its own stack, then calls hub_park. A waker that finds the greenlet
 * PARKED calls hub_wake: state READY, status stored, RESUME node queued at the tail. A waker
 * that finds it not PARKED does nothing (the call is already being woken and will unregister
 * every waker before it returns), except kills and timeouts ("throws"), which are kept and
 * delivered at the next blocking call (gevent #394). hub_park then switches straight to the
 * next ready greenlet when the head of the ready queue is one (one switch per handoff), and
 * to the hub context otherwise.
 */
#include <math.h>
#include <string.h>

#include "hub_internal.h"

/* A blocking call's wakers, on the caller's stack. */
struct hub_wait {
	ev_timer timer;     /* the call's own timeout / the sleep */
	ev_io io;           /* wait_fd */
	gev_link link;      /* join */
	gev_greenlet *g;
	int timer_status;   /* what the timer delivers: 0 (sleep) or GEV_HUB_ETIMEDOUT */
	int revents;
};

/* ======================================================================================
 * Park, wake, yield
 */

void hub_wake(gev_hub *h, gev_greenlet *g, int status, gev_timeout *fired)
{
	g->state = HUB_G_READY;
	g->wake_status = status;
	g->fired = fired;
	hub_queue_push(h, &g->node, HUB_NODE_RESUME);
}

/* hub_switch_away leaves the running greenlet self (already PARKED or READY and registered)
 * and returns the status it is resumed with. Every resumer passes the resumed greenlet's
 * wake_status as the switch value, so this ends in a tail call (see hub_coro_switch_status). */
static inline int hub_switch_away(gev_hub *h, gev_greenlet *self)
{
	gev_hub_node *n = hub_queue_head(h);
	h->current = NULL;
	if (n && n->kind == HUB_NODE_RESUME && hub_tick(h)) {
		gev_greenlet *next = HUB_CONTAINER(n, gev_greenlet, node);
		hub_queue_pop(h, n);
		h->current = next;
		next->state = HUB_G_RUNNING;
		if (next == self)
			return self->wake_status;
		return hub_coro_switch_status(next->coro, next->wake_status);
	}
	return hub_coro_switch_status(h->hub_coro, 0);
}

/* hub_wake_with_throw queues g (parked or yielding) with its first undelivered throw.
 * Out of line: taking an address here would keep the callers from tail calls. */
static void __attribute__((noinline)) hub_wake_with_throw(gev_hub *h, gev_greenlet *g)
{
	gev_timeout *fired;
	int code = hub_take_throw(g, &fired);
	hub_wake(h, g, code, fired);
}

int hub_park(gev_hub *h, gev_greenlet *g)
{
	g->state = HUB_G_PARKED;
	if (HUB_UNLIKELY(g->kill_at_park || g->throws_head))
		hub_wake_with_throw(h, g);
	return hub_switch_away(h, g);
}

static inline int hub_yield(gev_hub *h, gev_greenlet *g)
{
	if (HUB_UNLIKELY(g->kill_at_park || g->throws_head))
		hub_wake_with_throw(h, g);
	else
		hub_wake(h, g, 0, NULL);
	return hub_switch_away(h, g);
}

/* ======================================================================================
 * Lifetime
 */

void hub_maybe_free(gev_greenlet *g)
{
	if (g->refs || g->state != HUB_G_DEAD || g->coro || g->notifying || g->is_host ||
	    hub_node_queued(&g->node))
		return;
	gev_hub *h = g->h;
	if (g->all_prev)
		g->all_prev->all_next = g->all_next;
	else
		h->all = g->all_next;
	if (g->all_next)
		g->all_next->all_prev = g->all_prev;
	h->ngreenlets--;
	hub_count_greenlets(-1);
	free(g);
}

void hub_unref(gev_greenlet *g)
{
	HUB_CHECK(g->refs > 0, "gev_greenlet_release", "greenlet %p has no reference left", (void *)g);
	g->refs--;
	hub_maybe_free(g);
}

void gev_greenlet_retain(gev_greenlet *g) { g->refs++; }

void gev_greenlet_release(gev_greenlet *g)
{
	if (!g)
		return;
	gev_hub *h = g->h;
	hub_unref(g);
	HUB_VERIFY(h);
}

void hub_greenlet_free_all(gev_hub *h)
{
	gev_greenlet *g = h->all;
	while (g) {
		gev_greenlet *next = g->all_next;
		if (g->later) {
			ev_timer_stop(h->loop, &g->later->w);
			free(g->later);
		}
		if (g->coro)
			gev_coro_destroy(g->coro);
		hub_count_greenlets(-1);
		free(g);
		g = next;
	}
	h->all = NULL;
	h->ngreenlets = h->nalive = 0;
}

/* ======================================================================================
 * Death and links
 */

/* hub_finish records g's result. It runs on g's own stack (the body returned) or in the
 * caller's context (kill before start). */
static void hub_finish(gev_hub *h, gev_greenlet *g, int status, void *value)
{
	g->status = status;
	g->value = status == 0 ? value : NULL;
	g->state = HUB_G_DEAD;
	h->nalive--;
	g->kill_at_park = 0;
	g->kill_code = 0;
	g->kill_after = NULL;
	if (hub_node_queued(&g->kill_node))
		hub_queue_remove(h, &g->kill_node);
	hub_timeout_drop_throws(g);
	if (g->is_host) {
		hub_emit(h, GEV_HUB_EV_GREENLET_DONE, g->host_id, status, g->value);
		hub_map_del(&h->host_greenlets, g->host_id);
		h->nhost_greenlets--;
		g->is_host = 0;
	}
	if (g->links_head)
		hub_queue_push(h, &g->node, HUB_NODE_NOTIFY);
}

static void hub_trampoline(void *arg)
{
	gev_greenlet *g = arg;
	gev_hub *h = g->h;
	void *value = NULL;
	int status = g->fn(h, g->arg, &value);
	hub_finish(h, g, status, value);
	h->current = NULL;
	h->dying = g;
	gev_coro_exit(h->hub_coro, g);
}

void hub_reap(gev_hub *h, gev_greenlet *g)
{
	gev_coro_destroy(g->coro);
	g->coro = NULL;
	h->dying = NULL;
	hub_maybe_free(g);
}

static void hub_notify(gev_hub *h, gev_greenlet *g)
{
	gev_link *l;
	g->notifying = 1;
	while ((l = g->links_head) != NULL) {
		g->links_head = l->next;
		if (l->next)
			l->next->prev = NULL;
		else
			g->links_tail = NULL;
		l->g = NULL;
		l->next = l->prev = NULL;
		l->fn(g, l->arg);
	}
	g->notifying = 0;
	(void)h;
	hub_maybe_free(g);
}

void gev_greenlet_link(gev_greenlet *g, gev_link *l, gev_link_fn fn, void *arg)
{
	HUB_CHECK(fn != NULL, "gev_greenlet_link", "NULL callback");
	l->fn = fn;
	l->arg = arg;
	l->g = g;
	l->next = NULL;
	l->prev = g->links_tail;
	if (g->links_tail)
		g->links_tail->next = l;
	else
		g->links_head = l;
	g->links_tail = l;
	/* After death: scheduled, never synchronous; during notification: the same pass. */
	if (g->state == HUB_G_DEAD && !g->notifying && !hub_node_queued(&g->node))
		hub_queue_push(g->h, &g->node, HUB_NODE_NOTIFY);
	HUB_VERIFY(g->h);
}

int gev_greenlet_unlink(gev_link *l)
{
	gev_greenlet *g = l->g;
	if (!g)
		return 0;
	if (l->prev)
		l->prev->next = l->next;
	else
		g->links_head = l->next;
	if (l->next)
		l->next->prev = l->prev;
	else
		g->links_tail = l->prev;
	l->g = NULL;
	l->next = l->prev = NULL;
	/* A notification left with nothing to run stays queued and finds an empty list. */
	HUB_VERIFY(g->h);
	return 1;
}

size_t gev_greenlet_link_count(const gev_greenlet *g)
{
	size_t n = 0;
	for (const gev_link *l = g->links_head; l; l = l->next)
		n++;
	return n;
}

/* ======================================================================================
 * Dispatch (called by the drain for every node it pops)
 */

/* hub_run_now switches from the hub context into g and back. */
static void hub_run_now(gev_hub *h, gev_greenlet *g)
{
	h->current = g;
	g->state = HUB_G_RUNNING;
	gev_greenlet *dead = gev_coro_switch(g->coro, (void *)(intptr_t)g->wake_status);
	h->current = NULL;
	if (dead)
		hub_reap(h, dead);
}

static void hub_deliver_kill(gev_hub *h, gev_greenlet *g)
{
	if (g->state == HUB_G_PARKED) {
		/* gevent throws from the hub synchronously: the victim runs now. */
		g->wake_status = g->kill_code;
		g->fired = NULL;
		g->kill_code = 0;
		hub_run_now(h, g);
	} else {
		/* READY: a wake-up is already queued; the kill waits for the next blocking call,
		 * behind the timeouts that expired before it (throws go in issue order). */
		g->kill_at_park = 1;
		g->kill_after = g->throws_tail;
	}
}

void hub_dispatch(gev_hub *h, gev_hub_node *n)
{
	switch (n->kind) {
	case HUB_NODE_RESUME:
		hub_run_now(h, HUB_CONTAINER(n, gev_greenlet, node));
		break;
	case HUB_NODE_NOTIFY:
		hub_notify(h, HUB_CONTAINER(n, gev_greenlet, node));
		break;
	case HUB_NODE_KILL:
		hub_deliver_kill(h, HUB_CONTAINER(n, gev_greenlet, kill_node));
		break;
	case HUB_NODE_CALLBACK: {
		gev_hub_callback *cb = HUB_CONTAINER(n, gev_hub_callback, node);
		cb->fn(h, cb->arg);
		break;
	}
	default:
		hub_die("gev_hub_turn", "corrupt ready queue node %p (kind %d)", (void *)n, n->kind);
	}
}

/* ======================================================================================
 * Spawn
 */

static void hub_later_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)revents;
	gev_hub *h = ev_userdata(loop);
	struct hub_later *later = HUB_CONTAINER(w, struct hub_later, w);
	gev_greenlet *g = later->g;
	h->ntimers--;
	g->later = NULL;
	free(later);
	hub_queue_push(h, &g->node, HUB_NODE_RESUME);
}

/* hub_spawn: seconds < 0 starts now (ready queue), >= 0 starts from a timer. */
int hub_spawn(gev_hub *h, gev_greenlet **out, double seconds, gev_greenlet_fn fn, void *arg,
	      int is_host, uint64_t host_id)
{
	if (out)
		*out = NULL;
	if (!fn || isnan(seconds) || isinf(seconds))
		return GEV_HUB_EINVAL;
	gev_greenlet *g = calloc(1, sizeof *g);
	if (!g)
		return GEV_HUB_ENOMEM;
	if (seconds >= 0) {
		g->later = malloc(sizeof *g->later);
		if (!g->later) {
			free(g);
			return GEV_HUB_ENOMEM;
		}
	}
	int rc = gev_coro_create(&g->coro, hub_trampoline, g, h->stack_size);
	if (rc != 0) {
		free(g->later);
		free(g);
		return rc == GEV_EINVAL ? GEV_HUB_EINVAL : GEV_HUB_ENOMEM;
	}
	g->h = h;
	g->fn = fn;
	g->arg = arg;
	g->state = HUB_G_NEW;
	g->all_next = h->all;
	if (h->all)
		h->all->all_prev = g;
	h->all = g;
	h->ngreenlets++;
	h->nalive++;
	hub_count_greenlets(1);
	if (is_host) {
		g->is_host = 1;
		g->host_id = host_id;
		h->nhost_greenlets++;
	}
	if (g->later) {
		g->later->g = g;
		ev_timer_init(&g->later->w, hub_later_cb, seconds, 0.);
		ev_timer_start(h->loop, &g->later->w);
		h->ntimers++;
	} else {
		hub_queue_push(h, &g->node, HUB_NODE_RESUME);
	}
	if (out) {
		g->refs = 1;
		*out = g;
	}
	return 0;
}

int gev_hub_spawn(gev_hub *h, gev_greenlet **out, gev_greenlet_fn fn, void *arg)
{
	int rc = hub_spawn(h, out, -1.0, fn, arg, 0, 0);
	HUB_VERIFY(h);
	return rc;
}

int gev_hub_spawn_later(gev_hub *h, gev_greenlet **out, double seconds, gev_greenlet_fn fn,
			void *arg)
{
	if (!(seconds >= 0)) {
		if (out)
			*out = NULL;
		return GEV_HUB_EINVAL;
	}
	int rc = hub_spawn(h, out, seconds, fn, arg, 0, 0);
	HUB_VERIFY(h);
	return rc;
}

/* ======================================================================================
 * Observers
 */

int gev_greenlet_started(const gev_greenlet *g) { return g->state != HUB_G_DEAD; }
int gev_greenlet_ready(const gev_greenlet *g) { return g->state == HUB_G_DEAD; }
int gev_greenlet_successful(const gev_greenlet *g)
{
	return g->state == HUB_G_DEAD && (g->status == 0 || g->status == GEV_HUB_EXIT);
}
int gev_greenlet_status(const gev_greenlet *g)
{
	return g->state == HUB_G_DEAD ? g->status : GEV_HUB_EBUSY;
}
void *gev_greenlet_value(const gev_greenlet *g) { return g->state == HUB_G_DEAD ? g->value : NULL; }

/* ======================================================================================
 * Waiting: timers, io, links of a blocking call
 */

static void hub_wait_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)revents;
	gev_hub *h = ev_userdata(loop);
	struct hub_wait *wt = HUB_CONTAINER(w, struct hub_wait, timer);
	h->ntimers--;
	if (wt->g->state == HUB_G_PARKED)
		hub_wake(h, wt->g, wt->timer_status, NULL);
}

static void hub_wait_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	gev_hub *h = ev_userdata(loop);
	struct hub_wait *wt = HUB_CONTAINER(w, struct hub_wait, io);
	if (!ev_is_active(w))
		h->nfdwaits--; /* libev stopped it: the fd was bad (EV_ERROR) */
	wt->revents = revents;
	if (wt->g->state == HUB_G_PARKED)
		hub_wake(h, wt->g, 0, NULL);
}

static void hub_wait_timer_start(gev_hub *h, struct hub_wait *w, double seconds, int status)
{
	/* After long work the loop clock is stale: a cheap coarse read tells (gevent 1.3.3
	 * updates the clock before every timed wait). */
	if (hub_coarse_now() != h->coarse_at_update)
		hub_clock_refresh(h);
	w->timer_status = status;
	ev_timer_init(&w->timer, hub_wait_timer_cb, seconds, 0.);
	ev_timer_start(h->loop, &w->timer);
	h->ntimers++;
}

static void hub_wait_timer_stop(gev_hub *h, struct hub_wait *w)
{
	if (ev_is_active(&w->timer)) {
		ev_timer_stop(h->loop, &w->timer);
		h->ntimers--;
	}
}

/* hub_self returns the running greenlet of h, or NULL in hub context; in debug builds it
 * checks that the caller really is that greenlet. */
static inline gev_greenlet *hub_self(gev_hub *h, const char *fn)
{
	gev_greenlet *g = h->current;
#ifdef GEV_HUB_DEBUG
	if (g)
		HUB_CHECK(gev_coro_current() == g->coro, fn,
			  "called from a coroutine that is not the hub's current greenlet");
#else
	(void)fn;
#endif
	return g;
}

/* hub_sleep_slow: everything but a yield from a greenlet (kept out of line so the yield
 * path has no frame to build). */
static int __attribute__((noinline)) hub_sleep_slow(gev_hub *h, gev_greenlet *g, double seconds)
{
	if (!(seconds > 0))
		return seconds == 0 ? GEV_HUB_EBLOCKING : GEV_HUB_EINVAL; /* NaN, < 0: never a hang */
	if (!g)
		return GEV_HUB_EBLOCKING;
	struct hub_wait w;
	w.g = g;
	hub_wait_timer_start(h, &w, seconds, 0);
	int rc = hub_park(h, g);
	hub_wait_timer_stop(h, &w);
	HUB_VERIFY(h);
	return rc;
}

/* Budget: the yield (seconds == 0 from a greenlet) is at most 12 ns through the hub
 * (bench/perf_hub.c): one queue push, one pop and, when another greenlet is next, one
 * direct coroutine switch. */
int gev_hub_sleep(gev_hub *h, double seconds)
{
	gev_greenlet *g = hub_self(h, "gev_hub_sleep");
	if (HUB_LIKELY(seconds == 0 && g != NULL)) {
#ifdef GEV_HUB_DEBUG
		int rc = hub_yield(h, g);
		HUB_VERIFY(h);
		return rc;
#else
		return hub_yield(h, g); /* a tail call into the switch */
#endif
	}
	return hub_sleep_slow(h, g, seconds);
}

int gev_hub_wait_fd(gev_hub *h, int fd, int events, double timeout, int *revents)
{
	gev_greenlet *g = hub_self(h, "gev_hub_wait_fd");
	if (revents)
		*revents = 0;
	if (fd < 0)
		return GEV_HUB_EBADF;
	if (!events || (events & ~(EV_READ | EV_WRITE)) || isnan(timeout))
		return GEV_HUB_EINVAL;
	if (!g)
		return GEV_HUB_EBLOCKING;
	struct hub_wait w;
	w.g = g;
	w.revents = 0;
	ev_io_init(&w.io, hub_wait_io_cb, fd, events);
	ev_io_start(h->loop, &w.io);
	h->nfdwaits++;
	if (timeout >= 0)
		hub_wait_timer_start(h, &w, timeout, GEV_HUB_ETIMEDOUT);
	else
		ev_init(&w.timer, hub_wait_timer_cb);
	int rc = hub_park(h, g);
	if (ev_is_active(&w.io)) {
		ev_io_stop(h->loop, &w.io);
		h->nfdwaits--;
	}
	hub_wait_timer_stop(h, &w);
	if (rc == 0 && revents)
		*revents = w.revents & (EV_READ | EV_WRITE | EV_ERROR);
	HUB_VERIFY(h);
	return rc;
}

int gev_hub_park_forever(gev_hub *h)
{
	gev_greenlet *g = hub_self(h, "gev_hub_park_forever");
	if (!g)
		return GEV_HUB_EBLOCKING;
	int rc = hub_park(h, g);
	HUB_VERIFY(h);
	return rc;
}

/* ======================================================================================
 * Join, get, kill
 */

static void hub_join_link_cb(gev_greenlet *dead, void *arg)
{
	struct hub_wait *w = arg;
	if (w->g->state == HUB_G_PARKED)
		hub_wake(dead->h, w->g, 0, NULL);
}

int gev_greenlet_join(gev_greenlet *g, double timeout)
{
	gev_hub *h = g->h;
	gev_greenlet *self = hub_self(h, "gev_greenlet_join");
	if (isnan(timeout))
		return GEV_HUB_EINVAL;
	if (g->state == HUB_G_DEAD)
		return 0;
	if (!self)
		return GEV_HUB_EBLOCKING;
	struct hub_wait w;
	w.g = self;
	gev_greenlet_link(g, &w.link, hub_join_link_cb, &w);
	if (timeout >= 0)
		hub_wait_timer_start(h, &w, timeout, GEV_HUB_ETIMEDOUT);
	else
		ev_init(&w.timer, hub_wait_timer_cb);
	int rc = hub_park(h, self);
	gev_greenlet_unlink(&w.link);
	hub_wait_timer_stop(h, &w);
	HUB_VERIFY(h);
	return rc;
}

int gev_greenlet_get(gev_greenlet *g, void **value, double timeout)
{
	if (value)
		*value = NULL;
	if (isnan(timeout))
		return GEV_HUB_EINVAL;
	if (g->state != HUB_G_DEAD) {
		if (timeout == 0)
			return GEV_HUB_ETIMEDOUT;
		int rc = gev_greenlet_join(g, timeout);
		if (rc != 0)
			return rc;
	}
	if (value)
		*value = g->value;
	return g->status;
}

/* hub_kill_before_start: synchronous, no yield; the body never runs, links fire later. */
static void hub_kill_before_start(gev_hub *h, gev_greenlet *g, int code)
{
	if (g->later) {
		ev_timer_stop(h->loop, &g->later->w);
		h->ntimers--;
		free(g->later);
		g->later = NULL;
	} else if (hub_node_queued(&g->node)) {
		hub_queue_remove(h, &g->node);
	}
	gev_coro_destroy(g->coro);
	g->coro = NULL;
	hub_finish(h, g, code, NULL);
	hub_maybe_free(g);
}

int gev_greenlet_kill(gev_greenlet *g, int code, int block, double timeout)
{
	gev_hub *h = g->h;
	if (code == 0 || isnan(timeout))
		return GEV_HUB_EINVAL;
	if (g->state == HUB_G_DEAD)
		return 0;
	if (g->state == HUB_G_NEW) {
		g->refs++; /* keep g valid for the caller's HUB_VERIFY below */
		hub_kill_before_start(h, g, code);
		hub_unref(g);
		HUB_VERIFY(h);
		return 0;
	}
	if (!hub_node_queued(&g->kill_node) && !g->kill_at_park) {
		g->kill_code = code;
		hub_queue_push(h, &g->kill_node, HUB_NODE_KILL);
	}
	HUB_VERIFY(h);
	if (!block)
		return 0;
	if (!hub_self(h, "gev_greenlet_kill"))
		return GEV_HUB_EBLOCKING;
	int rc = gev_greenlet_join(g, timeout);
	return rc == GEV_HUB_ETIMEDOUT ? 0 : rc;
}

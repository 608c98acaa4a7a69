/*
 * hub.c - the hub itself: lifecycle, the ready queue and its drain (gevent's fairness rule),
 * hub callbacks, the clock, error strings, and the census.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "hub_internal.h"

/* ======================================================================================
 * Misuse and process-wide counters
 */

void hub_die(const char *fn, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", fn);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

static size_t live_hubs, live_greenlets;

void hub_count_hubs(int delta) { __atomic_add_fetch(&live_hubs, (size_t)(ptrdiff_t)delta, __ATOMIC_RELAXED); }
void hub_count_greenlets(int delta)
{
	__atomic_add_fetch(&live_greenlets, (size_t)(ptrdiff_t)delta, __ATOMIC_RELAXED);
}
size_t gev_hub_live_hubs(void) { return __atomic_load_n(&live_hubs, __ATOMIC_RELAXED); }
size_t gev_hub_live_greenlets(void) { return __atomic_load_n(&live_greenlets, __ATOMIC_RELAXED); }

const char *gev_hub_strerror(int code)
{
	switch (code) {
	case GEV_HUB_OK: return "success";
	case GEV_HUB_ENOMEM: return "out of memory";
	case GEV_HUB_EINVAL: return "invalid argument";
	case GEV_HUB_EXIT: return "greenlet exit";
	case GEV_HUB_ETIMEOUT: return "timeout";
	case GEV_HUB_ETIMEDOUT: return "timed out";
	case GEV_HUB_EBLOCKING: return "impossible to call a blocking function in the hub context";
	case GEV_HUB_ELOOPEXIT: return "this operation would block forever";
	case GEV_HUB_ENOTFOUND: return "unknown id";
	case GEV_HUB_EEXIST: return "id already in use";
	case GEV_HUB_EBUSY: return "busy";
	case GEV_HUB_EBADF: return "bad file descriptor";
	default: return "unknown error";
	}
}

/* The host mirrors these layouts (Go structs over C memory): keep them fixed. */
_Static_assert(sizeof(void *) != 8 || sizeof(gev_hub_cmd) == 64, "gev_hub_cmd layout changed");
_Static_assert(sizeof(void *) != 8 || sizeof(gev_hub_event) == 24, "gev_hub_event layout changed");
_Static_assert(offsetof(gev_hub_cmd, seconds) == 24, "gev_hub_cmd layout changed");
_Static_assert(sizeof(void *) != 8 || offsetof(gev_hub_cmd, deadline) == 56, "gev_hub_cmd layout changed");

/* ======================================================================================
 * Clock
 */

double hub_coarse_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* hub_clock_refresh updates libev's clock and remembers when, on the cheap coarse clock, so
 * gev_hub_sleep can tell a stale clock without paying for a precise read. */
void hub_clock_refresh(gev_hub *h)
{
	ev_now_update(h->loop);
	h->coarse_at_update = hub_coarse_now();
}

/* hub_timer_clock returns libev's timer clock (mn_now, CLOCK_MONOTONIC in seconds) as of
 * the last refresh. libev keeps it private but adds it, unrounded, to a timer's `after` at
 * ev_timer_start: a timer started with after 0 sits at exactly that clock. */
double hub_timer_clock(gev_hub *h)
{
	ev_timer_set(&h->clock_probe, 0., 0.);
	ev_timer_start(h->loop, &h->clock_probe);
	double now = h->clock_probe.at;
	ev_timer_stop(h->loop, &h->clock_probe);
	return now;
}

double gev_hub_now(gev_hub *h) { return ev_now(h->loop); }
double gev_hub_timer_now(gev_hub *h) { return hub_timer_clock(h); }
void gev_hub_now_update(gev_hub *h) { hub_clock_refresh(h); }

int gev_hub_set_switch_interval(gev_hub *h, double seconds)
{
	if (!(seconds > 0) || isinf(seconds))
		return GEV_HUB_EINVAL;
	h->interval = seconds;
	return 0;
}

void gev_hub_set_stack_size(gev_hub *h, size_t bytes) { h->stack_size = bytes; }

struct ev_loop *gev_hub_loop(gev_hub *h) { return h->loop; }

gev_greenlet *gev_hub_current(gev_hub *h) { return h->current; }

/* ======================================================================================
 * Lifecycle
 */

int gev_hub_new(gev_hub **out, size_t cmd_capacity)
{
	*out = NULL;
	if (cmd_capacity == 0)
		cmd_capacity = 256;
	if (cmd_capacity > UINT32_MAX / 2)
		return GEV_HUB_EINVAL;
	gev_hub *h = calloc(1, sizeof *h);
	if (!h)
		return GEV_HUB_ENOMEM;
	/* Never the default loop: it reaps every child (SIGCHLD) and would break os/exec. */
	h->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
	if (!h->loop) {
		free(h);
		return GEV_HUB_ENOMEM;
	}
	ev_set_userdata(h->loop, h);
	h->rmask = 63;
	h->ring = malloc((h->rmask + 1) * sizeof *h->ring);
	h->interval = 0.005;
	h->host.cmd_cap = (uint32_t)cmd_capacity;
	h->host.cmds = calloc(cmd_capacity, sizeof(gev_hub_cmd));
	h->ev_cap = 64;
	h->host.events = malloc(h->ev_cap * sizeof(gev_hub_event));
	if (!h->ring || !h->host.cmds || !h->host.events || hub_posts_init(h) != 0) {
		free(h->ring);
		free(h->host.cmds);
		free(h->host.events);
		ev_loop_destroy(h->loop);
		free(h);
		return GEV_HUB_ENOMEM;
	}
	hub_host_init(h);
	hub_clock_refresh(h);
	hub_count_hubs(1);
	*out = h;
	HUB_VERIFY(h);
	return 0;
}

void gev_hub_destroy(gev_hub *h)
{
	if (!h)
		return;
	HUB_CHECK(h->current == NULL && !h->in_turn, "gev_hub_destroy",
		  "called from inside the hub (a greenlet or a callback of a turn)");
	/* Callbacks still queued are dropped; greenlet nodes go with their greenlets. */
	gev_hub_node *n;
	while ((n = hub_queue_head(h)) != NULL)
		hub_queue_pop(h, n);
	hub_greenlet_free_all(h);
	hub_host_free(h);
	hub_posts_free(h);
	ev_loop_destroy(h->loop);
	free(h->ring);
	free(h->host.cmds);
	free(h->host.events);
	hub_count_hubs(-1);
	free(h);
}

/* ======================================================================================
 * The drain
 */

int hub_tick_slow(gev_hub *h)
{
	if (h->stop_drain) {
		h->tick = 1u << 30;
		return 0;
	}
	h->tick = 0;
	hub_clock_refresh(h);
	if (ev_now(h->loop) - h->drain_start >= h->interval) {
		h->stop_drain = 1;
		h->tick = 1u << 30;
		return 0;
	}
	return 1;
}

/* hub_drain runs the ready queue FIFO, including work queued meanwhile, until it is empty
 * or the switch interval is used up. Greenlets may switch directly to the next ready
 * greenlet (hub_park); they come back here when the next item is not a greenlet, when
 * the interval is used up, or when they finish. */
void hub_drain(gev_hub *h)
{
	h->stop_drain = 0;
	h->tick = 0;
	h->drain_start = ev_now(h->loop);
	gev_hub_node *n;
	while ((n = hub_queue_head(h)) != NULL && hub_tick(h)) {
		hub_queue_pop(h, n);
		hub_dispatch(h, n);
	}
}

size_t hub_ready_count(const gev_hub *h)
{
	size_t n = 0;
	for (uint64_t i = h->rhead; i != h->rtail; i++)
		n += h->ring[i & h->rmask] != NULL;
	return n;
}

/* hub_ring_grow makes room in a full ring: it compacts the holes away and doubles the
 * ring unless that freed at least half of it. Node slots are renumbered. */
void hub_ring_grow(gev_hub *h)
{
	size_t live = hub_ready_count(h), cap = h->rmask + 1;
	size_t ncap = live * 2 <= cap ? cap : cap * 2;
	gev_hub_node **r = malloc(ncap * sizeof *r);
	HUB_CHECK(r != NULL, "hub", "out of memory growing the ready queue to %zu nodes", ncap);
	uint64_t j = 0;
	for (uint64_t i = h->rhead; i != h->rtail; i++) {
		gev_hub_node *n = h->ring[i & h->rmask];
		if (n) {
			r[j] = n;
			n->slot = ++j;
		}
	}
	free(h->ring);
	h->ring = r;
	h->rmask = ncap - 1;
	h->rhead = 0;
	h->rtail = j;
}

/* ======================================================================================
 * Hub callbacks
 */

int gev_hub_callback_start(gev_hub *h, gev_hub_callback *cb, gev_hub_callback_fn fn, void *arg)
{
	if (!fn)
		return GEV_HUB_EINVAL;
	if (cb->h && hub_node_queued(&cb->node))
		return GEV_HUB_EBUSY;
	cb->fn = fn;
	cb->arg = arg;
	cb->h = h;
	hub_queue_push(h, &cb->node, HUB_NODE_CALLBACK);
	HUB_VERIFY(h);
	return 0;
}

int gev_hub_callback_stop(gev_hub_callback *cb)
{
	if (!cb->h || !hub_node_queued(&cb->node))
		return 0;
	hub_queue_remove(cb->h, &cb->node);
	HUB_VERIFY(cb->h);
	return 1;
}

int gev_hub_callback_pending(const gev_hub_callback *cb)
{
	return cb->h != NULL && hub_node_queued(&cb->node);
}

/* ======================================================================================
 * Census
 */

void gev_hub_get_census(gev_hub *h, gev_hub_census *out)
{
	memset(out, 0, sizeof *out);
	out->greenlets = h->ngreenlets;
	out->alive = h->nalive;
	out->ready = hub_ready_count(h);
	out->timers = h->ntimers;
	out->fd_waits = h->nfdwaits;
	out->host_timers = h->nhost_timers;
	out->host_ios = h->host_ios.len;
	out->host_greenlets = h->nhost_greenlets;
	pthread_mutex_lock(&h->post_mu);
	out->posts = h->nposts;
	pthread_mutex_unlock(&h->post_mu);
}

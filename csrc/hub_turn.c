/*
 * hub_turn.c - the turn API: host commands in, events out, one loop turn per call.
 *
 * Cost model (why it looks like this): the host crosses into C once per turn (a cgo call is
 * ~50 ns), so a Go greenlet's sleep is one command written into hub-owned memory plus, later,
 * one event read from hub-owned memory; no call of its own. Host timers live in a pool and
 * are found by id through hub_map.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>

#include "hub_internal.h"

/* ======================================================================================
 * Events
 */

void hub_emit(gev_hub *h, int kind, uint64_t id, int status, void *value)
{
	if (HUB_UNLIKELY(h->host.nevents == h->ev_cap)) {
		/* Grow, never drop: every event is a promise made to the host. */
		size_t ncap = h->ev_cap * 2;
		gev_hub_event *n = realloc(h->host.events, ncap * sizeof *n);
		HUB_CHECK(n != NULL && ncap <= UINT32_MAX, "gev_hub_turn",
			  "out of memory growing the event array to %zu events", ncap);
		h->host.events = n;
		h->ev_cap = ncap;
	}
	gev_hub_event *e = &h->host.events[h->host.nevents++];
	e->id = id;
	e->kind = kind;
	e->status = status;
	e->value = value;
}

/* ======================================================================================
 * Host timers and io watchers
 */

static void hub_host_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)revents;
	gev_hub *h = ev_userdata(loop);
	struct hub_host_timer *t = HUB_CONTAINER(w, struct hub_host_timer, w);
	hub_emit(h, GEV_HUB_EV_TIMER, t->id, 0, NULL);
	if (!ev_is_active(w)) { /* one-shot: the id is free again */
		h->nhost_timers--;
		if (t->id >= HUB_DIRECT_IDS) {
			hub_map_del(&h->host_timers, t->id);
			t->next_free = h->free_timers;
			h->free_timers = t;
		}
	}
}

/* hub_direct_timer returns the slot of a direct id, creating its chunk if `create`. */
static struct hub_host_timer *hub_direct_timer(gev_hub *h, uint64_t id, int create)
{
	size_t ci = (size_t)(id >> HUB_CHUNK_BITS);
	if (HUB_UNLIKELY(ci >= h->ntimer_chunks || !h->timer_chunks[ci])) {
		if (!create)
			return NULL;
		if (ci >= h->ntimer_chunks) {
			size_t n = h->ntimer_chunks ? h->ntimer_chunks : 4;
			while (n <= ci)
				n *= 2;
			struct hub_host_timer **c = realloc(h->timer_chunks, n * sizeof *c);
			if (!c)
				return NULL;
			memset(c + h->ntimer_chunks, 0, (n - h->ntimer_chunks) * sizeof *c);
			h->timer_chunks = c;
			h->ntimer_chunks = n;
		}
		struct hub_host_timer *chunk = malloc(HUB_CHUNK * sizeof *chunk);
		if (!chunk)
			return NULL;
		for (unsigned i = 0; i < HUB_CHUNK; i++) {
			ev_init(&chunk[i].w, hub_host_timer_cb);
			chunk[i].id = ((uint64_t)ci << HUB_CHUNK_BITS) | i;
			chunk[i].next_free = NULL;
		}
		h->timer_chunks[ci] = chunk;
	}
	return &h->timer_chunks[ci][id & (HUB_CHUNK - 1)];
}

/* hub_cmd_timer_start applies a TIMER_START, or a TIMER_AT when at is set. *clock is
 * libev's timer clock for this turn's commands, read at the first absolute deadline (NAN
 * until then): every deadline of the turn is converted against the one reading, and against
 * the very value libev adds back. */
static int hub_cmd_timer_start(gev_hub *h, const gev_hub_cmd *c, double *clock, int at)
{
	double after = c->seconds;
	if (HUB_UNLIKELY(c->code != 0) || isnan(after) || isinf(after) || !(c->repeat >= 0) ||
	    isinf(c->repeat))
		return GEV_HUB_EINVAL;
	if (at) {
		if (isnan(*clock))
			*clock = hub_timer_clock(h);
		/* at = clock + (deadline - clock): exactly the deadline when the two are within a
		 * factor of two (Sterbenz), so deadline order holds across turns. */
		after = (double)c->deadline / 1e9 - *clock;
		if (!(after > 0))
			after = 0; /* already due: fires at this turn's ev_run */
	} else if (HUB_UNLIKELY(!(after >= 0))) {
		return GEV_HUB_EINVAL;
	}
	struct hub_host_timer *t;
	if (HUB_LIKELY(c->id < HUB_DIRECT_IDS)) {
		t = hub_direct_timer(h, c->id, 1);
		if (!t)
			return GEV_HUB_ENOMEM;
		if (ev_is_active(&t->w))
			ev_timer_stop(h->loop, &t->w);
		else
			h->nhost_timers++;
	} else if ((t = hub_map_get(&h->host_timers, c->id)) != NULL) {
		ev_timer_stop(h->loop, &t->w);
	} else {
		t = h->free_timers;
		if (t) {
			h->free_timers = t->next_free;
		} else if (!(t = malloc(sizeof *t))) {
			return GEV_HUB_ENOMEM;
		}
		if (hub_map_put(&h->host_timers, c->id, t) != 0) {
			t->next_free = h->free_timers;
			h->free_timers = t;
			return GEV_HUB_ENOMEM;
		}
		t->id = c->id;
		ev_init(&t->w, hub_host_timer_cb);
		h->nhost_timers++;
	}
	/* set before start, always: a stop+start would resume the old remaining time (#1890). */
	ev_timer_set(&t->w, after, c->repeat);
	ev_timer_start(h->loop, &t->w);
	return 0;
}

static void hub_cmd_timer_stop(gev_hub *h, uint64_t id)
{
	if (id < HUB_DIRECT_IDS) {
		struct hub_host_timer *t = hub_direct_timer(h, id, 0);
		if (t && ev_is_active(&t->w)) {
			ev_timer_stop(h->loop, &t->w);
			h->nhost_timers--;
		}
		return;
	}
	struct hub_host_timer *t = hub_map_del(&h->host_timers, id);
	if (!t)
		return;
	ev_timer_stop(h->loop, &t->w);
	h->nhost_timers--;
	t->next_free = h->free_timers;
	h->free_timers = t;
}

static void hub_host_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	gev_hub *h = ev_userdata(loop);
	struct hub_host_io *io = HUB_CONTAINER(w, struct hub_host_io, w);
	hub_emit(h, GEV_HUB_EV_IO, io->id, revents, NULL);
	if (!ev_is_active(w)) { /* libev gave up on a bad fd (EV_ERROR): the id is free */
		hub_map_del(&h->host_ios, io->id);
		io->next_free = h->free_ios;
		h->free_ios = io;
	}
}

static int hub_cmd_io_start(gev_hub *h, const gev_hub_cmd *c)
{
	if (c->code < 0)
		return GEV_HUB_EBADF;
	if (!c->events || (c->events & ~(EV_READ | EV_WRITE)))
		return GEV_HUB_EINVAL;
	/* A closed fd must be refused here: libev asserts on the EBADF of its epoll_ctl. */
	if (fcntl(c->code, F_GETFD) < 0 && errno == EBADF)
		return GEV_HUB_EBADF;
	struct hub_host_io *io = hub_map_get(&h->host_ios, c->id);
	if (io) {
		ev_io_stop(h->loop, &io->w);
	} else {
		io = h->free_ios;
		if (io) {
			h->free_ios = io->next_free;
		} else if (!(io = malloc(sizeof *io))) {
			return GEV_HUB_ENOMEM;
		}
		if (hub_map_put(&h->host_ios, c->id, io) != 0) {
			io->next_free = h->free_ios;
			h->free_ios = io;
			return GEV_HUB_ENOMEM;
		}
		io->id = c->id;
		ev_init(&io->w, hub_host_io_cb);
	}
	ev_io_set(&io->w, c->code, c->events);
	ev_io_start(h->loop, &io->w);
	return 0;
}

static void hub_cmd_io_stop(gev_hub *h, uint64_t id)
{
	struct hub_host_io *io = hub_map_del(&h->host_ios, id);
	if (!io)
		return;
	ev_io_stop(h->loop, &io->w);
	io->next_free = h->free_ios;
	h->free_ios = io;
}

static int hub_cmd_spawn(gev_hub *h, const gev_hub_cmd *c)
{
	if (hub_map_get(&h->host_greenlets, c->id))
		return GEV_HUB_EEXIST;
	gev_greenlet *g;
	int rc = hub_spawn(h, &g, c->seconds > 0 ? c->seconds : -1.0, c->fn, c->arg, 1, c->id);
	if (rc != 0)
		return rc;
	if (hub_map_put(&h->host_greenlets, c->id, g) != 0) {
		g->is_host = 0; /* no DONE event for a spawn that failed */
		h->nhost_greenlets--;
		gev_greenlet_kill(g, GEV_HUB_EXIT, 0, 0); /* never started: dies synchronously */
		hub_unref(g);
		return GEV_HUB_ENOMEM;
	}
	/* The host's handle is its id: the map entry keeps g until its DONE event. */
	hub_unref(g);
	return 0;
}

static void hub_apply_cmds(gev_hub *h)
{
	uint32_t n = h->host.ncmds;
	HUB_CHECK(n <= h->host.cmd_cap, "gev_hub_turn", "ncmds %u exceeds cmd_cap %u", n,
		  h->host.cmd_cap);
	double clock = NAN;
	for (uint32_t i = 0; i < n; i++) {
		const gev_hub_cmd *c = &h->host.cmds[i];
		int rc = 0;
		switch (c->op) {
		case GEV_HUB_CMD_TIMER_START: rc = hub_cmd_timer_start(h, c, &clock, 0); break;
		case GEV_HUB_CMD_TIMER_AT: rc = hub_cmd_timer_start(h, c, &clock, 1); break;
		case GEV_HUB_CMD_TIMER_STOP: hub_cmd_timer_stop(h, c->id); break;
		case GEV_HUB_CMD_IO_START: rc = hub_cmd_io_start(h, c); break;
		case GEV_HUB_CMD_IO_STOP: hub_cmd_io_stop(h, c->id); break;
		case GEV_HUB_CMD_SPAWN: rc = hub_cmd_spawn(h, c); break;
		case GEV_HUB_CMD_KILL: {
			gev_greenlet *g = hub_map_get(&h->host_greenlets, c->id);
			if (g)
				gev_greenlet_kill(g, c->code ? c->code : GEV_HUB_EXIT, 0, 0);
			break;
		}
		case GEV_HUB_CMD_NOP: break;
		default: rc = GEV_HUB_EINVAL; break;
		}
		if (rc != 0)
			hub_emit(h, GEV_HUB_EV_CMD_ERROR, c->id, rc, (void *)(uintptr_t)c->op);
	}
	h->host.ncmds = 0;
}

static void hub_free_pool_timer(uint64_t key, void *val, void *ctx)
{
	(void)key;
	gev_hub *h = ctx;
	struct hub_host_timer *t = val;
	ev_timer_stop(h->loop, &t->w);
	free(t);
}

static void hub_free_pool_io(uint64_t key, void *val, void *ctx)
{
	(void)key;
	gev_hub *h = ctx;
	struct hub_host_io *io = val;
	ev_io_stop(h->loop, &io->w);
	free(io);
}

static void hub_turn_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents; /* only ends ev_run's wait */
}

void hub_host_init(gev_hub *h)
{
	ev_init(&h->turn_timer, hub_turn_timer_cb);
	ev_init(&h->clock_probe, hub_turn_timer_cb);
}

void hub_host_free(gev_hub *h)
{
	hub_map_each(&h->host_timers, hub_free_pool_timer, h);
	for (size_t ci = 0; ci < h->ntimer_chunks; ci++) {
		struct hub_host_timer *chunk = h->timer_chunks[ci];
		if (!chunk)
			continue;
		for (unsigned i = 0; i < HUB_CHUNK; i++)
			ev_timer_stop(h->loop, &chunk[i].w);
		free(chunk);
	}
	free(h->timer_chunks);
	h->timer_chunks = NULL;
	h->ntimer_chunks = 0;
	hub_map_each(&h->host_ios, hub_free_pool_io, h);
	hub_map_free(&h->host_timers);
	hub_map_free(&h->host_ios);
	hub_map_free(&h->host_greenlets);
	while (h->free_timers) {
		struct hub_host_timer *t = h->free_timers;
		h->free_timers = t->next_free;
		free(t);
	}
	while (h->free_ios) {
		struct hub_host_io *io = h->free_ios;
		h->free_ios = io->next_free;
		free(io);
	}
}

/* ======================================================================================
 * The turn
 */

size_t hub_active(gev_hub *h)
{
	return h->ntimers + h->nfdwaits + h->nhost_timers + h->host_ios.len +
	       (size_t)(h->keepalive > 0);
}

gev_hub_host *gev_hub_host_of(gev_hub *h) { return &h->host; }

gev_hub_cmd *gev_hub_cmd_push(gev_hub *h)
{
	if (h->host.ncmds >= h->host.cmd_cap)
		return NULL;
	gev_hub_cmd *c = &h->host.cmds[h->host.ncmds++];
	memset(c, 0, sizeof *c);
	return c;
}

int gev_hub_turn(gev_hub *h, double max_wait)
{
	if (h->in_turn || h->current)
		return GEV_HUB_EBLOCKING;
	if (isnan(max_wait))
		return GEV_HUB_EINVAL;
	h->in_turn = 1;
	h->hub_coro = gev_coro_current();
	h->host.turns++;

	/* Drop the events the host read after the last turn; keep any emitted since. */
	if (h->ev_returned) {
		uint32_t keep = h->host.nevents - h->ev_returned;
		memmove(h->host.events, h->host.events + h->ev_returned, keep * sizeof(gev_hub_event));
		h->host.nevents = keep;
		h->ev_returned = 0;
	}

	/* The host may have worked for long since the last poll: deadlines count from now. */
	hub_clock_refresh(h);
	hub_apply_cmds(h);
	hub_posts_take(h);
	HUB_VERIFY(h);

	hub_drain(h);
	HUB_VERIFY(h);

	int rc = 0;
	int flags;
	if (hub_has_ready(h) || max_wait == 0 || h->host.nevents > 0) {
		/* Events to report already (a refused command, a greenlet's end): the host
		 * must see them now, not after the next wake-up. */
		flags = EVRUN_NOWAIT;
	} else {
		flags = EVRUN_ONCE;
		if (max_wait < 0 && hub_active(h) == 0 && !hub_posts_pending(h) &&
		    h->host.nevents == 0)
			rc = GEV_HUB_ELOOPEXIT; /* nothing could ever wake the loop */
		else if (max_wait > 0) {
			ev_timer_set(&h->turn_timer, max_wait, 0.);
			ev_timer_start(h->loop, &h->turn_timer);
		}
	}
	if (rc == 0) {
		/* Give the memory of cold pooled stacks back (gev_coro.h): an idle hub before it
		 * sleeps, a busy one about once a second, then only what sat unused for that
		 * second. drain_start is this turn's loop clock (wall time: a step back restarts
		 * the second), so the check costs two compares. */
		double since = h->drain_start - h->pool_idle_last;
		if (flags == EVRUN_ONCE) {
			gev_coro_pool_release();
		} else if (HUB_UNLIKELY(since >= 1.0 || since < 0)) {
			gev_coro_pool_release_idle();
			h->pool_idle_last = h->drain_start;
		}
		h->in_ev_run = 1;
		ev_run(h->loop, flags);
		h->in_ev_run = 0;
		if (ev_is_active(&h->turn_timer))
			ev_timer_stop(h->loop, &h->turn_timer);
	}

	h->host.has_ready = hub_has_ready(h);
	h->host.nalive = h->nalive;
	h->ev_returned = h->host.nevents;
	h->in_turn = 0;
	HUB_VERIFY(h);
	return rc ? rc : (int)h->host.nevents;
}

int gev_hub_run(gev_hub *h)
{
	if (h->in_turn || h->current)
		return GEV_HUB_EBLOCKING;
	for (;;) {
		if (!hub_has_ready(h) && !h->nalive && hub_active(h) == 0 && !hub_posts_pending(h))
			return 0;
		int rc = gev_hub_turn(h, GEV_HUB_FOREVER);
		if (rc == GEV_HUB_ELOOPEXIT)
			return h->nalive ? GEV_HUB_ELOOPEXIT : 0;
		if (rc < 0)
			return rc;
	}
}

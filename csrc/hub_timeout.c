/*
 * hub_timeout.c - gevent's Timeout for C greenlets: a caller-owned timer bound to the
 * greenlet that starts it, delivered as GEV_HUB_ETIMEOUT with its identity.
 *
 * Budget: start+cancel on an empty heap costs at most 1.5x a bare ev_timer_set+start+stop
 * (bench/perf_hub.c). So no clock read here: the loop clock is at most one turn or 50
 * dispatches old (gev_hub_now_update refreshes it after long work).
 */
#include <string.h>

#include "hub_internal.h"

static void hub_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)revents;
	gev_hub *h = ev_userdata(loop);
	gev_timeout *t = HUB_CONTAINER(w, gev_timeout, w);
	gev_greenlet *g = t->target;
	h->ntimers--;
	if (g->state == HUB_G_PARKED) {
		t->state = HUB_T_IDLE;
		t->target = NULL;
		hub_wake(h, g, GEV_HUB_ETIMEOUT, t);
		g->refs--; /* g is parked, hence alive: never the last reference that matters */
	} else if (g->state == HUB_G_DEAD) {
		/* A leaked timeout of a dead greenlet has no visible effect (gevent [E]). */
		t->state = HUB_T_IDLE;
		t->target = NULL;
		hub_unref(g);
	} else {
		/* Its greenlet already has a wake-up queued: deliver at its next blocking call. */
		t->state = HUB_T_UNDELIVERED;
		t->next_throw = NULL;
		if (g->throws_tail)
			g->throws_tail->next_throw = t;
		else
			g->throws_head = t;
		g->throws_tail = t;
	}
}

void gev_timeout_init(gev_timeout *t, gev_hub *h)
{
	memset(t, 0, sizeof *t);
	t->h = h;
	ev_init(&t->w, hub_timeout_cb);
}

int gev_timeout_start(gev_timeout *t, double seconds)
{
	gev_hub *h = t->h;
	HUB_CHECK(h != NULL, "gev_timeout_start", "timeout %p was not initialised", (void *)t);
	if (HUB_UNLIKELY(t->state != HUB_T_IDLE))
		return GEV_HUB_EBUSY;
	if (HUB_UNLIKELY(!(seconds >= 0) || __builtin_isinf(seconds)))
		return GEV_HUB_EINVAL;
	gev_greenlet *g = h->current;
	if (HUB_UNLIKELY(!g))
		return GEV_HUB_EBLOCKING;
	/* Bookkeeping first, libev last: nothing lives across the call (the budgeted path). */
	t->target = g;
	g->refs++;
	t->state = HUB_T_ARMED;
	h->ntimers++;
	/* set before start, always: a restart must count from now (gevent #1890). */
	ev_timer_set(&t->w, seconds, 0.);
	ev_timer_start(h->loop, &t->w);
	HUB_VERIFY(h);
	return 0;
}

/* hub_timeout_cancel_undelivered takes an expired, undelivered t out of its target's list. */
static void __attribute__((noinline)) hub_timeout_cancel_undelivered(gev_timeout *t)
{
	gev_greenlet *g = t->target;
	gev_timeout *prev = NULL;
	for (gev_timeout *p = g->throws_head; p; prev = p, p = p->next_throw) {
		if (p != t)
			continue;
		if (prev)
			prev->next_throw = t->next_throw;
		else
			g->throws_head = t->next_throw;
		if (g->throws_tail == t)
			g->throws_tail = prev;
		if (g->kill_after == t)
			g->kill_after = prev; /* the kill keeps its place among the others */
		break;
	}
	t->next_throw = NULL;
	t->state = HUB_T_IDLE;
	t->target = NULL;
	hub_unref(g);
}

void gev_timeout_cancel(gev_timeout *t)
{
	if (HUB_LIKELY(t->state == HUB_T_ARMED)) {
		gev_hub *h = t->h;
		gev_greenlet *g = t->target;
		h->ntimers--;
		t->state = HUB_T_IDLE;
		t->target = NULL;
		/* hub_unref inlined: the budgeted path, and g is almost always alive */
		if (HUB_UNLIKELY(--g->refs == 0) && g->state == HUB_G_DEAD)
			hub_maybe_free(g);
		ev_timer_stop(h->loop, &t->w); /* last: a tail call in release builds */
	} else if (t->state == HUB_T_UNDELIVERED) {
		hub_timeout_cancel_undelivered(t);
	}
	HUB_VERIFY(t->h);
}

int gev_timeout_pending(const gev_timeout *t) { return t->state != HUB_T_IDLE; }

gev_timeout *gev_hub_fired_timeout(gev_hub *h)
{
	gev_greenlet *g = h->current;
	return g ? g->fired : NULL;
}

/* hub_take_throw pops the first undelivered throw of g, in issue order (timeouts in expiry
 * order, a pending kill after the timeouts that expired before its delivery was attempted)
 * and returns its code. The caller checked that there is one. */
int hub_take_throw(gev_greenlet *g, gev_timeout **fired)
{
	if (g->kill_at_park && !g->kill_after) {
		int code = g->kill_code;
		g->kill_at_park = 0;
		g->kill_code = 0;
		*fired = NULL;
		return code;
	}
	gev_timeout *t = g->throws_head;
	g->throws_head = t->next_throw;
	if (!g->throws_head)
		g->throws_tail = NULL;
	if (g->kill_after == t)
		g->kill_after = NULL; /* the kill is next */
	t->next_throw = NULL;
	t->state = HUB_T_IDLE;
	t->target = NULL;
	g->refs--; /* g is running */
	*fired = t;
	return GEV_HUB_ETIMEOUT;
}

/* hub_timeout_drop_throws forgets g's undelivered timeouts when it dies. */
void hub_timeout_drop_throws(gev_greenlet *g)
{
	gev_timeout *t = g->throws_head;
	while (t) {
		gev_timeout *next = t->next_throw;
		t->next_throw = NULL;
		t->state = HUB_T_IDLE;
		t->target = NULL;
		g->refs--; /* hub_maybe_free runs when the coroutine is reaped */
		t = next;
	}
	g->throws_head = g->throws_tail = NULL;
	g->kill_after = NULL;
}

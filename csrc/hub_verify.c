/*
 * hub_verify.c - the invariant checker (in the spirit of libev's ev_verify). Debug and test
 * builds (-DGEV_HUB_DEBUG) call it after every public operation; it is always compiled so a
 * bench build can still call it by hand.
 */
#include "hub_internal.h"

#define V(cond, ...) HUB_CHECK(cond, "gev_hub_verify", __VA_ARGS__)

struct hub_map_check {
	gev_hub *h;
	int kind;
	size_t active;
};

static void hub_verify_map_entry(uint64_t key, void *val, void *ctx)
{
	struct hub_map_check *c = ctx;
	switch (c->kind) {
	case 0: {
		struct hub_host_timer *t = val;
		V(t->id == key, "host timer %llu filed under %llu", (unsigned long long)t->id,
		  (unsigned long long)key);
		if (ev_is_active(&t->w))
			c->active++;
		else
			V(c->h->in_ev_run, "host timer %llu in the map but not armed",
			  (unsigned long long)key);
		break;
	}
	case 1: {
		struct hub_host_io *io = val;
		V(io->id == key, "host io %llu filed under %llu", (unsigned long long)io->id,
		  (unsigned long long)key);
		if (ev_is_active(&io->w))
			c->active++;
		break;
	}
	default: {
		gev_greenlet *g = val;
		V(g->is_host && g->host_id == key, "host greenlet %p filed under %llu", (void *)g,
		  (unsigned long long)key);
		V(g->state != HUB_G_DEAD, "host greenlet %llu is dead but still mapped",
		  (unsigned long long)key);
		break;
	}
	}
}

/* A node that says it is queued must be in the ring where it says. */
static void hub_verify_node(gev_hub *h, const gev_hub_node *n)
{
	if (!n->slot)
		return;
	uint64_t pos = n->slot - 1;
	V(pos >= h->rhead && pos < h->rtail && h->ring[pos & h->rmask] == n,
	  "node %p claims ready slot %llu but is not there", (const void *)n,
	  (unsigned long long)pos);
}

static void hub_verify_greenlet(gev_hub *h, gev_greenlet *g, size_t *alive, size_t *running)
{
	hub_verify_node(h, &g->node);
	hub_verify_node(h, &g->kill_node);
	V(g->h == h, "greenlet %p belongs to hub %p, found in %p", (void *)g, (void *)g->h, (void *)h);
	V(g->state <= HUB_G_DEAD, "greenlet %p has bad state %d", (void *)g, g->state);
	switch (g->state) {
	case HUB_G_NEW:
		V(g->coro && (g->later != NULL) != hub_node_queued(&g->node),
		  "new greenlet %p must have exactly one of a start timer and a queued start", (void *)g);
		V(!g->later || ev_is_active(&g->later->w) || h->in_ev_run,
		  "new greenlet %p has an idle start timer", (void *)g);
		break;
	case HUB_G_READY:
		V(g->coro && hub_node_queued(&g->node) && g->node.kind == HUB_NODE_RESUME,
		  "ready greenlet %p has no queued resume", (void *)g);
		break;
	case HUB_G_RUNNING:
		V(h->current == g, "greenlet %p is RUNNING but the hub runs %p", (void *)g,
		  (void *)h->current);
		V(!hub_node_queued(&g->node), "running greenlet %p is queued", (void *)g);
		(*running)++;
		break;
	case HUB_G_PARKED:
		V(g->coro && !hub_node_queued(&g->node), "parked greenlet %p is queued", (void *)g);
		break;
	case HUB_G_DEAD:
		V(g->coro == NULL || g == h->dying, "dead greenlet %p still has a coroutine", (void *)g);
		V(!hub_node_queued(&g->node) || g->node.kind == HUB_NODE_NOTIFY,
		  "dead greenlet %p has a queued resume", (void *)g);
		V(!hub_node_queued(&g->kill_node) && !g->kill_at_park && !g->throws_head,
		  "dead greenlet %p has undelivered throws", (void *)g);
		V(!g->later, "dead greenlet %p has a start timer", (void *)g);
		break;
	}
	if (g->state != HUB_G_DEAD)
		(*alive)++;
	V(!(hub_node_queued(&g->kill_node) && g->kill_at_park),
	  "greenlet %p has a kill both queued and waiting for a park", (void *)g);
	V(!hub_node_queued(&g->kill_node) || g->kill_node.kind == HUB_NODE_KILL,
	  "greenlet %p: kill node of kind %d", (void *)g, g->kill_node.kind);
	/* links: a well-formed doubly linked list that points back at g */
	const gev_link *prev = NULL;
	for (const gev_link *l = g->links_head; l; prev = l, l = l->next) {
		V(l->g == g && l->prev == prev, "greenlet %p: broken link list at %p", (void *)g,
		  (const void *)l);
	}
	V(g->links_tail == prev, "greenlet %p: link tail %p, last link %p", (void *)g,
	  (void *)g->links_tail, (const void *)prev);
	const gev_timeout *tp = NULL;
	for (const gev_timeout *t = g->throws_head; t; tp = t, t = t->next_throw)
		V(t->target == g && t->state == HUB_T_UNDELIVERED,
		  "greenlet %p: bad undelivered timeout %p", (void *)g, (const void *)t);
	V(g->throws_tail == tp, "greenlet %p: throws tail mismatch", (void *)g);
	int kill_place = g->kill_after == NULL;
	for (const gev_timeout *t = g->throws_head; t && !kill_place; t = t->next_throw)
		kill_place = t == g->kill_after;
	V(kill_place && (!g->kill_after || g->kill_at_park),
	  "greenlet %p: the pending kill's place %p is not an undelivered timeout", (void *)g,
	  (void *)g->kill_after);
}

void gev_hub_verify(gev_hub *h)
{
	V(h && h->loop, "no hub or no loop");
	ev_verify(h->loop);

	/* The ready queue: a ring whose nodes know their slots. */
	V(h->ring && ((h->rmask + 1) & h->rmask) == 0, "ready ring of bad size %llu",
	  (unsigned long long)(h->rmask + 1));
	V(h->rtail - h->rhead <= h->rmask + 1, "ready ring holds %llu > capacity %llu",
	  (unsigned long long)(h->rtail - h->rhead), (unsigned long long)(h->rmask + 1));
	for (uint64_t i = h->rhead; i != h->rtail; i++) {
		const gev_hub_node *node = h->ring[i & h->rmask];
		if (!node)
			continue;
		V(node->slot == i + 1, "ready node %p at position %llu says slot %llu",
		  (const void *)node, (unsigned long long)i, (unsigned long long)node->slot);
		V(node->kind >= HUB_NODE_RESUME && node->kind <= HUB_NODE_CALLBACK,
		  "ready node %p has kind %d", (const void *)node, node->kind);
		if (node->kind == HUB_NODE_RESUME) {
			const gev_greenlet *g = HUB_CONTAINER(node, gev_greenlet, node);
			V(g->state == HUB_G_READY || g->state == HUB_G_NEW,
			  "queued resume of greenlet %p in state %d", (const void *)g, g->state);
		}
	}

	/* Every greenlet struct. */
	size_t count = 0, alive = 0, running = 0;
	const gev_greenlet *gp = NULL;
	for (gev_greenlet *g = h->all; g; gp = g, g = g->all_next) {
		V(g->all_prev == gp, "greenlet list broken at %p", (void *)g);
		hub_verify_greenlet(h, g, &alive, &running);
		count++;
	}
	V(count == h->ngreenlets, "%zu greenlet structs, census says %zu", count, h->ngreenlets);
	V(alive == h->nalive, "%zu greenlets alive, census says %zu", alive, h->nalive);
	V(running == (h->current != NULL), "%zu running greenlets, current is %p", running,
	  (void *)h->current);
	V(count == 0 || h->all->all_prev == NULL, "greenlet list head has a prev");

	/* Host maps. */
	struct hub_map_check c = {h, 0, 0};
	hub_map_each(&h->host_timers, hub_verify_map_entry, &c);
	size_t timers_active = c.active;
	c.kind = 1;
	c.active = 0;
	hub_map_each(&h->host_ios, hub_verify_map_entry, &c);
	size_t ios_active = c.active;
	c.kind = 2;
	hub_map_each(&h->host_greenlets, hub_verify_map_entry, &c);
	V(h->host_greenlets.len == h->nhost_greenlets, "%zu host greenlets mapped, census says %zu",
	  h->host_greenlets.len, h->nhost_greenlets);
	V(h->host.ncmds <= h->host.cmd_cap, "ncmds %u > cmd_cap %u", h->host.ncmds, h->host.cmd_cap);
	V(h->host.nevents <= h->ev_cap, "nevents %u > capacity %zu", h->host.nevents, h->ev_cap);

	/* Watchers the hub can enumerate must agree with libev: every mapped host io is active
	 * (libev stops the ones it gives up on, and the callback unmaps them), and the census
	 * of C-side timers covers at least the start timers of spawn_later greenlets. Inside
	 * ev_run libev stops expired timers before it calls us back, so the check waits. */
	if (!h->in_ev_run) {
		V(ios_active == h->host_ios.len, "%zu host ios mapped, %zu active", h->host_ios.len,
		  ios_active);
		V(timers_active == h->host_timers.len, "%zu host timers mapped, %zu armed",
		  h->host_timers.len, timers_active);
		size_t direct = 0;
		for (size_t ci = 0; ci < h->ntimer_chunks; ci++)
			for (unsigned i = 0; h->timer_chunks[ci] && i < HUB_CHUNK; i++) {
				V(h->timer_chunks[ci][i].id == ((uint64_t)ci << HUB_CHUNK_BITS) + i,
				  "direct host timer slot %zu/%u has id %llu", ci, i,
				  (unsigned long long)h->timer_chunks[ci][i].id);
				direct += ev_is_active(&h->timer_chunks[ci][i].w) != 0;
			}
		V(direct + timers_active == h->nhost_timers,
		  "%zu direct + %zu mapped host timers armed, census says %zu", direct, timers_active,
		  h->nhost_timers);
		size_t later = 0;
		for (gev_greenlet *g = h->all; g; g = g->all_next)
			later += g->later != NULL;
		V(later <= h->ntimers, "%zu spawn_later timers armed, census counts %zu timers", later,
		  h->ntimers);
		V(!ev_is_active(&h->turn_timer), "the turn's max_wait timer outlived its turn");
	}
}

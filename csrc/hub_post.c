/*
 * hub_post.c - the only door into a hub from other threads (an ev_async doorbell plus a
 * multi-producer queue of posted work), and fork support (gev_hub_reinit).
 *
 * The queue is a mutex-guarded array that grows (never drops); the turn swaps it with its own
 * spare array under the lock, so producers never wait for the hub's work, only for a swap.
 */
#include <string.h>
#include <unistd.h>

#include "hub_internal.h"

static void hub_async_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)w;
	(void)revents;
	hub_posts_take(ev_userdata(loop));
}

static void hub_async_start(gev_hub *h)
{
	ev_async_init(&h->async, hub_async_cb);
	ev_async_start(h->loop, &h->async);
	/* Not pending work by itself (gevent #2124), unless the host asks for keep-alive. */
	if (!h->keepalive)
		ev_unref(h->loop);
}

static void hub_async_stop(gev_hub *h)
{
	if (!h->keepalive)
		ev_ref(h->loop);
	ev_async_stop(h->loop, &h->async);
}

int hub_posts_init(gev_hub *h)
{
	if (pthread_mutex_init(&h->post_mu, NULL) != 0)
		return GEV_HUB_ENOMEM;
	hub_async_start(h);
	return 0;
}

void hub_posts_free(gev_hub *h)
{
	hub_async_stop(h);
	pthread_mutex_destroy(&h->post_mu);
	free(h->posts);
	free(h->taken);
	h->posts = h->taken = NULL;
}

int hub_posts_pending(gev_hub *h)
{
	pthread_mutex_lock(&h->post_mu);
	size_t n = h->nposts;
	pthread_mutex_unlock(&h->post_mu);
	return n != 0;
}

/* hub_posts_take runs (or turns into WAKE events) everything posted so far, in hub context. */
void hub_posts_take(gev_hub *h)
{
	/* Unlocked peek: a post that races past it has also rung the doorbell, so the async
	 * callback takes it during this turn's ev_run. Saves a lock per turn. */
	if (__atomic_load_n(&h->nposts, __ATOMIC_ACQUIRE) == 0)
		return;
	pthread_mutex_lock(&h->post_mu);
	size_t n = h->nposts;
	if (n == 0) {
		pthread_mutex_unlock(&h->post_mu);
		return;
	}
	struct hub_post *items = h->posts;
	size_t cap = h->post_cap;
	h->posts = h->taken;
	h->post_cap = h->taken_cap;
	__atomic_store_n(&h->nposts, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&h->post_mu);

	for (size_t i = 0; i < n; i++) {
		if (items[i].fn)
			items[i].fn(h, items[i].arg);
		else
			hub_emit(h, GEV_HUB_EV_WAKE, items[i].id, 0, NULL);
	}
	h->taken = items;
	h->taken_cap = cap;
}

static int hub_post_item(gev_hub *h, gev_hub_callback_fn fn, void *arg, uint64_t id)
{
	pthread_mutex_lock(&h->post_mu);
	if (h->nposts == h->post_cap) {
		size_t ncap = h->post_cap ? h->post_cap * 2 : 16;
		struct hub_post *n = realloc(h->posts, ncap * sizeof *n);
		if (!n) {
			pthread_mutex_unlock(&h->post_mu);
			return GEV_HUB_ENOMEM;
		}
		h->posts = n;
		h->post_cap = ncap;
	}
	h->posts[h->nposts] = (struct hub_post){fn, arg, id};
	__atomic_store_n(&h->nposts, h->nposts + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&h->post_mu);
	ev_async_send(h->loop, &h->async);
	return 0;
}

int gev_hub_post(gev_hub *h, uint64_t id) { return hub_post_item(h, NULL, NULL, id); }

int gev_hub_post_call(gev_hub *h, gev_hub_callback_fn fn, void *arg)
{
	if (!fn)
		return GEV_HUB_EINVAL;
	return hub_post_item(h, fn, arg, 0);
}

void gev_hub_interrupt(gev_hub *h) { ev_async_send(h->loop, &h->async); }

void gev_hub_set_keepalive(gev_hub *h, int keepalive)
{
	int on = keepalive > 0;
	if (on == h->keepalive)
		return;
	if (on)
		ev_ref(h->loop);
	else
		ev_unref(h->loop);
	h->keepalive = on;
}

int gev_hub_reinit(gev_hub *h)
{
	HUB_CHECK(h->current == NULL && !h->in_turn, "gev_hub_reinit",
		  "called from inside the hub (a greenlet or a callback of a turn)");
	/* Same loop, same watchers (libev re-creates its backend fd and wake-up pipe). */
	ev_loop_fork(h->loop);
	/* The lock may have been held by a thread that does not exist in the child. */
	pthread_mutex_init(&h->post_mu, NULL);
	/* The doorbell is per process: stop it and start it again on the fresh pipe. */
	hub_async_stop(h);
	hub_async_start(h);
	hub_clock_refresh(h);
	HUB_VERIFY(h);
	return 0;
}

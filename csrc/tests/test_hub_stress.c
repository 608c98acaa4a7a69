/*
 * test_hub_stress.c - a seeded random workload over every greenlet operation at once
 * (spawn, yield, sleep, join, get, kill with and without block, timeouts, links, releases,
 * host commands), with gev_hub_verify after every operation (debug build) and the leak
 * checks at the end. Under ASan and valgrind it is the use-after-free hunt; each seed is
 * deterministic.
 */
#include <stdlib.h>

#include "test_hub_util.h"

enum { SLOTS = 48, STEPS = 12 };

struct world {
	gev_hub *h;
	gev_greenlet *slot[SLOTS]; /* references held by the world */
	uint64_t rng;
	long ops, links_fired, kills, timeouts;
};

static struct world W;

static uint32_t rnd(void)
{
	W.rng ^= W.rng << 13;
	W.rng ^= W.rng >> 7;
	W.rng ^= W.rng << 17;
	return (uint32_t)(W.rng >> 11);
}

static void link_count(gev_greenlet *g, void *arg)
{
	(void)g;
	W.links_fired++;
	free(arg); /* the link's own memory: freeing it inside the callback is allowed */
}

static int body_random(gev_hub *h, void *arg, void **value);

static void spawn_one(void)
{
	if (W.ops > 4000)
		return; /* each greenlet spawns ~1.2 others: cap the growth */
	int i = (int)(rnd() % SLOTS);
	if (W.slot[i]) {
		gev_greenlet_release(W.slot[i]);
		W.slot[i] = NULL;
	}
	int rc = rnd() % 4 == 0
		? gev_hub_spawn_later(W.h, &W.slot[i], (rnd() % 3) * 0.001, body_random, NULL)
		: gev_hub_spawn(W.h, &W.slot[i], body_random, NULL);
	assert_int_equal(rc, 0);
	if (rnd() % 2) {
		gev_link *l = malloc(sizeof *l);
		gev_greenlet_link(W.slot[i], l, link_count, l);
	}
}

static gev_greenlet *pick(void)
{
	gev_greenlet *g = W.slot[rnd() % SLOTS];
	if (g)
		gev_greenlet_retain(g); /* the world may drop its reference meanwhile */
	return g;
}

static int body_random(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	*value = h;
	for (int step = 0; step < STEPS; step++) {
		W.ops++;
		int rc = 0;
		switch (rnd() % 10) {
		case 0:
			rc = gev_hub_sleep(h, 0);
			break;
		case 1:
			rc = gev_hub_sleep(h, (rnd() % 3) * 0.0005);
			break;
		case 2: {
			gev_greenlet *g = pick();
			if (g) {
				rc = gev_greenlet_join(g, (rnd() % 3) * 0.001);
				gev_greenlet_release(g);
			}
			break;
		}
		case 3: {
			gev_greenlet *g = pick();
			if (g) {
				W.kills++;
				rc = gev_greenlet_kill(g, rnd() % 2 ? GEV_HUB_EXIT : 7, (int)(rnd() % 2),
						       0.001);
				gev_greenlet_release(g);
			}
			break;
		}
		case 4: {
			gev_timeout t;
			gev_timeout_init(&t, h);
			gev_timeout_start(&t, (rnd() % 2) * 0.0005);
			rc = gev_hub_sleep(h, (rnd() % 3) * 0.0005);
			if (rc == GEV_HUB_ETIMEOUT && gev_hub_fired_timeout(h) == &t) {
				W.timeouts++;
				rc = 0; /* mine: handled */
			}
			gev_timeout_cancel(&t);
			break;
		}
		case 5:
			spawn_one();
			break;
		case 6: {
			gev_greenlet *g = pick();
			if (g) {
				void *v;
				rc = gev_greenlet_get(g, &v, rnd() % 2 ? 0 : 0.001);
				if (rc == GEV_HUB_ETIMEDOUT || rc == GEV_HUB_EXIT || rc == 7)
					rc = 0;
				gev_greenlet_release(g);
			}
			break;
		}
		case 7: {
			gev_greenlet *g = pick();
			if (g) {
				gev_link *l = malloc(sizeof *l);
				gev_greenlet_link(g, l, link_count, l);
				if (rnd() % 2 && gev_greenlet_unlink(l))
					free(l);
				gev_greenlet_release(g);
			}
			break;
		}
		case 8: {
			gev_hub_cmd *c = gev_hub_cmd_push(h);
			if (c) {
				c->op = rnd() % 2 ? GEV_HUB_CMD_TIMER_START : GEV_HUB_CMD_TIMER_STOP;
				c->id = rnd() % 8;
				c->seconds = (rnd() % 3) * 0.0005;
			}
			break;
		}
		default: {
			gev_timeout outer, inner;
			gev_timeout_init(&outer, h);
			gev_timeout_init(&inner, h);
			gev_timeout_start(&outer, 0.0005);
			gev_timeout_start(&inner, 0.001);
			rc = gev_hub_park_forever(h);
			if (rc == GEV_HUB_ETIMEOUT) {
				gev_timeout *f = gev_hub_fired_timeout(h);
				assert_true(f == &outer || f == &inner);
				rc = 0;
			}
			gev_timeout_cancel(&inner);
			gev_timeout_cancel(&outer);
			break;
		}
		}
		if (rc == GEV_HUB_EXIT || rc == 7)
			return rc; /* killed: obey (mostly) */
	}
	return 0;
}

static void run_seed(gev_hub *h, uint64_t seed)
{
	memset(&W, 0, sizeof W);
	W.h = h;
	W.rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	for (int i = 0; i < SLOTS / 2; i++)
		spawn_one();
	/* drive, with host commands flowing, until every greenlet is done */
	for (int turns = 0; turns < 100000; turns++) {
		int n = gev_hub_turn(h, GEV_HUB_FOREVER);
		if (n == GEV_HUB_ELOOPEXIT)
			break;
		assert_true(n >= 0);
		gev_hub_host *host = gev_hub_host_of(h);
		for (int j = 0; j < n; j++)
			assert_true(host->events[j].kind == GEV_HUB_EV_TIMER);
	}
	gev_hub_census c;
	gev_hub_get_census(h, &c);
	assert_int_equal(c.alive, 0);
	for (int i = 0; i < SLOTS; i++) {
		if (W.slot[i]) {
			assert_true(gev_greenlet_ready(W.slot[i]));
			gev_greenlet_release(W.slot[i]);
		}
	}
	assert_true(W.ops > 100);
	print_message("seed %llu: %ld operations, %ld kills, %ld own timeouts, %ld links fired\n",
		      (unsigned long long)seed, W.ops, W.kills, W.timeouts, W.links_fired);
}

static void test_random_workloads(void **state)
{
	gev_hub *h = *state;
	for (uint64_t seed = 1; seed <= 12; seed++)
		run_seed(h, seed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HUB_TEST(test_random_workloads),
	};
	return cmocka_run_group_tests_name("hub stress", tests, NULL, NULL);
}

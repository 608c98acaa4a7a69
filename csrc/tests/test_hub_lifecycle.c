/*
 * test_hub_lifecycle.c - the hub's own lifecycle: destroying a hub that still has work of
 * every kind frees everything (census and coroutine census at zero), stack sizes, several
 * hubs side by side, hubs on other threads, the census itself.
 */
#include <pthread.h>
#include <unistd.h>

#include "test_hub_util.h"

static int body_sleep_long(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	return gev_hub_sleep(h, 3600);
}

static int body_park(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	return gev_hub_park_forever(h);
}

static int body_timeout_then_park(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	gev_timeout t; /* on the stack that destroy drops */
	gev_timeout_init(&t, h);
	gev_timeout_start(&t, 3600);
	return gev_hub_park_forever(h);
}

static int body_join(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	return gev_greenlet_join(arg, GEV_HUB_FOREVER);
}

static int body_yield_forever(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	for (;;)
		if (gev_hub_sleep(h, 0) != 0)
			return 0;
}

static int body_wait_fd(gev_hub *h, void *arg, void **value)
{
	(void)value;
	return gev_hub_wait_fd(h, *(int *)arg, EV_READ, GEV_HUB_FOREVER, NULL);
}

static void noop_link(gev_greenlet *g, void *arg)
{
	(void)g;
	(void)arg;
}

static void noop_cb(gev_hub *h, void *arg)
{
	(void)h;
	(void)arg;
}

static void test_destroy_with_everything_pending(void **state)
{
	(void)state;
	gev_hub *h;
	assert_int_equal(gev_hub_new(&h, 0), 0);
	int p[2];
	assert_int_equal(pipe(p), 0);
	gev_greenlet *sleeper, *parked, *yielder;
	gev_hub_spawn(h, &sleeper, body_sleep_long, NULL);
	gev_hub_spawn(h, &parked, body_park, NULL);
	gev_hub_spawn(h, NULL, body_timeout_then_park, NULL);
	gev_hub_spawn(h, NULL, body_join, sleeper);
	gev_hub_spawn(h, &yielder, body_yield_forever, NULL);
	gev_hub_spawn(h, NULL, body_wait_fd, &p[0]);
	assert_true(gev_hub_turn(h, 0) >= 0);
	/* a later start, a link, host watchers, a post, a queued callback, one never started */
	gev_hub_spawn_later(h, NULL, 3600, body_park, NULL);
	static gev_link l;
	gev_greenlet_link(parked, &l, noop_link, NULL);
	gev_hub_cmd *c = gev_hub_cmd_push(h);
	c->op = GEV_HUB_CMD_TIMER_START, c->id = 1, c->seconds = 3600;
	c = gev_hub_cmd_push(h);
	c->op = GEV_HUB_CMD_TIMER_START, c->id = UINT64_C(1) << 50, c->seconds = 3600;
	c = gev_hub_cmd_push(h);
	c->op = GEV_HUB_CMD_IO_START, c->id = 2, c->code = p[0], c->events = EV_READ;
	c = gev_hub_cmd_push(h);
	c->op = GEV_HUB_CMD_SPAWN, c->id = 3, c->fn = body_park;
	assert_true(gev_hub_turn(h, 0) >= 0);
	assert_int_equal(gev_hub_post(h, 9), 0);
	gev_hub_spawn(h, NULL, body_park, NULL);
	static gev_hub_callback cb;
	gev_hub_callback_start(h, &cb, noop_cb, NULL);
	gev_hub_census cs;
	gev_hub_get_census(h, &cs);
	assert_int_equal(cs.alive, 9);
	assert_true(cs.timers >= 3);
	assert_int_equal(cs.fd_waits, 1);
	assert_int_equal(cs.host_timers, 2);
	assert_int_equal(cs.host_ios, 1);
	assert_int_equal(cs.host_greenlets, 1);
	assert_int_equal(cs.posts, 1);
	assert_int_equal(cs.ready, 3); /* the yielder, the new one, the callback */
	gev_hub_verify(h);
	/* handles we hold become invalid: destroy frees every greenlet */
	gev_hub_destroy(h);
	close(p[0]);
	close(p[1]);
	check_global_zero();
}

static void test_stack_size(void **state)
{
	gev_hub *h = *state;
	gev_hub_set_stack_size(h, 256 * 1024);
	gev_greenlet *g;
	assert_int_equal(gev_hub_spawn(h, &g, body_park, NULL), 0);
	gev_hub_set_stack_size(h, 0);
	gev_greenlet_kill(g, GEV_HUB_EXIT, 0, 0);
	run_ok(h);
	gev_greenlet_release(g);
	/* absurd sizes are refused by the coroutine layer */
	gev_hub_set_stack_size(h, (size_t)1 << 62);
	assert_int_equal(gev_hub_spawn(h, &g, body_park, NULL) < 0, 1);
	assert_null(g);
	gev_hub_set_stack_size(h, 0);
}

static int body_tr(gev_hub *h, void *arg, void **value)
{
	(void)value;
	gev_hub_sleep(h, 0);
	tr("%s", (const char *)arg);
	return 0;
}

static void test_two_hubs_side_by_side(void **state)
{
	gev_hub *a = *state, *b;
	assert_int_equal(gev_hub_new(&b, 0), 0);
	gev_hub_spawn(a, NULL, body_tr, "a");
	gev_hub_spawn(b, NULL, body_tr, "b");
	run_ok(b);
	run_ok(a);
	assert_string_equal(trace_buf, "b a");
	check_census_zero(b);
	gev_hub_destroy(b);
}

static int body_count(gev_hub *h, void *arg, void **value)
{
	(void)value;
	for (int i = 0; i < 1000; i++)
		gev_hub_sleep(h, 0);
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_RELAXED);
	return 0;
}

static void *hub_thread(void *arg)
{
	gev_hub *h;
	if (gev_hub_new(&h, 0) != 0)
		return (void *)1;
	for (int i = 0; i < 50; i++)
		gev_hub_spawn(h, NULL, body_count, arg);
	int rc = gev_hub_run(h);
	gev_hub_destroy(h);
	gev_coro_pool_trim();
	return (void *)(intptr_t)rc;
}

static void test_hubs_on_other_threads(void **state)
{
	(void)state;
	int done = 0;
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, hub_thread, &done);
	for (int i = 0; i < 3; i++) {
		void *rc;
		pthread_join(t[i], &rc);
		assert_null(rc);
	}
	assert_int_equal(done, 150);
}

static void test_new_argument_checks(void **state)
{
	(void)state;
	gev_hub *h = (gev_hub *)1;
	assert_int_equal(gev_hub_new(&h, (size_t)1 << 40), GEV_HUB_EINVAL);
	assert_null(h);
	gev_hub_destroy(NULL);
	gev_greenlet_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_destroy_with_everything_pending),
		HUB_TEST(test_stack_size),
		HUB_TEST(test_two_hubs_side_by_side),
		cmocka_unit_test(test_hubs_on_other_threads),
		cmocka_unit_test(test_new_argument_checks),
	};
	return cmocka_run_group_tests_name("hub lifecycle", tests, NULL, NULL);
}

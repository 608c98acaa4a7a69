/*
 * test_hub_timeout.c - timeouts with identity (gevent's Timeout rules): firing,
 * restart, cancel, nesting (outer first / inner first), the outer timeout that a join must
 * not swallow, late delivery, leaked timeouts of dead greenlets, gevent #1890.
 */
#include "test_hub_util.h"

struct tcase {
	double outer_s, inner_s, sleep_s;
	int rc;
	gev_timeout *fired;
	int outer_pending, inner_pending;
	gev_timeout outer, inner;
	double took;
};

static int body_fire(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct tcase *c = arg;
	gev_timeout_init(&c->outer, h);
	assert_false(gev_timeout_pending(&c->outer));
	gev_hub_now_update(h); /* the contract of gev_timeout_start: it trusts the loop clock */
	double t0 = mono();
	assert_int_equal(gev_timeout_start(&c->outer, c->outer_s), 0);
	assert_true(gev_timeout_pending(&c->outer));
	assert_int_equal(gev_timeout_start(&c->outer, c->outer_s), GEV_HUB_EBUSY);
	c->rc = gev_hub_park_forever(h);
	c->took = mono() - t0;
	c->fired = gev_hub_fired_timeout(h);
	c->outer_pending = gev_timeout_pending(&c->outer);
	/* restart without cancel after it fired: fires again */
	assert_int_equal(gev_timeout_start(&c->outer, 0.001), 0);
	assert_int_equal(gev_hub_park_forever(h), GEV_HUB_ETIMEOUT);
	assert_ptr_equal(gev_hub_fired_timeout(h), &c->outer);
	gev_timeout_cancel(&c->outer); /* idempotent after firing */
	/* the next blocking call that is not interrupted reports no timeout */
	assert_int_equal(gev_hub_sleep(h, 0), 0);
	assert_null(gev_hub_fired_timeout(h));
	return 0;
}

static void test_timeout_fires_with_identity(void **state)
{
	gev_hub *h = *state;
	struct tcase c = {.outer_s = 0.01};
	gev_hub_spawn(h, NULL, body_fire, &c);
	run_ok(h);
	assert_int_equal(c.rc, GEV_HUB_ETIMEOUT);
	assert_ptr_equal(c.fired, &c.outer);
	assert_false(c.outer_pending);
	assert_true(c.took >= 0.009 && c.took < 10.0);
}

static int body_cancel(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct tcase *c = arg;
	gev_timeout_init(&c->outer, h);
	gev_timeout_start(&c->outer, 0.005);
	gev_timeout_cancel(&c->outer);
	assert_false(gev_timeout_pending(&c->outer));
	c->rc = gev_hub_sleep(h, 0.02);
	gev_timeout_cancel(&c->outer);
	return 0;
}

static void test_timeout_cancel(void **state)
{
	gev_hub *h = *state;
	struct tcase c = {0};
	gev_hub_spawn(h, NULL, body_cancel, &c);
	run_ok(h);
	assert_int_equal(c.rc, 0);
}

static int body_nested(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct tcase *c = arg;
	gev_timeout_init(&c->outer, h);
	gev_timeout_init(&c->inner, h);
	gev_timeout_start(&c->outer, c->outer_s);
	gev_timeout_start(&c->inner, c->inner_s);
	c->rc = gev_hub_sleep(h, c->sleep_s);
	c->fired = gev_hub_fired_timeout(h);
	c->outer_pending = gev_timeout_pending(&c->outer);
	c->inner_pending = gev_timeout_pending(&c->inner);
	gev_timeout_cancel(&c->inner);
	gev_timeout_cancel(&c->outer);
	return 0;
}

static void test_nested_outer_fires_first(void **state)
{
	gev_hub *h = *state;
	struct tcase c = {.outer_s = 0.01, .inner_s = 0.2, .sleep_s = 0.3};
	gev_hub_spawn(h, NULL, body_nested, &c);
	run_ok(h);
	assert_int_equal(c.rc, GEV_HUB_ETIMEOUT);
	assert_ptr_equal(c.fired, &c.outer); /* reported as the outer's identity */
	assert_false(c.outer_pending);
	assert_true(c.inner_pending);
}

static void test_nested_inner_fires_first(void **state)
{
	gev_hub *h = *state;
	struct tcase c = {.outer_s = 0.2, .inner_s = 0.01, .sleep_s = 0.3};
	gev_hub_spawn(h, NULL, body_nested, &c);
	run_ok(h);
	assert_int_equal(c.rc, GEV_HUB_ETIMEOUT);
	assert_ptr_equal(c.fired, &c.inner);
	assert_true(c.outer_pending);
	assert_false(c.inner_pending);
}

struct join_outer {
	gev_greenlet *target;
	gev_timeout t;
	int rc;
	gev_timeout *fired;
};

static int body_join_outer(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct join_outer *j = arg;
	gev_timeout_init(&j->t, h);
	gev_timeout_start(&j->t, 0.001);
	/* the join's own timeout is long; the outer fires first and is not swallowed */
	j->rc = gev_greenlet_join(j->target, 1.0);
	j->fired = gev_hub_fired_timeout(h);
	gev_timeout_cancel(&j->t);
	return 0;
}

static int body_sleep_long(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	return gev_hub_sleep(h, 10);
}

static void test_outer_timeout_is_not_lost(void **state)
{
	gev_hub *h = *state;
	struct join_outer j = {0};
	gev_hub_spawn(h, &j.target, body_sleep_long, NULL);
	gev_hub_spawn(h, NULL, body_join_outer, &j);
	while (j.fired == NULL && j.rc == 0)
		assert_true(gev_hub_turn(h, GEV_HUB_FOREVER) >= 0);
	assert_int_equal(j.rc, GEV_HUB_ETIMEOUT);
	assert_ptr_equal(j.fired, &j.t);
	assert_int_equal(gev_greenlet_link_count(j.target), 0);
	gev_greenlet_kill(j.target, GEV_HUB_EXIT, 0, 0);
	run_ok(h);
	gev_greenlet_release(j.target);
}

static int body_get_timeout(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	struct join_outer *j = arg;
	void *v;
	j->rc = gev_greenlet_get(j->target, &v, 0.01);
	return 0;
}

static void test_get_timeout(void **state)
{
	gev_hub *h = *state;
	struct join_outer j = {0};
	gev_hub_spawn(h, &j.target, body_sleep_long, NULL);
	gev_hub_spawn(h, NULL, body_get_timeout, &j);
	j.rc = 1;
	while (j.rc == 1)
		assert_true(gev_hub_turn(h, GEV_HUB_FOREVER) >= 0);
	assert_int_equal(j.rc, GEV_HUB_ETIMEDOUT);
	gev_greenlet_kill(j.target, GEV_HUB_EXIT, 0, 0);
	run_ok(h);
	gev_greenlet_release(j.target);
}

/* A timeout that expires while its greenlet already has a wake-up queued is delivered at
 * its next blocking call. */
static int body_late(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct tcase *c = arg;
	gev_timeout_init(&c->outer, h);
	gev_timeout_start(&c->outer, 0);
	/* Yield with a long switch interval: the drain ends with us ready, ev_run fires the
	 * zero timer while we are queued. */
	int rc;
	long n = 0;
	while ((rc = gev_hub_sleep(h, 0)) == 0)
		n++;
	c->rc = rc;
	c->fired = gev_hub_fired_timeout(h);
	c->outer_pending = gev_timeout_pending(&c->outer);
	c->took = (double)n;
	return 0;
}

static void test_timeout_delivered_at_next_blocking_call(void **state)
{
	gev_hub *h = *state;
	struct tcase c = {0};
	gev_hub_spawn(h, NULL, body_late, &c);
	run_ok(h);
	assert_int_equal(c.rc, GEV_HUB_ETIMEOUT);
	assert_ptr_equal(c.fired, &c.outer);
	assert_false(c.outer_pending);
}

static int body_cancel_undelivered(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct tcase *c = arg;
	gev_timeout_init(&c->outer, h);
	gev_timeout_start(&c->outer, 0);
	/* busy-yield across one loop turn so the timer expires while we are queued */
	unsigned long turns = gev_hub_host_of(h)->turns;
	while (gev_hub_host_of(h)->turns < turns + 1)
		assert_int_equal(gev_hub_sleep(h, 0), 0);
	/* Not possible to see it here without a blocking call: it is undelivered and pending. */
	c->outer_pending = gev_timeout_pending(&c->outer);
	gev_timeout_cancel(&c->outer);
	c->rc = gev_hub_sleep(h, 0);
	return 0;
}

static void test_cancel_undelivered_timeout(void **state)
{
	gev_hub *h = *state;
	struct tcase c = {0};
	gev_hub_spawn(h, NULL, body_cancel_undelivered, &c);
	run_ok(h);
	assert_true(c.outer_pending);
	assert_int_equal(c.rc, 0);
}

static int body_leak(gev_hub *h, void *arg, void **value)
{
	(void)value;
	gev_timeout *t = arg;
	gev_timeout_init(t, h);
	gev_timeout_start(t, 0.01);
	return 0; /* dies with its timeout armed */
}

static void test_leaked_timeout_of_dead_greenlet_has_no_effect(void **state)
{
	gev_hub *h = *state;
	static gev_timeout t;
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_leak, &t);
	assert_int_equal(gev_hub_turn(h, 0), 0);
	assert_true(gev_greenlet_ready(g));
	assert_true(gev_timeout_pending(&t));
	gev_greenlet_release(g); /* the timeout still holds the struct */
	gev_hub_census c;
	gev_hub_get_census(h, &c);
	assert_int_equal(c.greenlets, 1);
	assert_int_equal(c.timers, 1);
	run_ok(h); /* fires, nothing happens, everything is freed */
	assert_false(gev_timeout_pending(&t));
}

static int body_restart(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct tcase *c = arg;
	gev_timeout_init(&c->outer, h);
	double t0 = mono();
	gev_timeout_start(&c->outer, 0.05);
	assert_int_equal(gev_hub_sleep(h, 0.03), 0);
	gev_timeout_cancel(&c->outer);
	gev_timeout_start(&c->outer, 0.05); /* must count from now: #1890 */
	c->rc = gev_hub_park_forever(h);
	c->took = mono() - t0;
	return 0;
}

static void test_restart_counts_from_now(void **state)
{
	gev_hub *h = *state;
	struct tcase c = {0};
	gev_hub_spawn(h, NULL, body_restart, &c);
	run_ok(h);
	assert_int_equal(c.rc, GEV_HUB_ETIMEOUT);
	assert_true(c.took >= 0.079);
}

static void test_timeout_bad_use(void **state)
{
	gev_hub *h = *state;
	gev_timeout t;
	gev_timeout_init(&t, h);
	assert_int_equal(gev_timeout_start(&t, 1), GEV_HUB_EBLOCKING); /* no greenlet */
	assert_int_equal(gev_timeout_start(&t, -1), GEV_HUB_EINVAL);
	assert_int_equal(gev_timeout_start(&t, NAN), GEV_HUB_EINVAL);
	assert_false(gev_timeout_pending(&t));
	gev_timeout_cancel(&t);
	assert_null(gev_hub_fired_timeout(h));
}

static int body_timeout_kills_first(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct tcase *c = arg;
	gev_timeout_init(&c->outer, h);
	gev_timeout_start(&c->outer, 0.5);
	c->rc = gev_hub_sleep(h, 1);
	c->fired = gev_hub_fired_timeout(h);
	gev_timeout_cancel(&c->outer);
	return c->rc;
}

static void test_kill_while_timeout_armed(void **state)
{
	gev_hub *h = *state;
	struct tcase c = {0};
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_timeout_kills_first, &c);
	gev_hub_turn(h, 0);
	gev_greenlet_kill(g, 12, 0, 0);
	run_ok(h);
	assert_int_equal(c.rc, 12);
	assert_null(c.fired);
	gev_greenlet_release(g);
}

/* ------------------------------------------------------------------------------------
 * Throw order (gev_hub.h, "Order of throws"): throws are delivered in the order they were
 * issued, one per blocking call; undelivered ones die with their greenlet.
 */

struct order_case {
	gev_timeout t1, t2;
	volatile int armed;      /* the body started both timeouts */
	volatile int kill_sent;  /* the host issued its kill */
	int kill;                /* the host kills after both timeouts expired */
	int cancel_t2;           /* the body cancels t2 once t1 was delivered */
	int die_undelivered;     /* the body returns with its throws undelivered */
	int t2_pending_at_death, t1_pending_at_death;
};

/* start_two starts t1 then t2, t2 strictly later on the loop clock, both due at once. */
static void start_two(gev_hub *h, struct order_case *c)
{
	gev_timeout_init(&c->t1, h);
	gev_timeout_init(&c->t2, h);
	gev_hub_now_update(h);
	assert_int_equal(gev_timeout_start(&c->t1, 0), 0);
	double t0 = mono();
	while (mono() < t0 + 2e-6)
		;
	gev_hub_now_update(h);
	assert_int_equal(gev_timeout_start(&c->t2, 0), 0);
}

static void tr_rc(gev_hub *h, struct order_case *c, int rc)
{
	gev_timeout *f = gev_hub_fired_timeout(h);
	if (rc == GEV_HUB_ETIMEOUT)
		tr("%s", f == &c->t1 ? "T1" : f == &c->t2 ? "T2" : "T?");
	else if (rc != 0)
		tr("K%d", rc);
	else
		tr("0");
}

static int body_order(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct order_case *c = arg;
	start_two(h, c);
	c->armed = 1;
	/* Busy-yield: this turn's drain ends at the switch interval with us queued, its ev_run
	 * expires both timeouts (undelivered: a wake-up of ours is queued, #394). */
	unsigned long turns = gev_hub_host_of(h)->turns;
	while (gev_hub_host_of(h)->turns < turns + 1 || (c->kill && !c->kill_sent))
		assert_int_equal(gev_hub_sleep(h, 0), 0);
	if (c->die_undelivered) {
		c->t1_pending_at_death = gev_timeout_pending(&c->t1);
		c->t2_pending_at_death = gev_timeout_pending(&c->t2);
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		int rc = gev_hub_sleep(h, 0);
		tr_rc(h, c, rc);
		if (i == 0 && c->cancel_t2)
			gev_timeout_cancel(&c->t2);
	}
	gev_timeout_cancel(&c->t1);
	gev_timeout_cancel(&c->t2);
	return 0;
}

/* run_order runs body_order; with c->kill the host kills it (code 7) right after the turn
 * in which both timeouts expired, so the kill is issued after them. */
static gev_greenlet *run_order(gev_hub *h, struct order_case *c)
{
	gev_greenlet *g;
	assert_int_equal(gev_hub_spawn(h, &g, body_order, c), 0);
	while (!c->armed)
		assert_true(gev_hub_turn(h, 0) >= 0);
	/* The turn that saw `armed` ended with both timeouts expired and undelivered. */
	assert_true(gev_timeout_pending(&c->t1) && gev_timeout_pending(&c->t2));
	if (c->kill) {
		assert_int_equal(gev_greenlet_kill(g, 7, 0, 0), 0);
		c->kill_sent = 1;
	}
	run_ok(h);
	return g;
}

/* Two timeouts that expired while the greenlet was queued: expiry order, one per call. */
static void test_throws_two_timeouts_in_expiry_order(void **state)
{
	gev_hub *h = *state;
	struct order_case c = {0};
	gev_greenlet *g = run_order(h, &c);
	assert_string_equal(trace_buf, "T1 T2 0 0");
	gev_greenlet_release(g);
}

/* A kill issued after both timeouts expired goes after them, although its delivery was
 * attempted (and deferred) while the first was being delivered. */
static void test_throws_kill_after_expired_timeouts(void **state)
{
	gev_hub *h = *state;
	struct order_case c = {.kill = 1};
	gev_greenlet *g = run_order(h, &c);
	assert_string_equal(trace_buf, "T1 T2 K7 0");
	gev_greenlet_release(g);
}

/* Cancelling an undelivered timeout ahead of a pending kill moves the kill up: the kill
 * is neither lost nor delivered twice. */
static void test_throws_cancel_ahead_of_kill(void **state)
{
	gev_hub *h = *state;
	struct order_case c = {.kill = 1, .cancel_t2 = 1};
	gev_greenlet *g = run_order(h, &c);
	assert_string_equal(trace_buf, "T1 K7 0 0");
	gev_greenlet_release(g);
}

/* A greenlet that dies with undelivered throws (two timeouts and a kill) drops them: the
 * timeouts are no longer pending, the kill changes nothing, nothing leaks (teardown). */
static void test_throws_dropped_at_death(void **state)
{
	gev_hub *h = *state;
	struct order_case c = {.kill = 1, .die_undelivered = 1};
	gev_greenlet *g = run_order(h, &c);
	assert_true(c.t1_pending_at_death && c.t2_pending_at_death);
	assert_false(gev_timeout_pending(&c.t1));
	assert_false(gev_timeout_pending(&c.t2));
	assert_int_equal(gev_greenlet_status(g), 0);
	assert_string_equal(trace_buf, "");
	gev_greenlet_release(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HUB_TEST(test_timeout_fires_with_identity),
		HUB_TEST(test_timeout_cancel),
		HUB_TEST(test_nested_outer_fires_first),
		HUB_TEST(test_nested_inner_fires_first),
		HUB_TEST(test_outer_timeout_is_not_lost),
		HUB_TEST(test_get_timeout),
		HUB_TEST(test_timeout_delivered_at_next_blocking_call),
		HUB_TEST(test_cancel_undelivered_timeout),
		HUB_TEST(test_leaked_timeout_of_dead_greenlet_has_no_effect),
		HUB_TEST(test_restart_counts_from_now),
		HUB_TEST(test_timeout_bad_use),
		HUB_TEST(test_kill_while_timeout_armed),
		HUB_TEST(test_throws_two_timeouts_in_expiry_order),
		HUB_TEST(test_throws_kill_after_expired_timeouts),
		HUB_TEST(test_throws_cancel_ahead_of_kill),
		HUB_TEST(test_throws_dropped_at_death),
	};
	return cmocka_run_group_tests_name("hub timeouts", tests, NULL, NULL);
}

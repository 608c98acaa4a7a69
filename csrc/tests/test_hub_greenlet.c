/*
 * test_hub_greenlet.c - C greenlets with gevent's semantics: spawn order, sleep, join/get,
 * kill (before start, while running, ignored, merged, late), links, blocking in hub
 * context, "would block forever", wait_fd, hub callbacks. Ports the C-relevant parts of
 * gevent's greenlet lifecycle, kill and link rules.
 */
#include <errno.h>
#include <unistd.h>

#include "test_hub_util.h"

/* ---- small bodies ---------------------------------------------------------------------- */

static int body_trace(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	tr("%s", (const char *)arg);
	return 0;
}

static int body_return_arg(gev_hub *h, void *arg, void **value)
{
	(void)h;
	*value = arg;
	return 0;
}

static int body_fail(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	return (int)(intptr_t)arg;
}

/* sleeps arg seconds (as a double*), returns what sleep returned */
static int body_sleep(gev_hub *h, void *arg, void **value)
{
	(void)value;
	return gev_hub_sleep(h, *(double *)arg);
}

static int body_park(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	return gev_hub_park_forever(h);
}

/* ---- spawn ---------------------------------------------------------------------------- */

static void test_spawn_order_fifo_then_timers(void **state)
{
	gev_hub *h = *state;
	/* gevent [E]: spawn(A); spawn(B); spawn_later(.02,C); spawn_later(.01,D) ran A B D C */
	assert_int_equal(gev_hub_spawn(h, NULL, body_trace, "A"), 0);
	assert_int_equal(gev_hub_spawn(h, NULL, body_trace, "B"), 0);
	assert_int_equal(gev_hub_spawn_later(h, NULL, 0.02, body_trace, "C"), 0);
	assert_int_equal(gev_hub_spawn_later(h, NULL, 0.01, body_trace, "D"), 0);
	assert_string_equal(trace_buf, "");
	run_ok(h);
	assert_string_equal(trace_buf, "A B D C");
}

static void test_spawn_bad_arguments(void **state)
{
	gev_hub *h = *state;
	gev_greenlet *g = (gev_greenlet *)1;
	assert_int_equal(gev_hub_spawn(h, &g, NULL, NULL), GEV_HUB_EINVAL);
	assert_null(g);
	assert_int_equal(gev_hub_spawn_later(h, &g, -1.0, body_trace, "x"), GEV_HUB_EINVAL);
	assert_int_equal(gev_hub_spawn_later(h, &g, NAN, body_trace, "x"), GEV_HUB_EINVAL);
	assert_null(g);
}

static void test_result_value_and_failure(void **state)
{
	gev_hub *h = *state;
	gev_greenlet *ok, *bad;
	int token;
	assert_int_equal(gev_hub_spawn(h, &ok, body_return_arg, &token), 0);
	assert_int_equal(gev_hub_spawn(h, &bad, body_fail, (void *)(intptr_t)77), 0);
	assert_true(gev_greenlet_started(ok));
	assert_false(gev_greenlet_ready(ok));
	assert_int_equal(gev_greenlet_status(ok), GEV_HUB_EBUSY);
	void *v = (void *)1;
	/* get(block=False) on a greenlet not ready: a timeout, no yield (hub context is fine) */
	assert_int_equal(gev_greenlet_get(ok, &v, 0), GEV_HUB_ETIMEDOUT);
	assert_null(v);
	run_ok(h);
	assert_true(gev_greenlet_ready(ok) && gev_greenlet_successful(ok));
	assert_false(gev_greenlet_started(ok));
	assert_int_equal(gev_greenlet_get(ok, &v, GEV_HUB_FOREVER), 0);
	assert_ptr_equal(v, &token);
	assert_true(gev_greenlet_ready(bad));
	assert_false(gev_greenlet_successful(bad));
	assert_int_equal(gev_greenlet_get(bad, &v, 0), 77);
	assert_null(v);
	assert_null(gev_greenlet_value(bad));
	gev_greenlet_release(ok);
	gev_greenlet_release(bad);
}

/* ---- sleep ---------------------------------------------------------------------------- */

static int body_ab(gev_hub *h, void *arg, void **value)
{
	(void)value;
	tr("%sA", (const char *)arg);
	assert_int_equal(gev_hub_sleep(h, 0), 0);
	tr("%sB", (const char *)arg);
	return 0;
}

static void test_sleep0_trace(void **state)
{
	gev_hub *h = *state;
	/* test__sleep0 / test__order: two greenlets doing A; sleep(0); B */
	gev_hub_spawn(h, NULL, body_ab, "1");
	gev_hub_spawn(h, NULL, body_ab, "2");
	/* One turn is enough: sleep(0) resumes in the same turn. */
	assert_int_equal(gev_hub_turn(h, 0), 0);
	assert_string_equal(trace_buf, "1A 2A 1B 2B");
	run_ok(h);
}

static int body_sleep_bad(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	tr("s");
	assert_int_equal(gev_hub_sleep(h, -0.1), GEV_HUB_EINVAL);
	assert_int_equal(gev_hub_sleep(h, -1), GEV_HUB_EINVAL);
	assert_int_equal(gev_hub_sleep(h, NAN), GEV_HUB_EINVAL);
	tr("e");
	return 0;
}

static void test_sleep_negative_is_error_without_yield(void **state)
{
	gev_hub *h = *state;
	gev_hub_spawn(h, NULL, body_sleep_bad, NULL);
	gev_hub_spawn(h, NULL, body_trace, "other");
	run_ok(h);
	assert_string_equal(trace_buf, "s e other");
}

static void test_sleep_timer(void **state)
{
	gev_hub *h = *state;
	double d = 0.02;
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_sleep, &d);
	double t0 = mono();
	run_ok(h);
	double dt = mono() - t0;
	assert_true(dt >= 0.019);
	assert_true(dt < 10.0);
	assert_int_equal(gev_greenlet_status(g), 0);
	gev_greenlet_release(g);
}

static int body_busy_clock(gev_hub *h, void *arg, void **value)
{
	(void)value;
	double *out = arg;
	/* Work 30 ms without blocking, then sleep 20 ms: the sleep must count from now. */
	double t0 = mono();
	while (mono() - t0 < 0.03)
		;
	double t1 = mono();
	int rc = gev_hub_sleep(h, 0.02);
	*out = mono() - t1;
	return rc;
}

static void test_sleep_after_long_work_counts_from_now(void **state)
{
	gev_hub *h = *state;
	double slept = 0;
	gev_hub_spawn(h, NULL, body_busy_clock, &slept);
	run_ok(h);
	assert_true(slept >= 0.019);
}

static void test_blocking_in_hub_context(void **state)
{
	gev_hub *h = *state;
	/* from the host, outside any greenlet */
	assert_int_equal(gev_hub_sleep(h, 0), GEV_HUB_EBLOCKING);
	assert_int_equal(gev_hub_sleep(h, 0.01), GEV_HUB_EBLOCKING);
	assert_int_equal(gev_hub_park_forever(h), GEV_HUB_EBLOCKING);
	assert_int_equal(gev_hub_wait_fd(h, 0, EV_READ, 0.1, NULL), GEV_HUB_EBLOCKING);
	assert_null(gev_hub_current(h));
}

/* A sleep(0) busy loop must not starve timers (test__sleep0): a 10 ms timeout ends it. */
static int body_busy_yield(gev_hub *h, void *arg, void **value)
{
	(void)value;
	long *count = arg;
	gev_timeout t;
	gev_timeout_init(&t, h);
	assert_int_equal(gev_timeout_start(&t, 0.01), 0);
	int rc;
	while ((rc = gev_hub_sleep(h, 0)) == 0)
		(*count)++;
	assert_ptr_equal(gev_hub_fired_timeout(h), &t);
	assert_false(gev_timeout_pending(&t));
	gev_timeout_cancel(&t);
	return rc;
}

static void test_sleep0_busy_loop_does_not_starve_timers(void **state)
{
	gev_hub *h = *state;
	long count = 0;
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_busy_yield, &count);
	run_ok(h);
	assert_int_equal(gev_greenlet_status(g), GEV_HUB_ETIMEOUT);
	/* How many yields fit in 10 ms depends on the machine (valgrind on a busy one manages few);
	 * what matters is that the loop really yielded and came back before the timer ended it. */
	assert_true(count >= 1);
	gev_greenlet_release(g);
}

/* The drain stops after the switch interval, so a turn returns even when greenlets yield
 * forever; the host can poll between. */
static int body_yield_forever(gev_hub *h, void *arg, void **value)
{
	(void)value;
	long *count = arg;
	int rc;
	while ((rc = gev_hub_sleep(h, 0)) == 0)
		(*count)++;
	return rc;
}

static void test_switch_interval_bounds_a_turn(void **state)
{
	gev_hub *h = *state;
	long c1 = 0, c2 = 0;
	gev_greenlet *g1, *g2;
	gev_hub_spawn(h, &g1, body_yield_forever, &c1);
	gev_hub_spawn(h, &g2, body_yield_forever, &c2);
	assert_int_equal(gev_hub_set_switch_interval(h, 0.002), 0);
	assert_int_equal(gev_hub_set_switch_interval(h, 0), GEV_HUB_EINVAL);
	for (int i = 0; i < 3; i++) {
		double t0 = mono();
		assert_true(gev_hub_turn(h, GEV_HUB_FOREVER) >= 0);
		assert_true(mono() - t0 < 5.0);
		assert_true(gev_hub_host_of(h)->has_ready);
	}
	assert_true(c1 > 0 && c2 > 0);
	gev_greenlet_kill(g1, GEV_HUB_EXIT, 0, 0);
	gev_greenlet_kill(g2, GEV_HUB_EXIT, 0, 0);
	run_ok(h);
	assert_int_equal(gev_greenlet_status(g1), GEV_HUB_EXIT);
	assert_true(gev_greenlet_successful(g2));
	gev_greenlet_release(g1);
	gev_greenlet_release(g2);
}

/* ---- join ----------------------------------------------------------------------------- */

struct join_case {
	gev_greenlet *target;
	double timeout;
	int rc;
	double took;
};

static int body_join(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct join_case *c = arg;
	gev_greenlet *t = c->target ? c->target : gev_hub_current(h);
	double t0 = mono();
	c->rc = gev_greenlet_join(t, c->timeout);
	c->took = mono() - t0;
	return 0;
}

static void test_join_waits_for_death(void **state)
{
	gev_hub *h = *state;
	double d = 0.01;
	gev_greenlet *s;
	gev_hub_spawn(h, &s, body_sleep, &d);
	struct join_case c = {s, GEV_HUB_FOREVER, -1, 0};
	gev_hub_spawn(h, NULL, body_join, &c);
	run_ok(h);
	assert_int_equal(c.rc, 0);
	assert_true(c.took >= 0.009);
	/* joining a dead greenlet: immediate, from anywhere */
	assert_int_equal(gev_greenlet_join(s, GEV_HUB_FOREVER), 0);
	gev_greenlet_release(s);
}

static void test_join_timeout(void **state)
{
	gev_hub *h = *state;
	double d = 0.2;
	gev_greenlet *s;
	gev_hub_spawn(h, &s, body_sleep, &d);
	struct join_case c = {s, 0.01, -1, 0};
	gev_hub_spawn(h, NULL, body_join, &c);
	/* run until the joiner is done, then kill the sleeper */
	while (c.rc == -1)
		assert_true(gev_hub_turn(h, GEV_HUB_FOREVER) >= 0);
	assert_int_equal(c.rc, GEV_HUB_ETIMEDOUT);
	assert_true(c.took >= 0.009);
	assert_false(gev_greenlet_ready(s)); /* returned by its timeout, before the 0.2 s sleep */
	assert_int_equal(gev_greenlet_link_count(s), 0); /* the join unlinked itself */
	gev_greenlet_kill(s, GEV_HUB_EXIT, 0, 0);
	run_ok(h);
	gev_greenlet_release(s);
}

static void test_join_self_returns_only_by_timeout(void **state)
{
	gev_hub *h = *state;
	struct join_case c = {NULL, 0.01, -1, 0};
	gev_hub_spawn(h, NULL, body_join, &c);
	run_ok(h);
	assert_int_equal(c.rc, GEV_HUB_ETIMEDOUT);
	assert_true(c.took >= 0.009);
}

static void test_would_block_forever_is_an_error(void **state)
{
	gev_hub *h = *state;
	/* join self without timeout, and a park: nothing can ever wake them */
	struct join_case c = {NULL, GEV_HUB_FOREVER, -1, 0};
	gev_greenlet *j, *p;
	gev_hub_spawn(h, &j, body_join, &c);
	gev_hub_spawn(h, &p, body_park, NULL);
	assert_int_equal(gev_hub_run(h), GEV_HUB_ELOOPEXIT);
	assert_int_equal(gev_hub_turn(h, GEV_HUB_FOREVER), GEV_HUB_ELOOPEXIT);
	/* the hub stays usable */
	gev_greenlet_kill(j, 5, 0, 0);
	gev_greenlet_kill(p, 6, 0, 0);
	run_ok(h);
	assert_int_equal(c.rc, 5);
	assert_int_equal(gev_greenlet_status(p), 6);
	gev_greenlet_release(j);
	gev_greenlet_release(p);
}

/* ---- kill ----------------------------------------------------------------------------- */

static int body_must_not_run(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)arg;
	(void)value;
	tr("BODY-RAN");
	return 0;
}

static void link_record(gev_greenlet *g, void *arg)
{
	gev_greenlet **seen = arg;
	for (int i = 0; i < 4; i++)
		if (!seen[i]) {
			seen[i] = g;
			return;
		}
}

struct kill_case {
	int later;  /* spawn_later(0.2) instead of spawn */
	int block;  /* kill with block from inside a greenlet */
	int code;
	gev_greenlet *victim;
	int rc;
};

static int body_killer(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	struct kill_case *k = arg;
	tr("k1");
	k->rc = gev_greenlet_kill(k->victim, k->code, k->block, GEV_HUB_FOREVER);
	tr("k2");
	/* A second kill does no harm. */
	assert_int_equal(gev_greenlet_kill(k->victim, k->code, k->block, GEV_HUB_FOREVER), 0);
	return 0;
}

static void test_kill_before_start_matrix(void **state)
{
	gev_hub *h = *state;
	const int codes[] = {GEV_HUB_EXIT, 1234};
	for (int later = 0; later < 2; later++)
		for (int block = 0; block < 2; block++)
			for (int ci = 0; ci < 2; ci++)
				for (int from_host = 0; from_host < 2; from_host++) {
					trace_reset();
					struct kill_case k = {later, block, codes[ci], NULL, -1};
					gev_greenlet *seen[4] = {0};
					gev_link l;
					/* the killer (if any) is queued before the victim's start */
					if (!from_host)
						gev_hub_spawn(h, NULL, body_killer, &k);
					if (later)
						gev_hub_spawn_later(h, &k.victim, 0.2, body_must_not_run, NULL);
					else
						gev_hub_spawn(h, &k.victim, body_must_not_run, NULL);
					gev_greenlet_link(k.victim, &l, link_record, seen);
					if (from_host) {
						/* From the host: synchronous, block is irrelevant. */
						assert_int_equal(gev_greenlet_kill(k.victim, k.code, block, 1), 0);
						tr("k");
					}
					/* Neither kill path yields: the trace is the killer's alone. */
					assert_int_equal(gev_hub_turn(h, 0), 0);
					if (!from_host)
						assert_int_equal(k.rc, 0);
					assert_true(gev_greenlet_ready(k.victim));
					assert_false(gev_greenlet_started(k.victim));
					assert_int_equal(gev_greenlet_status(k.victim), k.code);
					assert_int_equal(gev_greenlet_successful(k.victim),
							 k.code == GEV_HUB_EXIT);
					run_ok(h);
					assert_string_equal(trace_buf, from_host ? "k" : "k1 k2");
					/* the link fired exactly once */
					assert_ptr_equal(seen[0], k.victim);
					assert_null(seen[1]);
					/* the state is unchanged later, and killing again is harmless */
					assert_int_equal(gev_greenlet_kill(k.victim, 99, 0, 0), 0);
					assert_int_equal(gev_greenlet_status(k.victim), k.code);
					run_ok(h);
					assert_null(seen[1]);
					gev_greenlet_release(k.victim);
				}
}

static void test_kill_links_fire_asynchronously(void **state)
{
	gev_hub *h = *state;
	gev_greenlet *g;
	gev_greenlet *seen[4] = {0};
	gev_link l;
	gev_hub_spawn(h, &g, body_must_not_run, NULL);
	gev_greenlet_link(g, &l, link_record, seen);
	gev_greenlet_kill(g, GEV_HUB_EXIT, 0, 0);
	assert_null(seen[0]); /* not synchronous */
	assert_int_equal(gev_greenlet_link_count(g), 1);
	run_ok(h);
	assert_ptr_equal(seen[0], g);
	gev_greenlet_release(g);
}

struct victim {
	double sleep;
	int rcs[4];
	int nrc;
	int ignore; /* keep running after this many kills */
};

static int body_victim(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct victim *v = arg;
	for (;;) {
		int rc = gev_hub_sleep(h, v->sleep);
		v->rcs[v->nrc++] = rc;
		if (rc == 0)
			return 0;
		if (v->nrc > v->ignore)
			return rc;
		tr("ignored");
	}
}

struct killer {
	gev_greenlet *victim;
	int code, block;
	double timeout;
	int rc;
	double took;
	int victim_dead_after;
};

static int body_kill_it(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	struct killer *k = arg;
	double t0 = mono();
	k->rc = gev_greenlet_kill(k->victim, k->code, k->block, k->timeout);
	k->took = mono() - t0;
	k->victim_dead_after = gev_greenlet_ready(k->victim);
	return 0;
}

static void test_kill_running_blocks_until_dead(void **state)
{
	gev_hub *h = *state;
	struct victim v = {10.0, {0}, 0, 0};
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_victim, &v);
	assert_int_equal(gev_hub_turn(h, 0), 0); /* let it park in sleep(10) */
	struct killer k = {g, GEV_HUB_EXIT, 1, GEV_HUB_FOREVER, -1, 0, 0};
	gev_hub_spawn(h, NULL, body_kill_it, &k);
	run_ok(h);
	assert_int_equal(k.rc, 0);
	assert_true(k.victim_dead_after);
	assert_int_equal(v.nrc, 1);
	assert_int_equal(v.rcs[0], GEV_HUB_EXIT); /* delivered at the sleep */
	assert_int_equal(gev_greenlet_status(g), GEV_HUB_EXIT);
	assert_true(gev_greenlet_successful(g));
	gev_greenlet_release(g);
}

static void test_kill_custom_code_is_failure(void **state)
{
	gev_hub *h = *state;
	struct victim v = {10.0, {0}, 0, 0};
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_victim, &v);
	gev_hub_turn(h, 0);
	struct killer k = {g, 42, 1, GEV_HUB_FOREVER, -1, 0, 0};
	gev_hub_spawn(h, NULL, body_kill_it, &k);
	run_ok(h);
	assert_int_equal(gev_greenlet_status(g), 42);
	assert_false(gev_greenlet_successful(g));
	gev_greenlet_release(g);
}

static void test_kill_ignored_keeps_running(void **state)
{
	gev_hub *h = *state;
	/* The victim ignores the first kill and sleeps 300 ms more: kill(timeout=10 ms) returns
	 * without error, the victim still alive (gevent #1553). */
	struct victim v = {0.3, {0}, 0, 1};
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_victim, &v);
	gev_hub_turn(h, 0);
	struct killer k = {g, GEV_HUB_EXIT, 1, 0.01, -1, 0, 0};
	gev_hub_spawn(h, NULL, body_kill_it, &k);
	run_ok(h);
	assert_int_equal(k.rc, 0);
	assert_false(k.victim_dead_after);
	assert_true(k.took >= 0.009 && k.took < 5.0);
	assert_int_equal(v.nrc, 2);
	assert_int_equal(v.rcs[0], GEV_HUB_EXIT);
	assert_int_equal(v.rcs[1], 0);
	assert_int_equal(gev_greenlet_status(g), 0); /* it finished on its own */
	assert_string_equal(trace_buf, "ignored");
	gev_greenlet_release(g);
}

static int body_kill_nonblock_then_check(gev_hub *h, void *arg, void **value)
{
	(void)value;
	gev_greenlet *victim = arg;
	assert_int_equal(gev_greenlet_kill(victim, GEV_HUB_EXIT, 0, 0), 0);
	tr("dead=%d", gev_greenlet_ready(victim));
	gev_hub_sleep(h, 0);
	tr("dead=%d", gev_greenlet_ready(victim));
	return 0;
}

static void test_kill_nonblocking(void **state)
{
	gev_hub *h = *state;
	/* gevent [E]: dead is False right after kill(block=False) and True after sleep(0) */
	struct victim v = {10.0, {0}, 0, 0};
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_victim, &v);
	gev_hub_turn(h, 0);
	gev_hub_spawn(h, NULL, body_kill_nonblock_then_check, g);
	run_ok(h);
	assert_string_equal(trace_buf, "dead=0 dead=1");
	gev_greenlet_release(g);
}

static int body_kill_self(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	int rc = gev_greenlet_kill(gev_hub_current(h), 31, 1, GEV_HUB_FOREVER);
	tr("self-kill-returned=%d", rc);
	return rc;
}

static void test_kill_self(void **state)
{
	gev_hub *h = *state;
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_kill_self, NULL);
	run_ok(h);
	assert_string_equal(trace_buf, "self-kill-returned=31");
	assert_int_equal(gev_greenlet_status(g), 31);
	gev_greenlet_release(g);
}

static int body_count_kills(gev_hub *h, void *arg, void **value)
{
	(void)value;
	int *kills = arg;
	for (;;) {
		int rc = gev_hub_sleep(h, 0.05);
		if (rc == 0)
			return 0;
		(*kills)++;
	}
}

static void test_kill_twice_delivers_once(void **state)
{
	gev_hub *h = *state;
	int kills = 0;
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_count_kills, &kills);
	gev_hub_turn(h, 0);
	gev_greenlet_kill(g, 7, 0, 0);
	gev_greenlet_kill(g, 8, 0, 0); /* merged into the first, still undelivered */
	run_ok(h);
	assert_int_equal(kills, 1);
	/* after delivery a new kill is a new delivery */
	gev_greenlet_release(g);
}

static int body_yield_then_block(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	int y = gev_hub_sleep(h, 0);
	tr("y=%d", y);
	int b = gev_hub_sleep(h, 10);
	tr("b=%d", b);
	return b;
}

static int body_kill_arg(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	gev_greenlet_kill(arg, 9, 0, 0);
	tr("killed");
	return 0;
}

static void test_kill_delivered_at_next_blocking_call(void **state)
{
	gev_hub *h = *state;
	/* gevent #394: the victim already has a wake-up queued (its sleep(0)) when the kill is
	 * made, so the kill arrives at its next blocking call. */
	gev_greenlet *v;
	gev_hub_spawn(h, &v, body_yield_then_block, NULL);
	gev_hub_spawn(h, NULL, body_kill_arg, v);
	run_ok(h);
	assert_string_equal(trace_buf, "killed y=0 b=9");
	assert_int_equal(gev_greenlet_status(v), 9);
	gev_greenlet_release(v);
}

static void test_kill_dead_is_noop(void **state)
{
	gev_hub *h = *state;
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_return_arg, NULL);
	run_ok(h);
	assert_int_equal(gev_greenlet_kill(g, 5, 1, GEV_HUB_FOREVER), 0);
	assert_int_equal(gev_greenlet_status(g), 0);
	assert_int_equal(gev_greenlet_kill(g, 0, 0, 0), GEV_HUB_EINVAL);
	gev_greenlet_release(g);
}

/* ---- links ---------------------------------------------------------------------------- */

struct link_log {
	int order[1100];
	int n;
	gev_link *victim; /* unlinked by link 0 */
	gev_link *extra;  /* added by link 0 */
	gev_hub_callback cb;
	int rc_sleep, rc_join, rc_kill;
	gev_greenlet *other;
};

struct numbered_link {
	gev_link l;
	struct link_log *log;
	int id;
};

static void link_numbered(gev_greenlet *g, void *arg)
{
	(void)g;
	struct numbered_link *nl = arg;
	nl->log->order[nl->log->n++] = nl->id;
}

static void test_links_fifo_1000(void **state)
{
	gev_hub *h = *state;
	static struct numbered_link links[1000];
	static struct link_log log;
	memset(&log, 0, sizeof log);
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_return_arg, NULL);
	for (int i = 0; i < 1000; i++) {
		links[i].log = &log;
		links[i].id = i;
		gev_greenlet_link(g, &links[i].l, link_numbered, &links[i]);
	}
	assert_int_equal(gev_greenlet_link_count(g), 1000);
	run_ok(h);
	assert_int_equal(log.n, 1000);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(log.order[i], i);
	assert_int_equal(gev_greenlet_link_count(g), 0);
	gev_greenlet_release(g);
}

static void cb_mark(gev_hub *h, void *arg)
{
	(void)h;
	struct link_log *log = arg;
	log->order[log->n++] = 100;
}

struct link_env {
	gev_hub *h;
	struct link_log log;
	struct numbered_link nl[4];
};

static void link_first(gev_greenlet *g, void *arg)
{
	struct link_env *e = arg;
	e->log.order[e->log.n++] = 0;
	if (e->log.victim)
		assert_int_equal(gev_greenlet_unlink(e->log.victim), 1);
	if (e->log.extra) {
		/* queue a hub callback first: the link added now must still run before it */
		assert_int_equal(gev_hub_callback_start(e->h, &e->log.cb, cb_mark, &e->log), 0);
		gev_greenlet_link(g, e->log.extra, link_numbered, &e->nl[3]);
	}
}

static void setup_links(gev_hub *h, struct link_env *e, gev_greenlet **g)
{
	memset(e, 0, sizeof *e);
	e->h = h;
	gev_hub_spawn(h, g, body_return_arg, NULL);
	gev_greenlet_link(*g, &e->nl[0].l, link_first, e);
	for (int i = 1; i < 4; i++) {
		e->nl[i].log = &e->log;
		e->nl[i].id = i;
	}
	gev_greenlet_link(*g, &e->nl[1].l, link_numbered, &e->nl[1]);
	gev_greenlet_link(*g, &e->nl[2].l, link_numbered, &e->nl[2]);
}

static void test_links_added_during_notification_same_pass(void **state)
{
	gev_hub *h = *state;
	struct link_env e;
	gev_greenlet *g;
	setup_links(h, &e, &g);
	e.log.extra = &e.nl[3].l;
	run_ok(h);
	assert_int_equal(e.log.n, 5);
	int want[] = {0, 1, 2, 3, 100};
	for (int i = 0; i < 5; i++)
		assert_int_equal(e.log.order[i], want[i]);
	gev_greenlet_release(g);
}

static void test_link_unlinked_by_earlier_link_is_not_called(void **state)
{
	gev_hub *h = *state;
	struct link_env e;
	gev_greenlet *g;
	setup_links(h, &e, &g);
	e.log.victim = &e.nl[1].l;
	run_ok(h);
	assert_int_equal(e.log.n, 2);
	assert_int_equal(e.log.order[0], 0);
	assert_int_equal(e.log.order[1], 2);
	assert_int_equal(gev_greenlet_unlink(&e.nl[1].l), 0); /* already gone */
	gev_greenlet_release(g);
}

static void test_links_after_death_are_scheduled(void **state)
{
	gev_hub *h = *state;
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_return_arg, NULL);
	run_ok(h);
	for (int round = 0; round < 3; round++) {
		gev_greenlet *seen[4] = {0};
		gev_link l;
		gev_greenlet_link(g, &l, link_record, seen);
		assert_null(seen[0]); /* never synchronous */
		run_ok(h);
		assert_ptr_equal(seen[0], g);
		assert_null(seen[1]);
	}
	gev_greenlet_release(g);
}

struct hubctx_env {
	gev_hub *h;
	gev_greenlet *other;
	int rc_sleep, rc_yield, rc_join, rc_kill, rc_park, rc_turn, rc_timeout;
};

static void link_tries_to_block(gev_greenlet *g, void *arg)
{
	(void)g;
	struct hubctx_env *e = arg;
	assert_null(gev_hub_current(e->h));
	e->rc_yield = gev_hub_sleep(e->h, 0);
	e->rc_sleep = gev_hub_sleep(e->h, 0.01);
	e->rc_join = gev_greenlet_join(e->other, GEV_HUB_FOREVER);
	e->rc_park = gev_hub_park_forever(e->h);
	e->rc_turn = gev_hub_turn(e->h, 0);
	gev_timeout t;
	gev_timeout_init(&t, e->h);
	e->rc_timeout = gev_timeout_start(&t, 1);
	/* BlockingSwitchOutError, but the kill was queued all the same (gevent [E]) */
	e->rc_kill = gev_greenlet_kill(e->other, GEV_HUB_EXIT, 1, GEV_HUB_FOREVER);
}

static void test_blocking_in_link_callback_fails(void **state)
{
	gev_hub *h = *state;
	struct hubctx_env e = {h, NULL, 1, 1, 1, 1, 1, 1, 1};
	struct victim v = {10.0, {0}, 0, 0};
	gev_greenlet *g;
	gev_hub_spawn(h, &e.other, body_victim, &v);
	gev_hub_spawn(h, &g, body_return_arg, NULL);
	gev_link l;
	gev_greenlet_link(g, &l, link_tries_to_block, &e);
	run_ok(h);
	assert_int_equal(e.rc_yield, GEV_HUB_EBLOCKING);
	assert_int_equal(e.rc_sleep, GEV_HUB_EBLOCKING);
	assert_int_equal(e.rc_join, GEV_HUB_EBLOCKING);
	assert_int_equal(e.rc_park, GEV_HUB_EBLOCKING);
	assert_int_equal(e.rc_turn, GEV_HUB_EBLOCKING);
	assert_int_equal(e.rc_timeout, GEV_HUB_EBLOCKING);
	assert_int_equal(e.rc_kill, GEV_HUB_EBLOCKING);
	assert_int_equal(gev_greenlet_status(e.other), GEV_HUB_EXIT);
	gev_greenlet_release(g);
	gev_greenlet_release(e.other);
}

static void cb_tries_to_block(gev_hub *h, void *arg)
{
	struct hubctx_env *e = arg;
	e->rc_sleep = gev_hub_sleep(h, 0);
}

static void test_blocking_in_hub_callback_fails(void **state)
{
	gev_hub *h = *state;
	struct hubctx_env e = {h, NULL, 1, 1, 1, 1, 1, 1, 1};
	gev_hub_callback cb = {0};
	gev_hub_callback_start(h, &cb, cb_tries_to_block, &e);
	run_ok(h);
	assert_int_equal(e.rc_sleep, GEV_HUB_EBLOCKING);
}

static void link_tr(gev_greenlet *g, void *arg)
{
	(void)g;
	tr("%s", (const char *)arg);
}

static int body_join_then_tr(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	assert_int_equal(gev_greenlet_join(arg, GEV_HUB_FOREVER), 0);
	tr("joined");
	return 0;
}

static void test_join_wakes_after_earlier_links(void **state)
{
	gev_hub *h = *state;
	double d = 0.005;
	gev_greenlet *g;
	gev_link l1, l2;
	gev_hub_spawn(h, &g, body_sleep, &d);
	gev_greenlet_link(g, &l1, link_tr, "L1");
	gev_hub_spawn(h, NULL, body_join_then_tr, g);
	gev_hub_turn(h, 0);
	gev_greenlet_link(g, &l2, link_tr, "L2");
	run_ok(h);
	assert_string_equal(trace_buf, "L1 L2 joined");
	gev_greenlet_release(g);
}

static int body_release_self_early(gev_hub *h, void *arg, void **value)
{
	(void)value;
	double *d = arg;
	return gev_hub_sleep(h, *d);
}

static void test_release_while_alive(void **state)
{
	gev_hub *h = *state;
	double d = 0.005;
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_release_self_early, &d);
	gev_hub_turn(h, 0);
	gev_greenlet_release(g); /* it keeps running, freed when it ends */
	gev_hub_census c;
	gev_hub_get_census(h, &c);
	assert_int_equal(c.greenlets, 1);
	run_ok(h);
}

/* ---- hub callbacks -------------------------------------------------------------------- */

static void cb_tr(gev_hub *h, void *arg)
{
	(void)h;
	tr("%s", (const char *)arg);
}

static void test_hub_callbacks_fifo_with_greenlets(void **state)
{
	gev_hub *h = *state;
	gev_hub_callback x = {0}, y = {0};
	gev_hub_spawn(h, NULL, body_trace, "A");
	assert_int_equal(gev_hub_callback_start(h, &x, cb_tr, "X"), 0);
	assert_int_equal(gev_hub_callback_start(h, &x, cb_tr, "X"), GEV_HUB_EBUSY);
	gev_hub_spawn(h, NULL, body_trace, "B");
	assert_int_equal(gev_hub_callback_start(h, &y, cb_tr, "Y"), 0);
	assert_true(gev_hub_callback_pending(&x));
	assert_int_equal(gev_hub_callback_stop(&y), 1);
	assert_int_equal(gev_hub_callback_stop(&y), 0);
	assert_false(gev_hub_callback_pending(&y));
	run_ok(h);
	assert_false(gev_hub_callback_pending(&x));
	assert_string_equal(trace_buf, "A X B");
}

/* ---- wait_fd -------------------------------------------------------------------------- */

struct fd_case {
	int fd, events;
	double timeout;
	int rc, revents;
};

static int body_wait_fd(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct fd_case *c = arg;
	c->rc = gev_hub_wait_fd(h, c->fd, c->events, c->timeout, &c->revents);
	return 0;
}

static int body_write_later(gev_hub *h, void *arg, void **value)
{
	(void)value;
	gev_hub_sleep(h, 0.005);
	assert_int_equal(write(*(int *)arg, "x", 1), 1);
	return 0;
}

static void test_wait_fd(void **state)
{
	gev_hub *h = *state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct fd_case r = {p[0], EV_READ, GEV_HUB_FOREVER, -1, 0};
	gev_hub_spawn(h, NULL, body_wait_fd, &r);
	gev_hub_spawn(h, NULL, body_write_later, &p[1]);
	run_ok(h);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.revents, EV_READ);
	/* timeout: nothing more to read after draining the byte */
	char ch;
	assert_int_equal(read(p[0], &ch, 1), 1);
	struct fd_case t = {p[0], EV_READ, 0.01, -1, 0};
	gev_hub_spawn(h, NULL, body_wait_fd, &t);
	run_ok(h);
	assert_int_equal(t.rc, GEV_HUB_ETIMEDOUT);
	/* writable at once */
	struct fd_case w = {p[1], EV_WRITE, 1.0, -1, 0};
	gev_hub_spawn(h, NULL, body_wait_fd, &w);
	run_ok(h);
	assert_int_equal(w.rc, 0);
	assert_int_equal(w.revents, EV_WRITE);
	/* bad arguments */
	struct fd_case b = {-1, EV_READ, 1.0, -1, 0};
	gev_hub_spawn(h, NULL, body_wait_fd, &b);
	struct fd_case e = {p[0], 0, 1.0, -1, 0};
	gev_hub_spawn(h, NULL, body_wait_fd, &e);
	run_ok(h);
	assert_int_equal(b.rc, GEV_HUB_EBADF);
	assert_int_equal(e.rc, GEV_HUB_EINVAL);
	close(p[0]);
	close(p[1]);
}

static void test_wait_fd_killed(void **state)
{
	gev_hub *h = *state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct fd_case r = {p[0], EV_READ, GEV_HUB_FOREVER, -1, 0};
	gev_greenlet *g;
	gev_hub_spawn(h, &g, body_wait_fd, &r);
	gev_hub_turn(h, 0);
	gev_greenlet_kill(g, 3, 0, 0);
	run_ok(h);
	assert_int_equal(r.rc, 3);
	gev_greenlet_release(g);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HUB_TEST(test_spawn_order_fifo_then_timers),
		HUB_TEST(test_spawn_bad_arguments),
		HUB_TEST(test_result_value_and_failure),
		HUB_TEST(test_sleep0_trace),
		HUB_TEST(test_sleep_negative_is_error_without_yield),
		HUB_TEST(test_sleep_timer),
		HUB_TEST(test_sleep_after_long_work_counts_from_now),
		HUB_TEST(test_blocking_in_hub_context),
		HUB_TEST(test_sleep0_busy_loop_does_not_starve_timers),
		HUB_TEST(test_switch_interval_bounds_a_turn),
		HUB_TEST(test_join_waits_for_death),
		HUB_TEST(test_join_timeout),
		HUB_TEST(test_join_self_returns_only_by_timeout),
		HUB_TEST(test_would_block_forever_is_an_error),
		HUB_TEST(test_kill_before_start_matrix),
		HUB_TEST(test_kill_links_fire_asynchronously),
		HUB_TEST(test_kill_running_blocks_until_dead),
		HUB_TEST(test_kill_custom_code_is_failure),
		HUB_TEST(test_kill_ignored_keeps_running),
		HUB_TEST(test_kill_nonblocking),
		HUB_TEST(test_kill_self),
		HUB_TEST(test_kill_twice_delivers_once),
		HUB_TEST(test_kill_delivered_at_next_blocking_call),
		HUB_TEST(test_kill_dead_is_noop),
		HUB_TEST(test_links_fifo_1000),
		HUB_TEST(test_links_added_during_notification_same_pass),
		HUB_TEST(test_link_unlinked_by_earlier_link_is_not_called),
		HUB_TEST(test_links_after_death_are_scheduled),
		HUB_TEST(test_blocking_in_link_callback_fails),
		HUB_TEST(test_blocking_in_hub_callback_fails),
		HUB_TEST(test_join_wakes_after_earlier_links),
		HUB_TEST(test_release_while_alive),
		HUB_TEST(test_hub_callbacks_fifo_with_greenlets),
		HUB_TEST(test_wait_fd),
		HUB_TEST(test_wait_fd_killed),
	};
	return cmocka_run_group_tests_name("hub greenlets", tests, NULL, NULL);
}

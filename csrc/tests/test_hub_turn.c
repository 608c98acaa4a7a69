/*
 * test_hub_turn.c - the turn API a Go host drives: host timers (deadline order with C
 * sleepers, restart #1890, repeat, stop), fd watches, host-spawned C greenlets and their
 * DONE events, command errors, the command array's capacity, the event array growing,
 * posts and wake-ups from other threads, max_wait, "would block forever", and the id map.
 */
#include <pthread.h>
#include <unistd.h>

#include "hub_internal.h" /* white-box test of hub_map */
#include "test_hub_util.h"

static gev_hub_cmd *push(gev_hub *h, uint32_t op, uint64_t id)
{
	gev_hub_cmd *c = gev_hub_cmd_push(h);
	assert_non_null(c);
	c->op = op;
	c->id = id;
	return c;
}

static void timer_start(gev_hub *h, uint64_t id, double s, double repeat)
{
	gev_hub_cmd *c = push(h, GEV_HUB_CMD_TIMER_START, id);
	c->seconds = s;
	c->repeat = repeat;
}

/* turn_until runs blocking turns until an event of `kind` shows up; returns it. */
static gev_hub_event turn_until(gev_hub *h, int kind)
{
	for (int i = 0; i < 10000; i++) {
		int n = gev_hub_turn(h, GEV_HUB_FOREVER);
		assert_true(n >= 0);
		gev_hub_host *host = gev_hub_host_of(h);
		for (int j = 0; j < n; j++)
			if (host->events[j].kind == kind)
				return host->events[j];
	}
	fail_msg("no event of kind %d", kind);
	return (gev_hub_event){0};
}

static void test_host_timer_fires(void **state)
{
	gev_hub *h = *state;
	double t0 = mono();
	timer_start(h, 7, 0.01, 0);
	gev_hub_event e = turn_until(h, GEV_HUB_EV_TIMER);
	assert_true(mono() - t0 >= 0.009);
	assert_int_equal(e.id, 7);
	gev_hub_census c;
	gev_hub_get_census(h, &c);
	assert_int_equal(c.host_timers, 0); /* one-shot: freed */
	/* nothing left: a blocking turn reports "would block forever" instead of hanging */
	assert_int_equal(gev_hub_turn(h, GEV_HUB_FOREVER), GEV_HUB_ELOOPEXIT);
}

static void test_host_timer_stop_and_unknown(void **state)
{
	gev_hub *h = *state;
	timer_start(h, 1, 0.001, 0);
	push(h, GEV_HUB_CMD_TIMER_STOP, 1);
	push(h, GEV_HUB_CMD_TIMER_STOP, 99); /* unknown: no-op */
	push(h, GEV_HUB_CMD_IO_STOP, 99);
	push(h, GEV_HUB_CMD_KILL, 99);
	assert_int_equal(gev_hub_turn(h, GEV_HUB_FOREVER), GEV_HUB_ELOOPEXIT);
	assert_int_equal(gev_hub_host_of(h)->ncmds, 0);
}

static void test_host_timer_restart_counts_from_now(void **state)
{
	gev_hub *h = *state;
	/* The first deadline is far enough that no stall of a loaded machine reaches it, so the
	 * timer can only fire from the restart. The restart counts from libev's clock after the
	 * 30 ms turn, itself at least t0 + 30 ms: so it fires at least 80 ms after t0 (a lower
	 * bound from the right start), and long before the first deadline (a generous bound). */
	double t0 = mono();
	timer_start(h, 3, 60.0, 0);
	assert_int_equal(gev_hub_turn(h, 0.03), 0);
	assert_true(mono() - t0 >= 0.029);
	timer_start(h, 3, 0.05, 0); /* restart of an armed id: set + start (#1890) */
	gev_hub_event e = turn_until(h, GEV_HUB_EV_TIMER);
	assert_int_equal(e.id, 3);
	assert_true(mono() - t0 >= 0.079);
	assert_true(mono() - t0 < 30.0);
}

static void test_host_timer_repeat(void **state)
{
	gev_hub *h = *state;
	timer_start(h, 5, 0.001, 0.001);
	for (int i = 0; i < 3; i++)
		assert_int_equal(turn_until(h, GEV_HUB_EV_TIMER).id, 5);
	gev_hub_census c;
	gev_hub_get_census(h, &c);
	assert_int_equal(c.host_timers, 1);
	push(h, GEV_HUB_CMD_TIMER_STOP, 5);
	assert_int_equal(gev_hub_turn(h, 0), 0);
}

static int body_sleep_tr(gev_hub *h, void *arg, void **value)
{
	(void)value;
	gev_hub_sleep(h, *(double *)arg);
	tr("C%.0f", *(double *)arg * 1000);
	return 0;
}

static void test_host_and_c_sleepers_in_deadline_order(void **state)
{
	gev_hub *h = *state;
	/* 30 ms apart: a C sleeper woken by an ev_run runs in the next turn's drain, so only a
	 * stall longer than the gap could merge two deadlines into one ev_run */
	static double d10 = 0.010, d70 = 0.070;
	timer_start(h, 40, 0.040, 0);
	timer_start(h, 100, 0.100, 0);
	gev_hub_spawn(h, NULL, body_sleep_tr, &d70);
	gev_hub_spawn(h, NULL, body_sleep_tr, &d10);
	for (;;) {
		int n = gev_hub_turn(h, GEV_HUB_FOREVER);
		if (n == GEV_HUB_ELOOPEXIT)
			break;
		assert_true(n >= 0);
		for (int j = 0; j < n; j++)
			tr("H%llu", (unsigned long long)gev_hub_host_of(h)->events[j].id);
	}
	assert_string_equal(trace_buf, "C10 H40 C70 H100");
}

static void timer_at(gev_hub *h, uint64_t id, int64_t deadline_ns)
{
	push(h, GEV_HUB_CMD_TIMER_AT, id)->deadline = deadline_ns;
}

/* Absolute deadlines 1 ns apart, one per turn, with time spent between the turns: they fire
 * in exact deadline order (a conversion against any clock reading but libev's own would be
 * off by a different amount in each turn, and invert them), never before their deadline on
 * the timer clock. Each turn's deadline is later than the last, so timers that a slow
 * machine lets expire while others are still being armed fire in order too. */
static void test_host_timer_absolute_deadlines_exact_order(void **state)
{
	gev_hub *h = *state;
	enum { K = 64 };
	gev_hub_now_update(h);
	int64_t d0 = (int64_t)(gev_hub_timer_now(h) * 1e9) + 5000000;
	assert_true(fabs((double)d0 / 1e9 - 0.005 - mono()) < 5.0); /* the timer clock is CLOCK_MONOTONIC */
	int got = 0;
	for (int k = 0; k < K || got < K; k++) {
		if (k < K) {
			timer_at(h, (uint64_t)k, d0 + k);
			double spin = mono() + 20e-6;
			while (mono() < spin)
				;
		}
		int n = gev_hub_turn(h, k < K ? 0 : GEV_HUB_FOREVER);
		assert_true(n >= 0);
		double now = gev_hub_timer_now(h);
		for (int j = 0; j < n; j++) {
			gev_hub_event e = gev_hub_host_of(h)->events[j];
			assert_int_equal(e.kind, GEV_HUB_EV_TIMER);
			assert_int_equal(e.id, got);
			assert_true(now >= (double)(d0 + (int64_t)e.id) / 1e9);
			got++;
		}
	}
	/* Past deadlines fire at the turn's own ev_run; bad commands are refused. */
	timer_at(h, 1, (int64_t)(gev_hub_timer_now(h) * 1e9) - 1000000000);
	timer_at(h, 2, INT64_MIN);
	push(h, GEV_HUB_CMD_TIMER_AT, 3)->repeat = NAN;
	push(h, GEV_HUB_CMD_TIMER_AT, 4)->code = 1; /* an unused field set */
	push(h, GEV_HUB_CMD_TIMER_START, 5)->code = 1;
	int n = gev_hub_turn(h, 0);
	assert_int_equal(n, 5);
	gev_hub_event *ev = gev_hub_host_of(h)->events;
	for (int j = 0; j < 3; j++) {
		assert_int_equal(ev[j].kind, GEV_HUB_EV_CMD_ERROR);
		assert_int_equal(ev[j].id, 3 + j);
		assert_int_equal(ev[j].status, GEV_HUB_EINVAL);
	}
	assert_int_equal(ev[3].kind, GEV_HUB_EV_TIMER);
	assert_int_equal(ev[4].kind, GEV_HUB_EV_TIMER);
	assert_int_equal(ev[3].id + ev[4].id, 3);
}

static void test_host_timer_ids_direct_and_hashed(void **state)
{
	gev_hub *h = *state;
	const uint64_t ids[] = {0, 255, 256, 70000, (1u << 20) - 1, 1u << 20, UINT64_C(1) << 40,
				UINT64_MAX};
	enum { N = sizeof ids / sizeof ids[0] };
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++)
			timer_start(h, ids[i], 0.001 * (i + 1), 0);
		timer_start(h, ids[3], 0.5, 0);           /* restart one */
		push(h, GEV_HUB_CMD_TIMER_STOP, ids[3]);  /* and stop it */
		push(h, GEV_HUB_CMD_TIMER_STOP, ids[5]);  /* a hashed one too */
		int got = 0, seen[N] = {0};
		for (int first = 1; got < N - 2; first = 0) {
			/* the first turn applies the commands (on a slow machine, e.g. valgrind,
			 * timers may already fire in it) */
			int n = gev_hub_turn(h, first ? 0 : GEV_HUB_FOREVER);
			assert_true(n >= 0);
			for (int j = 0; j < n; j++)
				for (int k = 0; k < N; k++)
					if (gev_hub_host_of(h)->events[j].id == ids[k])
						seen[k]++, got++;
		}
		for (int k = 0; k < N; k++)
			assert_int_equal(seen[k], k == 3 || k == 5 ? 0 : 1);
		assert_int_equal(gev_hub_turn(h, GEV_HUB_FOREVER), GEV_HUB_ELOOPEXIT);
	}
}

static void test_host_io(void **state)
{
	gev_hub *h = *state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	gev_hub_cmd *c = push(h, GEV_HUB_CMD_IO_START, 11);
	c->code = p[0];
	c->events = EV_READ;
	assert_int_equal(gev_hub_turn(h, 0), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	gev_hub_event e = turn_until(h, GEV_HUB_EV_IO);
	assert_int_equal(e.id, 11);
	assert_int_equal(e.status, EV_READ);
	/* level triggered: still readable, reported again */
	e = turn_until(h, GEV_HUB_EV_IO);
	assert_int_equal(e.id, 11);
	push(h, GEV_HUB_CMD_IO_STOP, 11);
	assert_int_equal(gev_hub_turn(h, GEV_HUB_FOREVER), GEV_HUB_ELOOPEXIT);
	/* bad commands */
	c = push(h, GEV_HUB_CMD_IO_START, 12);
	c->code = -1;
	c->events = EV_READ;
	c = push(h, GEV_HUB_CMD_IO_START, 13);
	c->code = p[0];
	c->events = 0x100;
	assert_int_equal(gev_hub_turn(h, 0), 2);
	gev_hub_host *host = gev_hub_host_of(h);
	assert_int_equal(host->events[0].kind, GEV_HUB_EV_CMD_ERROR);
	assert_int_equal(host->events[0].id, 12);
	assert_int_equal(host->events[0].status, GEV_HUB_EBADF);
	assert_int_equal(host->events[1].status, GEV_HUB_EINVAL);
	assert_int_equal((uintptr_t)host->events[1].value, GEV_HUB_CMD_IO_START);
	close(p[0]);
	close(p[1]);
	/* an fd that is not open: refused with EBADF (libev would abort in epoll_ctl) */
	c = push(h, GEV_HUB_CMD_IO_START, 14);
	c->code = p[0];
	c->events = EV_READ;
	assert_int_equal(gev_hub_turn(h, 0), 1);
	assert_int_equal(host->events[0].kind, GEV_HUB_EV_CMD_ERROR);
	assert_int_equal(host->events[0].id, 14);
	assert_int_equal(host->events[0].status, GEV_HUB_EBADF);
	/* a blocking turn with a refusal to report returns it at once, not at the next
	 * wake-up (here a timer an hour away) */
	timer_start(h, 15, 3600, 0);
	c = push(h, GEV_HUB_CMD_IO_START, 16);
	c->code = -1;
	c->events = EV_READ;
	assert_int_equal(gev_hub_turn(h, GEV_HUB_FOREVER), 1);
	assert_int_equal(host->events[0].id, 16);
	push(h, GEV_HUB_CMD_TIMER_STOP, 15);
	assert_int_equal(gev_hub_turn(h, 0), 0);
}

static int body_value(gev_hub *h, void *arg, void **value)
{
	(void)h;
	tr("ran");
	*value = arg;
	return 0;
}

static int body_sleep_then_value(gev_hub *h, void *arg, void **value)
{
	int rc = gev_hub_sleep(h, 10);
	*value = arg;
	return rc;
}

static void test_host_spawn_kill_done(void **state)
{
	gev_hub *h = *state;
	int token;
	gev_hub_cmd *c = push(h, GEV_HUB_CMD_SPAWN, 100);
	c->fn = body_value;
	c->arg = &token;
	c = push(h, GEV_HUB_CMD_SPAWN, 100); /* same id while alive */
	c->fn = body_value;
	c = push(h, GEV_HUB_CMD_SPAWN, 101);
	c->fn = body_value;
	push(h, GEV_HUB_CMD_KILL, 101); /* killed before start: never runs */
	c = push(h, GEV_HUB_CMD_SPAWN, 102);
	c->fn = body_sleep_then_value;
	c = push(h, GEV_HUB_CMD_SPAWN, 103);
	c->fn = body_value;
	c->op = GEV_HUB_CMD_NOP; /* withdrawn by the host: nothing happens, no event */
	c = push(h, 77, 5); /* bad op */
	int n = gev_hub_turn(h, 0);
	assert_int_equal(n, 4);
	gev_hub_event *e = gev_hub_host_of(h)->events;
	assert_int_equal(e[0].kind, GEV_HUB_EV_CMD_ERROR);
	assert_int_equal(e[0].status, GEV_HUB_EEXIST);
	assert_int_equal(e[1].kind, GEV_HUB_EV_GREENLET_DONE);
	assert_int_equal(e[1].id, 101);
	assert_int_equal(e[1].status, GEV_HUB_EXIT);
	assert_int_equal(e[2].kind, GEV_HUB_EV_CMD_ERROR);
	assert_int_equal(e[2].status, GEV_HUB_EINVAL);
	assert_int_equal(e[3].kind, GEV_HUB_EV_GREENLET_DONE);
	assert_int_equal(e[3].id, 100);
	assert_int_equal(e[3].status, 0);
	assert_ptr_equal(e[3].value, &token);
	assert_string_equal(trace_buf, "ran");
	/* 102 is parked in sleep(10): kill it by command */
	c = push(h, GEV_HUB_CMD_KILL, 102);
	c->code = 44;
	gev_hub_event d = turn_until(h, GEV_HUB_EV_GREENLET_DONE);
	assert_int_equal(d.id, 102);
	assert_int_equal(d.status, 44);
	assert_null(d.value);
	/* the id is free again */
	c = push(h, GEV_HUB_CMD_SPAWN, 100);
	c->fn = body_value;
	assert_int_equal(turn_until(h, GEV_HUB_EV_GREENLET_DONE).id, 100);
}

static void test_host_spawn_later(void **state)
{
	gev_hub *h = *state;
	double t0 = mono();
	gev_hub_cmd *c = push(h, GEV_HUB_CMD_SPAWN, 1);
	c->fn = body_value;
	c->seconds = 0.01;
	gev_hub_event d = turn_until(h, GEV_HUB_EV_GREENLET_DONE);
	assert_int_equal(d.id, 1);
	assert_true(mono() - t0 >= 0.009);
}

static void test_cmd_capacity_flush_first(void **state)
{
	gev_hub *h0 = *state;
	(void)h0;
	gev_hub *h;
	assert_int_equal(gev_hub_new(&h, 4), 0);
	assert_int_equal(gev_hub_host_of(h)->cmd_cap, 4);
	for (int i = 0; i < 4; i++)
		timer_start(h, (uint64_t)i, 0, 0);
	assert_null(gev_hub_cmd_push(h)); /* full: the producer must flush first */
	assert_int_equal(gev_hub_turn(h, 0), 4);
	assert_non_null(gev_hub_cmd_push(h));
	gev_hub_host_of(h)->ncmds = 0;
	check_census_zero(h);
	gev_hub_destroy(h);
}

static void test_event_array_grows(void **state)
{
	gev_hub *h = *state;
	/* 5000 timers due at once: far more events than the initial array holds */
	static int seen[5000];
	memset(seen, 0, sizeof seen);
	int total = 0;
	for (int i = 0; i < 5000; i++) {
		gev_hub_cmd *c = gev_hub_cmd_push(h);
		if (!c) { /* full: flush first */
			int n = gev_hub_turn(h, 0);
			assert_true(n >= 0);
			for (int j = 0; j < n; j++)
				seen[gev_hub_host_of(h)->events[j].id]++;
			total += n;
			c = gev_hub_cmd_push(h);
		}
		c->op = GEV_HUB_CMD_TIMER_START;
		c->id = (uint64_t)i;
	}
	while (total < 5000) {
		int n = gev_hub_turn(h, GEV_HUB_FOREVER);
		assert_true(n >= 0);
		for (int j = 0; j < n; j++) {
			gev_hub_event *e = &gev_hub_host_of(h)->events[j];
			assert_int_equal(e->kind, GEV_HUB_EV_TIMER);
			seen[e->id]++;
		}
		total += n;
	}
	for (int i = 0; i < 5000; i++)
		assert_int_equal(seen[i], 1);
}

struct poster {
	gev_hub *h;
	int base, count;
	double delay;
};

static void *post_thread(void *arg)
{
	struct poster *p = arg;
	if (p->delay > 0)
		usleep((useconds_t)(p->delay * 1e6));
	for (int i = 0; i < p->count; i++)
		assert_int_equal(gev_hub_post(p->h, (uint64_t)(p->base + i)), 0);
	return NULL;
}

static void test_post_wakes_blocked_turn(void **state)
{
	gev_hub *h = *state;
	/* without keep-alive, an idle hub does not wait for posts (gevent #2124) */
	assert_int_equal(gev_hub_turn(h, GEV_HUB_FOREVER), GEV_HUB_ELOOPEXIT);
	gev_hub_set_keepalive(h, 1);
	struct poster p = {h, 42, 1, 0.02};
	pthread_t t;
	double t0 = mono();
	pthread_create(&t, NULL, post_thread, &p);
	gev_hub_event e = turn_until(h, GEV_HUB_EV_WAKE);
	assert_int_equal(e.id, 42);
	assert_true(mono() - t0 >= 0.015);
	pthread_join(t, NULL);
	gev_hub_set_keepalive(h, 0);
}

static void test_posts_from_many_threads_never_drop(void **state)
{
	gev_hub *h = *state;
	enum { T = 4, N = 2000 };
	static int seen[T * N];
	memset(seen, 0, sizeof seen);
	struct poster p[T];
	pthread_t t[T];
	gev_hub_set_keepalive(h, 1);
	for (int i = 0; i < T; i++) {
		p[i] = (struct poster){h, i * N, N, 0};
		pthread_create(&t[i], NULL, post_thread, &p[i]);
	}
	int total = 0;
	while (total < T * N) {
		int n = gev_hub_turn(h, GEV_HUB_FOREVER);
		assert_true(n >= 0);
		for (int j = 0; j < n; j++) {
			gev_hub_event *e = &gev_hub_host_of(h)->events[j];
			assert_int_equal(e->kind, GEV_HUB_EV_WAKE);
			seen[e->id]++;
		}
		total += n;
	}
	for (int i = 0; i < T; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < T * N; i++)
		assert_int_equal(seen[i], 1);
	gev_hub_set_keepalive(h, 0);
}

static void posted_fn(gev_hub *h, void *arg)
{
	assert_null(gev_hub_current(h)); /* hub context */
	assert_int_equal(gev_hub_sleep(h, 0), GEV_HUB_EBLOCKING);
	(*(int *)arg)++;
	gev_hub_spawn(h, NULL, body_value, NULL);
}

static void *post_call_thread(void *arg)
{
	void **a = arg;
	usleep(10000);
	gev_hub_post_call(a[0], posted_fn, a[1]);
	return NULL;
}

static void test_post_call_runs_in_hub_context(void **state)
{
	gev_hub *h = *state;
	int calls = 0;
	void *a[2] = {h, &calls};
	pthread_t t;
	gev_hub_set_keepalive(h, 1);
	pthread_create(&t, NULL, post_call_thread, a);
	while (calls == 0)
		assert_true(gev_hub_turn(h, GEV_HUB_FOREVER) >= 0);
	pthread_join(t, NULL);
	gev_hub_set_keepalive(h, 0);
	run_ok(h); /* the greenlet it spawned */
	assert_int_equal(calls, 1);
	assert_string_equal(trace_buf, "ran");
	assert_int_equal(gev_hub_post_call(h, NULL, NULL), GEV_HUB_EINVAL);
}

static void *interrupt_thread(void *arg)
{
	usleep(20000);
	gev_hub_interrupt(arg);
	return NULL;
}

static void test_interrupt_and_max_wait(void **state)
{
	gev_hub *h = *state;
	timer_start(h, 1, 10.0, 0); /* something to wait for */
	/* max_wait bounds the wait */
	double t0 = mono();
	assert_int_equal(gev_hub_turn(h, 0.02), 0);
	double dt = mono() - t0;
	assert_true(dt >= 0.015 && dt < 5.0);
	/* 0 never blocks */
	t0 = mono();
	assert_int_equal(gev_hub_turn(h, 0), 0);
	assert_true(mono() - t0 < 5.0);
	/* another thread wakes a turn that would block for 10 s */
	pthread_t t;
	pthread_create(&t, NULL, interrupt_thread, h);
	t0 = mono();
	assert_int_equal(gev_hub_turn(h, GEV_HUB_FOREVER), 0);
	assert_true(mono() - t0 < 5.0);
	pthread_join(t, NULL);
	push(h, GEV_HUB_CMD_TIMER_STOP, 1);
	assert_int_equal(gev_hub_turn(h, 0), 0);
	assert_int_equal(gev_hub_turn(h, NAN), GEV_HUB_EINVAL);
}

static int body_turn_inside(gev_hub *h, void *arg, void **value)
{
	(void)value;
	*(int *)arg = gev_hub_turn(h, 0);
	return 0;
}

static void test_turn_from_greenlet_is_refused(void **state)
{
	gev_hub *h = *state;
	int rc = 0;
	gev_hub_spawn(h, NULL, body_turn_inside, &rc);
	run_ok(h);
	assert_int_equal(rc, GEV_HUB_EBLOCKING);
}

static void test_strerror(void **state)
{
	(void)state;
	const int codes[] = {GEV_HUB_ENOMEM, GEV_HUB_EINVAL, GEV_HUB_EXIT, GEV_HUB_ETIMEOUT,
			     GEV_HUB_ETIMEDOUT, GEV_HUB_EBLOCKING, GEV_HUB_ELOOPEXIT,
			     GEV_HUB_ENOTFOUND, GEV_HUB_EEXIST, GEV_HUB_EBUSY, GEV_HUB_EBADF};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		assert_string_not_equal(gev_hub_strerror(codes[i]), "unknown error");
	assert_string_equal(gev_hub_strerror(12345), "unknown error");
	assert_string_equal(gev_hub_strerror(0), "success");
}

/* hub_map against a reference array, with many deletions (backward shift). */
static void test_map_random(void **state)
{
	(void)state;
	enum { K = 3000 };
	static void *ref[K];
	memset(ref, 0, sizeof ref);
	hub_map m = {0};
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t k = x % K;
		uint64_t key = k * 0x10000 + 1; /* clustered keys */
		if ((x >> 20) % 3) {
			void *v = (void *)(uintptr_t)(i + 1);
			assert_int_equal(hub_map_put(&m, key, v), 0);
			ref[k] = v;
		} else {
			assert_ptr_equal(hub_map_del(&m, key), ref[k]);
			ref[k] = NULL;
		}
		if (i % 1000 == 0) {
			size_t n = 0;
			for (int j = 0; j < K; j++) {
				assert_ptr_equal(hub_map_get(&m, (uint64_t)j * 0x10000 + 1), ref[j]);
				n += ref[j] != NULL;
			}
			assert_int_equal(n, m.len);
		}
	}
	hub_map_free(&m);
}

static int body_end(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)arg;
	*value = NULL;
	return 0;
}

static size_t coro_released(void)
{
	gev_coro_census c;
	gev_coro_get_census(&c);
	return c.released_stacks;
}

/* spawn_and_end runs n C greenlets to their end in busy turns (one, unless a slow machine
 * makes a drain reach the switch interval); their stacks are then pooled, none released
 * (pooling makes no system call) unless the turns took a second, when a busy hub may
 * release what sat unused that long. */
static void spawn_and_end(gev_hub *h, size_t n)
{
	double t0 = mono();
	for (size_t i = 0; i < n; i++)
		assert_int_equal(gev_hub_spawn(h, NULL, body_end, NULL), 0);
	gev_hub_census c;
	do {
		assert_true(mono() - t0 < 60); /* stuck, not slow */
		assert_true(gev_hub_turn(h, 0) >= 0);
		gev_hub_get_census(h, &c);
	} while (c.greenlets > 0);
	gev_coro_census cc;
	gev_coro_get_census(&cc);
	assert_true(cc.pooled_stacks >= n);
	if (mono() - t0 < 0.9)
		assert_int_equal(cc.released_stacks, 0);
}

/* A turn that is about to sleep gives back the memory of the pooled stacks beyond the
 * GEV_CORO_POOL_HOT most recent: an idle hub does not sit on a burst's stacks. */
static void test_idle_turn_releases_pooled_stacks(void **state)
{
	gev_hub *h = *state;
	enum { N = GEV_CORO_POOL_HOT + 10 };
	gev_coro_pool_trim();
	spawn_and_end(h, N);
	timer_start(h, 1, 0.001, 0);
	turn_until(h, GEV_HUB_EV_TIMER); /* blocks until the timer fires */
	assert_int_equal(coro_released(), N - GEV_CORO_POOL_HOT);
	assert_int_equal(gev_coro_pool_release(), 0);
	gev_coro_verify();
}

/* A hub that never sleeps releases, about once a second of its clock, the pooled stacks
 * beyond HOT that sat unused for that second; never sooner (only a lower bound on the
 * time is asserted). */
static void test_busy_turns_release_idle_stacks(void **state)
{
	gev_hub *h = *state;
	enum { N = GEV_CORO_POOL_HOT + 10 };
	gev_coro_pool_trim();
	double t0 = mono();
	spawn_and_end(h, N); /* the hub's first busy turn starts the second */
	double waited;
	while (coro_released() == 0) {
		waited = mono() - t0;
		assert_true(waited < 60); /* stuck, not slow */
		assert_true(gev_hub_turn(h, 0) >= 0);
		usleep(1000);
	}
	/* the loop clock is wall time, which may be slewed against the monotonic one */
	assert_true(mono() - t0 >= 0.95);
	assert_int_equal(coro_released(), N - GEV_CORO_POOL_HOT);
	gev_coro_verify();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HUB_TEST(test_host_timer_fires),
		HUB_TEST(test_host_timer_stop_and_unknown),
		HUB_TEST(test_host_timer_restart_counts_from_now),
		HUB_TEST(test_host_timer_repeat),
		HUB_TEST(test_host_and_c_sleepers_in_deadline_order),
		HUB_TEST(test_host_timer_absolute_deadlines_exact_order),
		HUB_TEST(test_host_timer_ids_direct_and_hashed),
		HUB_TEST(test_host_io),
		HUB_TEST(test_host_spawn_kill_done),
		HUB_TEST(test_host_spawn_later),
		HUB_TEST(test_cmd_capacity_flush_first),
		HUB_TEST(test_event_array_grows),
		HUB_TEST(test_post_wakes_blocked_turn),
		HUB_TEST(test_posts_from_many_threads_never_drop),
		HUB_TEST(test_post_call_runs_in_hub_context),
		HUB_TEST(test_interrupt_and_max_wait),
		HUB_TEST(test_turn_from_greenlet_is_refused),
		HUB_TEST(test_strerror),
		HUB_TEST(test_map_random),
		HUB_TEST(test_idle_turn_releases_pooled_stacks),
		HUB_TEST(test_busy_turns_release_idle_stacks),
	};
	return cmocka_run_group_tests_name("hub turn API", tests, NULL, NULL);
}

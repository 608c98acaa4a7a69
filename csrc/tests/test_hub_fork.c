/*
 * test_hub_fork.c - fork with work pending (gevent's fork/reinit, gevent issue #957): the child
 * calls gev_hub_reinit, its greenlets, timers and wake-up keep working (work scheduled before
 * the fork runs in both processes), it ends with _exit; the parent checks the child's status
 * and that its own loop is intact.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_hub_util.h"

struct work {
	int slept, yielded, timed_out;
	int timer; /* host timer 5 events seen */
	gev_timeout t;
};

static int body_sleeper(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct work *w = arg;
	if (gev_hub_sleep(h, 0.02) == 0)
		w->slept = 1;
	return 0;
}

static int body_yielder(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct work *w = arg;
	for (int i = 0; i < 3; i++)
		if (gev_hub_sleep(h, 0) != 0)
			return 1;
	w->yielded = 1;
	return 0;
}

static int body_timeout(gev_hub *h, void *arg, void **value)
{
	(void)value;
	struct work *w = arg;
	gev_timeout_init(&w->t, h);
	gev_timeout_start(&w->t, 0.015);
	if (gev_hub_park_forever(h) == GEV_HUB_ETIMEOUT && gev_hub_fired_timeout(h) == &w->t)
		w->timed_out = 1;
	return 0;
}

static void *child_poster(void *arg)
{
	usleep(10000);
	gev_hub_post(arg, 777);
	return NULL;
}

/* drive runs h until the host timer (id 5) fired and everything is done; returns 0 on
 * success. Used by both processes, so no cmocka assertion inside. */
static int drive(gev_hub *h, struct work *w)
{
	int timer = w->timer;
	for (int i = 0; i < 10000; i++) {
		int n = gev_hub_turn(h, GEV_HUB_FOREVER);
		if (n == GEV_HUB_ELOOPEXIT)
			break;
		if (n < 0)
			return 10;
		for (int j = 0; j < n; j++)
			if (gev_hub_host_of(h)->events[j].kind == GEV_HUB_EV_TIMER &&
			    gev_hub_host_of(h)->events[j].id == 5)
				timer++;
	}
	if (timer != 1) {
		fprintf(stderr, "drive: host timer fired %d times\n", timer);
		return 11;
	}
	if (!w->slept)
		return 12;
	if (!w->yielded)
		return 13;
	if (!w->timed_out)
		return 14;
	return 0;
}

static int child_main(gev_hub *h, struct work *w)
{
	/* The rules for a C-only child (gev_hub.h, FORK): default signal handlers, reinit
	 * first, never back into the parent's runtime, _exit. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if (gev_hub_reinit(h) != 0)
		return 20;
	int rc = drive(h, w);
	if (rc)
		return rc;
	/* the per-process wake-up was re-created: a post from a new thread wakes a turn */
	gev_hub_set_keepalive(h, 1);
	pthread_t t;
	if (pthread_create(&t, NULL, child_poster, h) != 0)
		return 21;
	int woke = 0;
	for (int i = 0; i < 100 && !woke; i++) {
		int n = gev_hub_turn(h, GEV_HUB_FOREVER);
		for (int j = 0; j < n; j++)
			woke |= gev_hub_host_of(h)->events[j].kind == GEV_HUB_EV_WAKE &&
				gev_hub_host_of(h)->events[j].id == 777;
	}
	pthread_join(t, NULL);
	gev_hub_set_keepalive(h, 0);
	if (!woke)
		return 22;
	gev_hub_census c;
	gev_hub_get_census(h, &c);
	if (c.greenlets || c.alive || c.timers || c.host_timers || c.ready)
		return 23;
	gev_hub_destroy(h);
	if (gev_hub_live_greenlets() || gev_hub_live_hubs())
		return 24;
	return 0;
}

static void test_fork_with_pending_work(void **state)
{
	gev_hub *h = *state;
	static struct work w;
	memset(&w, 0, sizeof w);
	gev_hub_spawn(h, NULL, body_sleeper, &w);
	gev_hub_spawn(h, NULL, body_yielder, &w);
	gev_hub_spawn(h, NULL, body_timeout, &w);
	gev_hub_cmd *c = gev_hub_cmd_push(h);
	c->op = GEV_HUB_CMD_TIMER_START;
	c->id = 5;
	c->seconds = 0.01;
	/* one turn: the greenlets park in their sleep/timeout, the yielder is mid-way (on a
	 * slow machine, e.g. under valgrind, the host timer may already have fired) */
	int n = gev_hub_turn(h, 0);
	assert_true(n >= 0);
	for (int j = 0; j < n; j++)
		w.timer += gev_hub_host_of(h)->events[j].id == 5;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_main(h, &w));
	/* the parent runs the same work too */
	assert_int_equal(drive(h, &w), 0);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* the parent's loop is intact after the child's reinit */
	gev_hub_spawn(h, NULL, body_sleeper, &w);
	w.slept = 0;
	run_ok(h);
	assert_int_equal(w.slept, 1);
}

static void test_reinit_without_fork_is_harmless(void **state)
{
	gev_hub *h = *state;
	static struct work w;
	memset(&w, 0, sizeof w);
	gev_hub_spawn(h, NULL, body_sleeper, &w);
	assert_int_equal(gev_hub_reinit(h), 0);
	assert_int_equal(gev_hub_reinit(h), 0);
	run_ok(h);
	assert_int_equal(w.slept, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HUB_TEST(test_fork_with_pending_work),
		HUB_TEST(test_reinit_without_fork_is_harmless),
	};
	return cmocka_run_group_tests_name("hub fork", tests, NULL, NULL);
}

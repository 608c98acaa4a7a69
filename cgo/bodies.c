//go:build cgo && !purego

/*
 * bodies.c - the C greenlet bodies of bodies.h. They run on C coroutine stacks inside
 * gev_hub_turn, on the hub's thread, and never call into Go.
 */
#include <stdint.h>

#include "bodies.h"

int gevgo_body_sleep(gev_hub *h, void *arg, void **value)
{
	int rc = gev_hub_sleep(h, (double)(uintptr_t)arg / 1000.0);
	if (rc != 0)
		return rc;
	*value = arg;
	return 0;
}

int gevgo_body_fail(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	return (int)(intptr_t)arg;
}

int gevgo_body_sleep_fail(gev_hub *h, void *arg, void **value)
{
	(void)value;
	int rc = gev_hub_sleep(h, 0.001);
	if (rc != 0)
		return rc;
	return (int)(intptr_t)arg;
}

int gevgo_body_yield(gev_hub *h, void *arg, void **value)
{
	uintptr_t n = (uintptr_t)arg;
	for (uintptr_t i = 0; i < n; i++) {
		int rc = gev_hub_sleep(h, 0);
		if (rc != 0)
			return rc;
	}
	*value = arg;
	return 0;
}

int gevgo_body_park(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	return gev_hub_park_forever(h);
}

int gevgo_body_throw_order(gev_hub *h, void *arg, void **value)
{
	uintptr_t want = (uintptr_t)arg, got = 0, trace = 0;
	gev_timeout t1, t2;
	gev_timeout_init(&t1, h);
	gev_timeout_init(&t2, h);
	gev_hub_now_update(h);
	int rc = gev_timeout_start(&t1, 0);
	/* t2 strictly after t1 on the loop clock: the clock must move between the reads */
	double t0 = gev_hub_timer_now(h);
	while (rc == 0 && gev_hub_timer_now(h) <= t0)
		gev_hub_now_update(h);
	if (rc == 0)
		rc = gev_timeout_start(&t2, 0);
	/* Stay queued across a turn: both expire in its ev_run, undelivered (#394). */
	unsigned long turns = gev_hub_host_of(h)->turns;
	while (rc == 0 && gev_hub_host_of(h)->turns < turns + 1)
		rc = gev_hub_sleep(h, 0);
	while (rc == 0 && got < want) {
		int r = gev_hub_sleep(h, 0);
		if (r == 0)
			continue;
		gev_timeout *f = gev_hub_fired_timeout(h);
		trace = trace * 10 + (f == &t1 ? 1 : f == &t2 ? 2 : 9);
		got++;
	}
	gev_timeout_cancel(&t1);
	gev_timeout_cancel(&t2);
	if (rc != 0)
		return rc;
	*value = (void *)trace;
	return 0;
}

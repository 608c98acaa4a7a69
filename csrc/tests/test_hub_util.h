/*
 * test_hub_util.h - shared fixture of the hub tests: a fresh hub per case, an event trace,
 * and a leak check after every case (hub census, process-wide counters, and the coroutine
 * census after gev_coro_pool_trim).
 */
#ifndef TEST_HUB_UTIL_H
#define TEST_HUB_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "gev_coro.h"
#include "gev_hub.h"

/* The trace: space-separated tokens, compared with the expected string. */
static char trace_buf[8192];

static void trace_reset(void) { trace_buf[0] = 0; }

static void __attribute__((format(printf, 1, 2), unused)) tr(const char *fmt, ...)
{
	size_t n = strlen(trace_buf);
	if (n && n < sizeof trace_buf - 1)
		trace_buf[n++] = ' ';
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(trace_buf + n, sizeof trace_buf - n, fmt, ap);
	va_end(ap);
}

static __attribute__((unused)) double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int hub_setup(void **state)
{
	gev_hub *h = NULL;
	assert_int_equal(gev_hub_new(&h, 0), 0);
	trace_reset();
	*state = h;
	return 0;
}

/* check_census_zero asserts that h holds nothing: every test ends with it. */
static void check_census_zero(gev_hub *h)
{
	gev_hub_census c;
	gev_hub_verify(h);
	gev_hub_get_census(h, &c);
	assert_int_equal(c.greenlets, 0);
	assert_int_equal(c.alive, 0);
	assert_int_equal(c.ready, 0);
	assert_int_equal(c.timers, 0);
	assert_int_equal(c.fd_waits, 0);
	assert_int_equal(c.host_timers, 0);
	assert_int_equal(c.host_ios, 0);
	assert_int_equal(c.host_greenlets, 0);
	assert_int_equal(c.posts, 0);
}

static void check_global_zero(void)
{
	assert_int_equal(gev_hub_live_hubs(), 0);
	assert_int_equal(gev_hub_live_greenlets(), 0);
	gev_coro_pool_trim();
	gev_coro_census cc;
	gev_coro_get_census(&cc);
	assert_int_equal(cc.live, 0);
	assert_int_equal(cc.pooled_stacks, 0);
	assert_int_equal(cc.mapped_stacks, 0);
}

static int hub_teardown(void **state)
{
	gev_hub *h = *state;
	check_census_zero(h);
	gev_hub_destroy(h);
	check_global_zero();
	return 0;
}

/* run_ok drives h until nothing is left to do. */
static __attribute__((unused)) void run_ok(gev_hub *h) { assert_int_equal(gev_hub_run(h), 0); }

#define HUB_TEST(f) cmocka_unit_test_setup_teardown(f, hub_setup, hub_teardown)

#endif /* TEST_HUB_UTIL_H */

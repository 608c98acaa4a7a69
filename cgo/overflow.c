//go:build cgo && !purego

/*
 * overflow.c - see overflow.h. The describer knows a coroutine is a C greenlet because in
 * this binding every coroutine is: the C hub is the only code that creates them (its
 * greenlets', with the gev_greenlet as the argument) and the hub itself runs on the
 * thread's root. It still checks the greenlet's back pointer before trusting it.
 */
#include <stdint.h>

#include "coro_internal.h"
#include "gev_coro_guard.h"
#include "hub_internal.h"
#include "overflow.h"

static size_t put(char *buf, size_t cap, size_t n, const char *s)
{
	while (*s && n < cap)
		buf[n++] = *s++;
	return n;
}

static size_t describe(const gev_coro *co, void *arg, char *buf, size_t cap)
{
	const gev_greenlet *g = arg;
	if (g == NULL || ((uintptr_t)g & (_Alignof(gev_greenlet) - 1)) != 0 || g->coro != co)
		return 0;
	char tmp[GEV_FMT_UINT_MAX];
	size_t n = put(buf, cap, 0, "C greenlet ");
	if (g->is_host || g->host_id != 0) /* is_host is cleared once it has finished */
		return put(buf, cap, n, gev__fmt_uint(tmp, g->host_id, 0));
	/* spawned by C code (gev_hub_spawn): no host id */
	return put(buf, cap, n, gev__fmt_uint(tmp, (uintptr_t)g, 1));
}

int gevgo_overflow_install(void)
{
	gev_coro_set_describer(describe);
	return gev_coro_overflow_report_install();
}

static volatile uint64_t overflow_limit = UINT64_MAX; /* never reached */

static __attribute__((noinline)) uint64_t recurse(uint64_t n)
{
	volatile char buf[512];
	buf[0] = (char)n;
	buf[511] = (char)n;
	if (n == overflow_limit)
		return 0;
	return recurse(n + 1) + (uint64_t)buf[0] + (uint64_t)buf[511];
}

int gevgo_body_overflow(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	return (int)recurse((uint64_t)(uintptr_t)arg);
}

static __attribute__((noinline)) uint64_t smash(uintptr_t lo, size_t below, unsigned depth)
{
	volatile char buf[128];
	buf[0] = (char)depth;
	if ((uintptr_t)__builtin_frame_address(0) > lo + 512)
		return smash(lo, below, depth + 1) + (uint64_t)buf[0];
	volatile char *p = __builtin_alloca(below + 512);
	for (size_t i = 0; i < below + 512; i++) /* no memset: no library call down here */
		p[i] = (char)0xa5;
	return (uint64_t)p[0] + (uint64_t)buf[0];
}

int gevgo_body_smash(gev_hub *h, void *arg, void **value)
{
	(void)value;
	uintptr_t lo;
	gev_coro_stack_bounds(gev_coro_current(), (void **)&lo, NULL);
	smash(lo, arg != NULL ? (size_t)(uintptr_t)arg : 12u << 10, 0);
	return gev_hub_sleep(h, 0);
}

static int *volatile null_ptr;

void gevgo_crash_null(void)
{
	*null_ptr = 1;
}

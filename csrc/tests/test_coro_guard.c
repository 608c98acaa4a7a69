/*
 * test_coro_guard.c - the stack-overflow report (gev_coro_guard.h): the fault lookup, the
 * describer, the SIGSEGV handler that names the overflowing coroutine and then lets the
 * previous handler end the process, and the unguarded overflow that smashes the next
 * coroutine's descriptor (reported as an overflow, not as a bad target). Deaths run in
 * forked children whose exit status and stderr are checked.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "gev_coro.h"
#include "gev_coro_guard.h"
#include "test_coro_util.h"

/* A death's stderr must hold `want`. */
static void expect_in(const struct death *d, const char *want)
{
	if (strstr(d->err, want) == NULL)
		fail_msg("stderr lacks \"%s\" (signaled=%d sig=%d exit=%d):\n%s", want, d->signaled,
			 d->sig, d->code, d->err);
}

/* ------------------------------------------------------------------------------------ */
/* The describer                                                                         */
/* ------------------------------------------------------------------------------------ */

/* Bodies here take a small integer argument: the describer prints it as an id. */
static size_t describe(const gev_coro *co, void *arg, char *buf, size_t cap)
{
	(void)co;
	char tmp[32] = "test greenlet ";
	size_t n = strlen(tmp);
	uintptr_t v = (uintptr_t)arg;
	char dig[24];
	int i = 0;
	do {
		dig[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i > 0)
		tmp[n++] = dig[--i];
	if (n > cap)
		n = cap;
	memcpy(buf, tmp, n);
	return n;
}

/* ------------------------------------------------------------------------------------ */
/* The lookup                                                                            */
/* ------------------------------------------------------------------------------------ */

struct lookups {
	int guard_hit, guard_in_guard, inside, far_below, jump_below, jump_in_guard;
	const gev_coro *co;
	void *arg;
};

static void lookup_body(void *arg)
{
	struct lookups *r = arg;
	gev_coro *self = gev_coro_current();
	char *lo, *hi;
	gev_coro_stack_bounds(self, (void **)&lo, (void **)&hi);
	/* the frame address, not a local's: under ASan locals may live on a fake stack */
	void *here = __builtin_frame_address(0);
	gev_coro_fault f;
	memset(&f, 0, sizeof f);
	r->guard_hit = gev_coro_fault_lookup(lo - 1, here, &f);
	r->guard_in_guard = f.in_guard;
	r->co = f.co;
	r->arg = f.arg;
	r->inside = gev_coro_fault_lookup(lo + 8, here, &f);
	/* below the guard page, but sp inside: not this stack's fault */
	r->far_below = gev_coro_fault_lookup(lo - 2 * 65536, here, &f);
	/* a frame that jumped over the guard page: sp and address below the stack */
	r->jump_below = gev_coro_fault_lookup(lo - 3 * 4096, lo - 3 * 4096 + 64, &f);
	r->jump_in_guard = f.in_guard;
	gev_coro_exit(root, NULL);
}

static void test_lookup(void **state)
{
	(void)state;
	root = gev_coro_current();
	void *here = __builtin_frame_address(0);
	gev_coro_fault f;
	/* the root's faults are never coroutine overflows */
	assert_int_equal(gev_coro_fault_lookup(here, here, &f), 0);
	for (int g = 0; g < 2; g++) {
		struct lookups r;
		memset(&r, 0, sizeof r);
		gev_coro *co;
		gev_coro_attr attr = {.guard = g ? GEV_CORO_GUARD_NONE : GEV_CORO_GUARD_AUTO};
		assert_int_equal(gev_coro_create_attr(&co, lookup_body, &r, &attr), 0);
		assert_int_equal(gev_coro_is_guarded(co), !g);
		gev_coro_switch(co, NULL);
		/* just below the stack: the guard page of a guarded stack, nothing otherwise
		 * (an unguarded stack's soft page is writable: no fault there to explain) */
		assert_int_equal(r.guard_hit, !g);
		assert_int_equal(r.guard_in_guard, !g);
		if (!g) {
			assert_ptr_equal(r.co, co);
			assert_ptr_equal(r.arg, &r);
		}
		assert_int_equal(r.inside, 0);
		assert_int_equal(r.far_below, 0);
		assert_int_equal(r.jump_below, 1);
		assert_int_equal(r.jump_in_guard, 0);
		gev_coro_destroy(co);
	}
	gev_coro_pool_trim();
}

/* ------------------------------------------------------------------------------------ */
/* The report of a guard-page overflow                                                   */
/* ------------------------------------------------------------------------------------ */

static void child_guard_overflow(void)
{
	root = gev_coro_current();
	if (gev_coro_overflow_report_install() != 0)
		_exit(4);
	gev_coro_set_describer(describe);
	gev_coro *co;
	gev_coro_attr attr = {.name = "deep"};
	if (gev_coro_create_attr(&co, unbounded_body, (void *)(uintptr_t)42, &attr) != 0 ||
	    !gev_coro_is_guarded(co))
		_exit(3);
	gev_coro_switch(co, NULL);
}

static void test_guard_overflow_is_reported(void **state)
{
	(void)state;
	struct death d;
	run_child(child_guard_overflow, &d);
	/* The previous handler still ends the process: the default action (SIGSEGV), or
	 * ASan's report under ASan. */
	if (!(d.signaled && d.sig == SIGSEGV) &&
	    !(UNDER_ASAN && d.exited && d.code != 0 && strstr(d.err, "AddressSanitizer")))
		fail_msg("expected death by SIGSEGV; got signaled=%d sig=%d exit=%d:\n%s",
			 d.signaled, d.sig, d.code, d.err);
	expect_in(&d, "gev_coro: stack overflow in coroutine 'deep' (0x");
	expect_in(&d, ", test greenlet 42): SIGSEGV at 0x");
	expect_in(&d, " in the guard page [0x");
	expect_in(&d, " bytes, sp 0x");
}

/* Without the report, the same overflow dies silently: what the handler adds. */
static void child_guard_overflow_unreported(void)
{
	root = gev_coro_current();
	gev_coro *co;
	if (gev_coro_create(&co, unbounded_body, NULL, 0) != 0)
		_exit(3);
	gev_coro_switch(co, NULL);
}

static void test_no_report_without_install(void **state)
{
	(void)state;
	struct death d;
	run_child(child_guard_overflow_unreported, &d);
	if (strstr(d.err, "gev_coro: stack overflow") != NULL)
		fail_msg("a report without the handler:\n%s", d.err);
}

/* A SIGSEGV that is not an overflow reaches the previous handler untouched. */
static sigjmp_buf prev_jmp;
static volatile sig_atomic_t prev_calls;

static void prev_handler(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	(void)si;
	(void)uctx;
	prev_calls++;
	siglongjmp(prev_jmp, 1);
}

static volatile int *volatile bad_ptr = (volatile int *)(uintptr_t)16;

static void child_other_fault(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = prev_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) != 0 || gev_coro_overflow_report_install() != 0)
		_exit(4);
	/* A real fault; under valgrind (the Makefile's valgrind lane sets GEV_UNDER_VALGRIND)
	 * memcheck would count it as an error and change the exit code, so only a sent one. */
	if (getenv("GEV_UNDER_VALGRIND") == NULL && sigsetjmp(prev_jmp, 1) == 0) {
		*bad_ptr = 1;
		_exit(5);
	}
	if (sigsetjmp(prev_jmp, 1) == 0) {
		raise(SIGSEGV);
		_exit(5);
	}
	if (prev_calls != (getenv("GEV_UNDER_VALGRIND") == NULL ? 2 : 1))
		_exit(6);
	_exit(7);
}

static void test_other_faults_reach_previous_handler(void **state)
{
	(void)state;
	struct death d;
	run_child(child_other_fault, &d);
	if (!d.exited || d.code != 7 || strstr(d.err, "stack overflow") != NULL)
		fail_msg("expected exit 7 without a report; got signaled=%d sig=%d exit=%d:\n%s",
			 d.signaled, d.sig, d.code, d.err);
}

/* ------------------------------------------------------------------------------------ */
/* Unguarded: an overflow past the soft page into the next coroutine's descriptor        */
/* ------------------------------------------------------------------------------------ */

static gev_coro *smash_next;
static int smash_switch_deep;

/* Walk down to within 512 bytes of the stack limit, then dirty 12 KiB below it: the soft
 * page and the top of the mapping below, where a coroutine created just after this one
 * keeps its descriptor. */
static __attribute__((noinline)) uint64_t smash(uintptr_t lo, unsigned depth)
{
	volatile char buf[128];
	buf[0] = (char)depth;
	uintptr_t fa = (uintptr_t)__builtin_frame_address(0);
	if (fa > lo + 512)
		return smash(lo, depth + 1) + (uint64_t)buf[0];
	volatile char *p = __builtin_alloca(12 << 10);
	for (int i = 0; i < (12 << 10); i++) /* no memset: no library call down here */
		p[i] = (char)0xa5;
	if (smash_switch_deep)
		gev_coro_switch(smash_next, NULL);
	return (uint64_t)p[0] + (uint64_t)buf[0];
}

static void smash_body(void *arg)
{
	(void)arg;
	uintptr_t lo;
	gev_coro_stack_bounds(gev_coro_current(), (void **)&lo, NULL);
	smash(lo, 0);
	gev_coro_switch(smash_next, NULL);
	gev_coro_exit(root, NULL);
}

static void idle_body(void *arg)
{
	(void)arg;
	gev_coro_exit(root, NULL);
}

static void child_smash(int deep)
{
	root = gev_coro_current();
	/* A fault (a hole below) is reported by the handler, a smashed neighbour by the switch. */
	if (gev_coro_overflow_report_install() != 0)
		_exit(4);
	gev_coro_set_describer(describe);
	smash_switch_deep = deep;
	gev_coro *co;
	gev_coro_attr attr = {.guard = GEV_CORO_GUARD_NONE, .name = "smasher"};
	gev_coro_attr next = {.guard = GEV_CORO_GUARD_NONE, .name = "next"};
	if (gev_coro_create_attr(&co, smash_body, (void *)(uintptr_t)7, &attr) != 0 ||
	    gev_coro_create_attr(&smash_next, idle_body, NULL, &next) != 0)
		_exit(3);
	gev_coro_switch(co, NULL);
}

static void child_smash_shallow(void) { child_smash(0); }
static void child_smash_deep(void) { child_smash(1); }

static void test_unguarded_smash_is_an_overflow(void **state)
{
	(void)state;
	void (*children[])(void) = {child_smash_shallow, child_smash_deep};
	for (int i = 0; i < 2; i++) {
		struct death d;
		run_child(children[i], &d);
		expect_in(&d, "stack overflow in coroutine 'smasher' (0x");
		expect_in(&d, ", test greenlet 7)");
		if (strstr(d.err, "target") != NULL)
			fail_msg("the overflow was reported as a bad target:\n%s", d.err);
	}
}

/* A write into the soft page that skips the canary (a frame larger than the canary, only
 * partly written), then a switch the misuse check refuses: the overflow is reported. */
static void skip_body(void *arg)
{
	(void)arg;
	char *lo;
	gev_coro_stack_bounds(gev_coro_current(), (void **)&lo, NULL);
	*(volatile char *)(lo - 2048) = 1;
	gev_coro_switch(NULL, NULL);
	gev_coro_exit(root, NULL);
}

static void child_soft_page(void)
{
	root = gev_coro_current();
	gev_coro *co;
	gev_coro_attr attr = {.guard = GEV_CORO_GUARD_NONE, .name = "skipper"};
	if (gev_coro_create_attr(&co, skip_body, NULL, &attr) != 0)
		_exit(3);
	gev_coro_switch(co, NULL);
}

static void test_soft_page_write_is_an_overflow(void **state)
{
	(void)state;
	struct death d;
	run_child(child_soft_page, &d);
	expect_in(&d, "gev_coro_switch: stack overflow in coroutine 'skipper'");
	expect_in(&d, "the soft page below its unguarded stack");
	if (!d.signaled || d.sig != SIGABRT)
		fail_msg("expected SIGABRT; got signaled=%d sig=%d exit=%d:\n%s", d.signaled, d.sig,
			 d.code, d.err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_guard_overflow_is_reported),
		cmocka_unit_test(test_no_report_without_install),
		cmocka_unit_test(test_other_faults_reach_previous_handler),
		cmocka_unit_test(test_unguarded_smash_is_an_overflow),
		cmocka_unit_test(test_soft_page_write_is_an_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

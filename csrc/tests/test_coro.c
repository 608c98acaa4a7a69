/*
 * test_coro.c - tests of the coroutine primitive (gev_coro.h), run in every lane of
 * `make test` (asm, ASan+UBSan, ucontext fallback, FPENV, valgrind).
 *
 * Every case ends with census_teardown: the pool is trimmed and the census must be all
 * zero, so a leaked coroutine or stack fails the case that leaked it. Deaths (overflow,
 * misuse) are provoked in forked children whose exit signal and stderr are checked.
 * Checks made on a coroutine stack are recorded and asserted back on the root stack:
 * cmocka fails a test by longjmp, which must not cross stacks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fenv.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "coro_arch.h"
#include "coro_internal.h" /* only for test_verify_catches_corruption */
#include "gev_coro.h"
#include "test_coro_util.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

/* ------------------------------------------------------------------------------------ */
/* Fixture                                                                               */
/* ------------------------------------------------------------------------------------ */

static int census_setup(void **state)
{
	(void)state;
	root = gev_coro_current();
	return 0;
}

/* Trim the pool, then nothing may remain: no coroutine, no stack, no guard. */
static int census_teardown(void **state)
{
	(void)state;
	gev_coro_verify();
	gev_coro_pool_trim();
	gev_coro_verify();
	gev_coro_census c;
	gev_coro_get_census(&c);
	if (c.live || c.pooled_stacks || c.mapped_stacks || c.guarded_stacks || c.released_stacks) {
		fprintf(stderr, "census not zero: live %zu pooled %zu mapped %zu guarded %zu\n",
			c.live, c.pooled_stacks, c.mapped_stacks, c.guarded_stacks);
		return -1;
	}
	if (gev_coro_current() != root || gev_coro_state(root) != GEV_CORO_RUNNING) {
		fprintf(stderr, "the root coroutine is not current after the case\n");
		return -1;
	}
	return 0;
}

/* The child must abort (SIGABRT) and print `msg`. */
static void expect_abort(void (*fn)(void), const char *msg)
{
	struct death d;
	run_child(fn, &d);
	if (!d.signaled || d.sig != SIGABRT || strstr(d.err, msg) == NULL)
		fail_msg("expected SIGABRT with \"%s\"; got signaled=%d sig=%d exit=%d stderr:\n%s",
			 msg, d.signaled, d.sig, d.code, d.err);
}

/* Guard-page deaths. The child announces the guard page of the stack under test on stderr
 * ("guard page 0x...-0x...") and installs report_segv on an alternate stack; report_segv
 * writes the fault address ("SIGSEGV at 0x...") and returns with the default action back,
 * so the faulting write kills the child with SIGSEGV. The parent accepts only a fault
 * inside the announced page: a SIGSEGV anywhere else (a wild pointer, a corrupted frame)
 * is a failure, not the overflow detection under test. */
static char segv_altstack[64 * 1024];

static void write_hex(const char *prefix, uintptr_t v)
{
	char buf[64];
	size_t n = strlen(prefix);
	memcpy(buf, prefix, n);
	buf[n++] = '0';
	buf[n++] = 'x';
	for (int sh = (int)sizeof v * 8 - 4; sh >= 0; sh -= 4)
		buf[n++] = "0123456789abcdef"[(v >> sh) & 15];
	buf[n++] = '\n';
	ssize_t r = write(STDERR_FILENO, buf, n);
	(void)r;
}

static void report_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	write_hex("SIGSEGV at ", (uintptr_t)si->si_addr); /* async-signal-safe: write(2) only */
}

/* announce_guard (in the child) names co's guard page and arms report_segv. */
static void announce_guard(gev_coro *co)
{
	void *lo = NULL;
	if (gev_coro_stack_bounds(co, &lo, NULL) != 0)
		_exit(4);
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	fprintf(stderr, "guard page %#lx-%#lx\n", (unsigned long)((uintptr_t)lo - page),
		(unsigned long)(uintptr_t)lo);
	fflush(stderr);
	stack_t ss = {.ss_sp = segv_altstack, .ss_size = sizeof segv_altstack};
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = report_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	if (sigaltstack(&ss, NULL) != 0 || sigaction(SIGSEGV, &sa, NULL) != 0)
		_exit(5);
}

/* fault_in_guard: the child's stderr names a fault address (ours, or ASan's report) inside
 * the guard page it announced. */
static int fault_in_guard(const char *err, char *why, size_t whylen)
{
	unsigned long glo, ghi, at;
	const char *g = strstr(err, "guard page ");
	if (!g || sscanf(g, "guard page %lx-%lx", &glo, &ghi) != 2) {
		snprintf(why, whylen, "the child announced no guard page");
		return 0;
	}
	const char *a = strstr(err, "SIGSEGV at ");
	if (a && sscanf(a, "SIGSEGV at %lx", &at) == 1)
		;
	else if (UNDER_ASAN && (a = strstr(err, "on address ")) && sscanf(a, "on address %lx", &at) == 1)
		;
	else {
		snprintf(why, whylen, "no fault address reported");
		return 0;
	}
	if (at < glo || at >= ghi) {
		snprintf(why, whylen, "fault at %#lx, outside the guard page %#lx-%#lx", at, glo, ghi);
		return 0;
	}
	return 1;
}

/* The child must die of SIGSEGV (under ASan, its SEGV handler may report and exit instead)
 * at an address inside the guard page it announced (announce_guard). */
static void expect_guard_segv(void (*fn)(void))
{
	struct death d;
	char why[160] = "";
	run_child(fn, &d);
	int died = d.signaled && d.sig == SIGSEGV;
	if (!died && UNDER_ASAN && d.exited && d.code != 0 && strstr(d.err, "AddressSanitizer") &&
	    (strstr(d.err, "stack-overflow") || strstr(d.err, "SEGV")))
		died = 1;
	if (died && fault_in_guard(d.err, why, sizeof why))
		return;
	fail_msg("expected death by SIGSEGV in the guard page%s%s; got signaled=%d sig=%d exit=%d "
		 "stderr:\n%s", why[0] ? ": " : "", why, d.signaled, d.sig, d.code, d.err);
}

/* ------------------------------------------------------------------------------------ */
/* Switching: values, states, chains                                                     */
/* ------------------------------------------------------------------------------------ */

static gev_coro *ping_self;
static int ping_bad;

static void ping_body(void *arg)
{
	uintptr_t n = (uintptr_t)arg;
	ping_self = gev_coro_current();
	if (gev_coro_state(ping_self) != GEV_CORO_RUNNING || gev_coro_state(root) != GEV_CORO_SUSPENDED)
		ping_bad++;
	/* Each value that resumes us is echoed back plus n. */
	uintptr_t v = (uintptr_t)gev_coro_switch(root, (void *)(uintptr_t)1000);
	for (int i = 0; i < 10; i++)
		v = (uintptr_t)gev_coro_switch(root, (void *)(v + n));
	gev_coro_exit(root, (void *)(uintptr_t)(v * 2));
}

static void test_switch_values_and_states(void **state)
{
	(void)state;
	gev_coro *co;
	assert_int_equal(gev_coro_create(&co, ping_body, (void *)(uintptr_t)7, 0), 0);
	assert_int_equal(gev_coro_state(co), GEV_CORO_NEW);
	assert_ptr_equal(gev_coro_current(), root);
	/* The value of the first switch into a NEW coroutine is not delivered. */
	assert_int_equal((uintptr_t)gev_coro_switch(co, (void *)(uintptr_t)555), 1000);
	assert_ptr_equal(ping_self, co);
	assert_int_equal(gev_coro_state(co), GEV_CORO_SUSPENDED);
	assert_int_equal(gev_coro_state(root), GEV_CORO_RUNNING);
	for (uintptr_t i = 0; i < 10; i++)
		assert_int_equal((uintptr_t)gev_coro_switch(co, (void *)(i * 100)), i * 100 + 7);
	assert_int_equal((uintptr_t)gev_coro_switch(co, (void *)(uintptr_t)21), 42);
	assert_int_equal(gev_coro_state(co), GEV_CORO_FINISHED);
	assert_int_equal(ping_bad, 0);
	gev_coro_destroy(co);
	gev_coro_destroy(NULL);
}

/* A exits into B, B switches back to root: exit may target any coroutine. */
static gev_coro *chain_b;

static void chain_a_body(void *arg)
{
	(void)arg;
	gev_coro_exit(chain_b, (void *)(uintptr_t)11);
}

static void chain_b_body(void *arg)
{
	gev_coro *a = arg;
	gev_coro_switch(a, NULL);
	/* resumed by A's exit */
	gev_coro_exit(root, (void *)(uintptr_t)(gev_coro_state(a) == GEV_CORO_FINISHED ? 22 : 0));
}

static void test_exit_into_another_coroutine(void **state)
{
	(void)state;
	gev_coro *a;
	assert_int_equal(gev_coro_create(&a, chain_a_body, NULL, 0), 0);
	assert_int_equal(gev_coro_create(&chain_b, chain_b_body, a, 0), 0);
	assert_int_equal((uintptr_t)gev_coro_switch(chain_b, NULL), 22);
	assert_int_equal(gev_coro_state(a), GEV_CORO_FINISHED);
	assert_int_equal(gev_coro_state(chain_b), GEV_CORO_FINISHED);
	gev_coro_destroy(a);
	gev_coro_destroy(chain_b);
}

/* Destroying NEW and SUSPENDED coroutines drops their stacks without running them. */
static void never_body(void *arg)
{
	(*(int *)arg)++;
	gev_coro_switch(root, NULL);
	(*(int *)arg)++;
	gev_coro_exit(root, NULL);
}

static void test_destroy_new_and_suspended(void **state)
{
	(void)state;
	int runs = 0;
	gev_coro *a, *b;
	assert_int_equal(gev_coro_create(&a, never_body, &runs, 0), 0);
	assert_int_equal(gev_coro_create(&b, never_body, &runs, 0), 0);
	gev_coro_switch(b, NULL);
	assert_int_equal(runs, 1);
	gev_coro_destroy(a);
	gev_coro_destroy(b);
	assert_int_equal(runs, 1);
}

/*
 * A random walk over a model: up to RS coroutines switch among themselves and the root in
 * random order, exit into random targets, and are created and destroyed (NEW, SUSPENDED
 * or FINISHED) by the root, on guarded and unguarded stacks of two sizes. After every
 * step the library's state must equal the model's and gev_coro_verify must hold; every
 * resumed side checks the value it was resumed with.
 */
#define RS 40
enum { RS_EMPTY = -1 };
static gev_coro *rs_co[RS];
static int rs_state[RS]; /* RS_EMPTY or an enum gev_coro_state */
static int rs_running;   /* slot index, or -1 for the root */
static uint64_t rs_rng;
static unsigned rs_bad, rs_switches;

static uint64_t rs_rand(void)
{
	rs_rng ^= rs_rng << 13;
	rs_rng ^= rs_rng >> 7;
	rs_rng ^= rs_rng << 17;
	return rs_rng;
}

static gev_coro *rs_coro(int i)
{
	return i < 0 ? root : rs_co[i];
}

/* A switchable target other than self: the root or a NEW/SUSPENDED slot. */
static int rs_pick(int self)
{
	for (int tries = 0; tries < 8; tries++) {
		int i = (int)(rs_rand() % (RS + 1)) - 1;
		if (i != self && (i < 0 || rs_state[i] == GEV_CORO_NEW || rs_state[i] == GEV_CORO_SUSPENDED))
			return i;
	}
	return self < 0 ? -2 : -1; /* the root is always a target for a coroutine */
}

static void rs_check_resumed(int self, void *v)
{
	rs_bad += (uintptr_t)v != (uintptr_t)(self + 1000);
	rs_bad += rs_running != self;
	rs_bad += gev_coro_current() != rs_coro(self);
	rs_bad += gev_coro_state(rs_coro(self)) != GEV_CORO_RUNNING;
	gev_coro_verify();
}

static void rs_switch(int self, int to)
{
	if (self >= 0)
		rs_state[self] = GEV_CORO_SUSPENDED;
	if (to >= 0)
		rs_state[to] = GEV_CORO_RUNNING;
	rs_running = to;
	rs_switches++;
	void *v = gev_coro_switch(rs_coro(to), (void *)(uintptr_t)(to + 1000));
	if (self >= 0)
		rs_state[self] = GEV_CORO_RUNNING;
	rs_check_resumed(self, v);
}

static void rs_body(void *arg)
{
	int self = (int)(uintptr_t)arg;
	rs_bad += rs_running != self;
	for (int steps = (int)(rs_rand() % 6); steps > 0; steps--)
		rs_switch(self, rs_pick(self));
	int to = rs_pick(self);
	rs_state[self] = GEV_CORO_FINISHED;
	if (to >= 0)
		rs_state[to] = GEV_CORO_RUNNING;
	rs_running = to;
	gev_coro_exit(rs_coro(to), (void *)(uintptr_t)(to + 1000));
}

static void test_random_walk_against_model(void **state)
{
	(void)state;
	rs_rng = 0x243f6a8885a308d3u;
	rs_running = -1;
	rs_bad = rs_switches = 0;
	for (int i = 0; i < RS; i++)
		rs_state[i] = RS_EMPTY;
	for (int step = 0; step < 20000; step++) {
		int i = (int)(rs_rand() % RS);
		switch (rs_rand() % 3) {
		case 0: /* create */
			if (rs_state[i] == RS_EMPTY) {
				gev_coro_attr a = {
					.stack_size = rs_rand() & 1 ? 0 : 32 * 1024,
					.guard = rs_rand() & 1 ? GEV_CORO_GUARD_AUTO : GEV_CORO_GUARD_NONE,
				};
				assert_int_equal(gev_coro_create_attr(&rs_co[i], rs_body, (void *)(uintptr_t)i, &a), 0);
				rs_state[i] = GEV_CORO_NEW;
			}
			break;
		case 1: /* destroy */
			if (rs_state[i] != RS_EMPTY) {
				gev_coro_destroy(rs_co[i]);
				rs_state[i] = RS_EMPTY;
			}
			break;
		default: { /* switch away from the root */
			int to = rs_pick(-1);
			if (to >= 0)
				rs_switch(-1, to);
		}
		}
		size_t live = 0;
		for (int k = 0; k < RS; k++) {
			if (rs_state[k] == RS_EMPTY)
				continue;
			live++;
			if ((int)gev_coro_state(rs_co[k]) != rs_state[k])
				fail_msg("step %d: slot %d is in state %d, the model says %d", step, k,
					 (int)gev_coro_state(rs_co[k]), rs_state[k]);
		}
		gev_coro_census c;
		gev_coro_get_census(&c);
		assert_int_equal(c.live, live);
		assert_int_equal(rs_bad, 0);
	}
	assert_true(rs_switches > 10000);
	for (int i = 0; i < RS; i++)
		if (rs_state[i] != RS_EMPTY)
			gev_coro_destroy(rs_co[i]);
}

/* ------------------------------------------------------------------------------------ */
/* Callee-saved registers survive switches                                               */
/* ------------------------------------------------------------------------------------ */

/*
 * regs_switch(to, base, out): load base+0, base+1, ... into every callee-saved register,
 * call gev_coro_switch(to, base), store the registers as found after the switch into out[]
 * and return the switch's result. Both sides of a switch use it with different bases, so
 * a register the switch fails to restore shows the other side's pattern.
 */
uint64_t regs_switch(gev_coro *to, uint64_t base, uint64_t *out);

#if defined(__x86_64__)
#define NREGS 6
__asm__(".text\n"
	".globl regs_switch\n"
	".hidden regs_switch\n"
	".type regs_switch, @function\n"
	"regs_switch:\n"
	"	pushq %rbp\n pushq %rbx\n pushq %r12\n pushq %r13\n pushq %r14\n pushq %r15\n"
	"	pushq %rdx\n" /* out; also realigns rsp to 16 for the call */
	"	movq %rsi, %rbx\n"
	"	leaq 1(%rsi), %rbp\n leaq 2(%rsi), %r12\n leaq 3(%rsi), %r13\n"
	"	leaq 4(%rsi), %r14\n leaq 5(%rsi), %r15\n"
	"	call gev_coro_switch@PLT\n"
	"	popq %rdx\n"
	"	movq %rbx, 0(%rdx)\n movq %rbp, 8(%rdx)\n movq %r12, 16(%rdx)\n"
	"	movq %r13, 24(%rdx)\n movq %r14, 32(%rdx)\n movq %r15, 40(%rdx)\n"
	"	popq %r15\n popq %r14\n popq %r13\n popq %r12\n popq %rbx\n popq %rbp\n"
	"	ret\n"
	".size regs_switch, .-regs_switch\n");
#elif defined(__aarch64__)
#define NREGS 19 /* x19-x29, d8-d15 */
__asm__(".text\n"
	".globl regs_switch\n"
	".hidden regs_switch\n"
	".type regs_switch, %function\n"
	"regs_switch:\n"
	"	hint #34\n"
	"	stp x29, x30, [sp, #-176]!\n"
	"	stp x19, x20, [sp, #16]\n stp x21, x22, [sp, #32]\n stp x23, x24, [sp, #48]\n"
	"	stp x25, x26, [sp, #64]\n stp x27, x28, [sp, #80]\n str x2, [sp, #96]\n"
	"	stp d8, d9, [sp, #112]\n stp d10, d11, [sp, #128]\n"
	"	stp d12, d13, [sp, #144]\n stp d14, d15, [sp, #160]\n"
	"	mov x19, x1\n add x20, x1, #1\n add x21, x1, #2\n add x22, x1, #3\n"
	"	add x23, x1, #4\n add x24, x1, #5\n add x25, x1, #6\n add x26, x1, #7\n"
	"	add x27, x1, #8\n add x28, x1, #9\n add x29, x1, #10\n"
	"	add x9, x1, #11\n fmov d8, x9\n add x9, x1, #12\n fmov d9, x9\n"
	"	add x9, x1, #13\n fmov d10, x9\n add x9, x1, #14\n fmov d11, x9\n"
	"	add x9, x1, #15\n fmov d12, x9\n add x9, x1, #16\n fmov d13, x9\n"
	"	add x9, x1, #17\n fmov d14, x9\n add x9, x1, #18\n fmov d15, x9\n"
	"	bl gev_coro_switch\n"
	"	ldr x2, [sp, #96]\n"
	"	stp x19, x20, [x2, #0]\n stp x21, x22, [x2, #16]\n stp x23, x24, [x2, #32]\n"
	"	stp x25, x26, [x2, #48]\n stp x27, x28, [x2, #64]\n str x29, [x2, #80]\n"
	"	str d8, [x2, #88]\n str d9, [x2, #96]\n str d10, [x2, #104]\n str d11, [x2, #112]\n"
	"	str d12, [x2, #120]\n str d13, [x2, #128]\n str d14, [x2, #136]\n str d15, [x2, #144]\n"
	"	ldp x19, x20, [sp, #16]\n ldp x21, x22, [sp, #32]\n ldp x23, x24, [sp, #48]\n"
	"	ldp x25, x26, [sp, #64]\n ldp x27, x28, [sp, #80]\n"
	"	ldp d8, d9, [sp, #112]\n ldp d10, d11, [sp, #128]\n"
	"	ldp d12, d13, [sp, #144]\n ldp d14, d15, [sp, #160]\n"
	"	ldp x29, x30, [sp], #176\n"
	"	ret\n"
	".size regs_switch, .-regs_switch\n");
#endif

#ifdef NREGS
#define ROUNDS 4
static const uint64_t MAIN_BASE = 0x5a5a000011110000u;
static const uint64_t CORO_BASE = 0xa5a5000022220000u;
static uint64_t coro_seen[ROUNDS][NREGS + 1];

static void regs_body(void *arg)
{
	(void)arg;
	uint64_t out[NREGS];
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t v = regs_switch(root, CORO_BASE + ((uint64_t)r << 8), out);
		memcpy(coro_seen[r], out, sizeof out);
		coro_seen[r][NREGS] = v;
	}
	gev_coro_exit(root, NULL);
}

static void test_callee_saved_registers(void **state)
{
	(void)state;
	gev_coro *co;
	uint64_t out[NREGS];
	assert_int_equal(gev_coro_create(&co, regs_body, NULL, 0), 0);
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t base = MAIN_BASE + ((uint64_t)r << 8);
		uint64_t v = regs_switch(co, base, out);
		for (int i = 0; i < NREGS; i++)
			assert_int_equal(out[i], base + (uint64_t)i);
		assert_int_equal(v, CORO_BASE + ((uint64_t)r << 8)); /* the pass-through value */
	}
	gev_coro_switch(co, NULL); /* the coroutine's last round, then it exits */
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t base = CORO_BASE + ((uint64_t)r << 8);
		for (int i = 0; i < NREGS; i++)
			assert_int_equal(coro_seen[r][i], base + (uint64_t)i);
		/* what main passed: round r+1's base, and NULL for the final switch */
		uint64_t want = r + 1 < ROUNDS ? MAIN_BASE + ((uint64_t)(r + 1) << 8) : 0;
		assert_int_equal(coro_seen[r][NREGS], want);
	}
	assert_int_equal(gev_coro_state(co), GEV_CORO_FINISHED);
	gev_coro_destroy(co);
}
#endif

/* The compiler keeps these live across the switches in callee-saved registers (-O2) or
 * spills them; either way they must come back intact, and so must floating point. */
static volatile uint64_t seed = 0x9e3779b97f4a7c15u;

static void scramble_body(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t a = seed * 3, b = seed ^ 0xffff, c = seed + 17, d = seed >> 3;
		double x = (double)(seed & 0xffff) * 1.5;
		gev_coro_switch(root, (void *)(uintptr_t)(a ^ b ^ c ^ d ^ (uint64_t)x));
	}
}

static __attribute__((noinline)) uint64_t locals_across(gev_coro *co, int *bad)
{
	uint64_t s = seed;
	uint64_t a = s + 1, b = s * 5, c = s ^ 0x1234, d = s >> 7, e = s << 9, f = ~s;
	uint64_t g = s * s, h = s + 0x77, i = s - 3, j = s ^ (s >> 11), k = s | 1, l = s & 0xff00;
	double x = (double)(s & 0xfffff) / 7.0, y = x * 3.25, z = y - 1.0;
	uint64_t acc = 0;
	for (int r = 0; r < 100; r++) {
		acc += (uintptr_t)gev_coro_switch(co, NULL);
		a += 1; b += 2; c += 3; d += 4; e += 5; f += 6;
		g += 7; h += 8; i += 9; j += 10; k += 11; l += 12;
		x += 1.0; y += 2.0; z += 3.0;
	}
	*bad += a != s + 1 + 100 || b != s * 5 + 200 || c != (s ^ 0x1234) + 300;
	*bad += d != (s >> 7) + 400 || e != (s << 9) + 500 || f != ~s + 600;
	*bad += g != s * s + 700 || h != s + 0x77 + 800 || i != s - 3 + 900;
	*bad += j != (s ^ (s >> 11)) + 1000 || k != (s | 1) + 1100 || l != (s & 0xff00) + 1200;
	*bad += x != (double)(s & 0xfffff) / 7.0 + 100.0;
	*bad += y != (double)(s & 0xfffff) / 7.0 * 3.25 + 200.0;
	*bad += z != (double)(s & 0xfffff) / 7.0 * 3.25 - 1.0 + 300.0;
	return acc;
}

static void test_locals_survive_switches(void **state)
{
	(void)state;
	gev_coro *co;
	int bad = 0;
	assert_int_equal(gev_coro_create(&co, scramble_body, NULL, 0), 0);
	uint64_t acc = locals_across(co, &bad);
	assert_int_equal(bad, 0);
	uint64_t s = seed;
	uint64_t one = (s * 3) ^ (s ^ 0xffff) ^ (s + 17) ^ (s >> 3) ^ (uint64_t)((double)(s & 0xffff) * 1.5);
	assert_int_equal(acc, one * 100);
	gev_coro_destroy(co); /* SUSPENDED inside its endless loop */
}

/* ------------------------------------------------------------------------------------ */
/* Unwinding: the CFI of the entry path ends a coroutine's backtrace cleanly             */
/* ------------------------------------------------------------------------------------ */

#if !defined(GEV_CORO_BACKEND_UCONTEXT)
void gev__coro_boot(void); /* hidden in libgevcore.a, linkable here */
#endif
static void *bt_frames[64];
static int bt_n;

static __attribute__((noinline)) void bt_leaf(void)
{
	bt_n = backtrace(bt_frames, 64);
	__asm__ volatile("" ::: "memory"); /* not a tail call */
}

static void bt_body(void *arg)
{
	(void)arg;
	bt_leaf();
	gev_coro_exit(root, NULL);
}

static void test_backtrace_ends_at_entry(void **state)
{
	(void)state;
	gev_coro *co;
	assert_int_equal(gev_coro_create(&co, bt_body, NULL, 0), 0);
	gev_coro_switch(co, NULL);
	gev_coro_destroy(co);
	/* bt_leaf, bt_body, gev__coro_entry, the boot code; nothing past it */
	if (bt_n < 4 || bt_n > 8)
		fail_msg("backtrace from a coroutine has %d frames", bt_n);
#if !defined(GEV_CORO_BACKEND_UCONTEXT)
	uintptr_t last = (uintptr_t)bt_frames[bt_n - 1], boot = (uintptr_t)gev__coro_boot;
	if (last < boot || last >= boot + 32)
		fail_msg("the last frame %#lx is not in gev__coro_boot (%#lx)", (unsigned long)last,
			 (unsigned long)boot);
#endif
}

/* ------------------------------------------------------------------------------------ */
/* Floating-point control state: thread-wide, or per coroutine with GEV_CORO_SAVE_FPENV  */
/* ------------------------------------------------------------------------------------ */

#if defined(GEV_CORO_SAVE_FPENV) || defined(GEV_CORO_BACKEND_UCONTEXT)
#define FPENV_PER_CORO 1 /* swapcontext saves it too */
#else
#define FPENV_PER_CORO 0
#endif

static int fp_round_seen;

static void fpround_body(void *arg)
{
	(void)arg;
	fp_round_seen = fegetround();
	fesetround(FE_UPWARD);
	gev_coro_switch(root, NULL);
	fp_round_seen = fegetround();
	gev_coro_exit(root, NULL);
}

static void test_fp_control_state(void **state)
{
	(void)state;
	gev_coro *co;
	assert_int_equal(fegetround(), FE_TONEAREST);
	fesetround(FE_DOWNWARD);
	assert_int_equal(gev_coro_create(&co, fpround_body, NULL, 0), 0);
	fesetround(FE_TONEAREST);
	gev_coro_switch(co, NULL);
	/* per coroutine: it started with its creator's mode; thread-wide: with the thread's */
	assert_int_equal(fp_round_seen, FPENV_PER_CORO ? FE_DOWNWARD : FE_TONEAREST);
	int after = fegetround();
	fesetround(FE_TONEAREST);
	assert_int_equal(after, FPENV_PER_CORO ? FE_TONEAREST : FE_UPWARD);
	gev_coro_switch(co, NULL);
	assert_int_equal(fp_round_seen, FPENV_PER_CORO ? FE_UPWARD : FE_TONEAREST);
	fesetround(FE_TONEAREST);
	gev_coro_destroy(co);
}

/* ------------------------------------------------------------------------------------ */
/* Stacks: depth, bounds, many coroutines, pool, guard budget, threads                   */
/* ------------------------------------------------------------------------------------ */

static uintptr_t deep_stop;
static uintptr_t deep_min;

/* Recurse until the real frame (not an ASan fake frame) is within a few hundred bytes of
 * deep_stop, then suspend there once; returns the sum of depths. */
static __attribute__((noinline)) uint64_t deep(unsigned depth)
{
	volatile char buf[192];
	buf[0] = (char)depth;
	buf[sizeof buf - 1] = (char)depth;
	uintptr_t fa = (uintptr_t)__builtin_frame_address(0);
	if (fa < deep_min)
		deep_min = fa;
	uint64_t r;
	if (fa > deep_stop && depth < 1000000)
		r = deep(depth + 1);
	else
		r = (uintptr_t)gev_coro_switch(root, (void *)(uintptr_t)depth);
	return r + depth + (uint64_t)(buf[0] != (char)depth) + (uint64_t)(buf[sizeof buf - 1] != (char)depth);
}

static void deep_body(void *arg)
{
	(void)arg;
	gev_coro_exit(root, (void *)(uintptr_t)deep(0));
}

static void test_deep_recursion_within_stack(void **state)
{
	(void)state;
	gev_coro *co;
	void *lo, *hi;
	assert_int_equal(gev_coro_create(&co, deep_body, NULL, 0), 0);
	assert_int_equal(gev_coro_stack_bounds(co, &lo, &hi), 0);
	assert_ptr_equal(hi, (void *)co);
	assert_true((size_t)((char *)hi - (char *)lo) >= GEV_CORO_STACK_DEFAULT);
	deep_stop = (uintptr_t)lo + 1536; /* leave room for the switch's own frames */
	deep_min = UINTPTR_MAX;
	uintptr_t depth = (uintptr_t)gev_coro_switch(co, NULL); /* suspended at the bottom */
	assert_true(deep_min <= deep_stop && deep_min > (uintptr_t)lo);
	assert_true(depth >= 100);
	uint64_t sum = (uintptr_t)gev_coro_switch(co, (void *)(uintptr_t)5);
	assert_int_equal(sum, 5 + (uint64_t)depth * (depth + 1) / 2);
	gev_coro_destroy(co);
}

static void bounds_body(void *arg)
{
	(void)arg;
	gev_coro_check_stack(); /* within bounds: no abort */
	gev_coro_exit(root, NULL);
}

static void test_stack_size_bounds_names(void **state)
{
	(void)state;
	gev_coro *co;
	void *lo, *hi;
	gev_coro_attr attr = {.stack_size = 100 * 1024 + 1, .name = "sized"};
	assert_int_equal(gev_coro_create_attr(&co, bounds_body, NULL, &attr), 0);
	assert_int_equal(gev_coro_stack_bounds(co, &lo, NULL), 0);
	assert_int_equal(gev_coro_stack_bounds(co, NULL, &hi), 0);
	size_t usable = (size_t)((char *)hi - (char *)lo);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	assert_true(usable >= attr.stack_size && usable < attr.stack_size + 2 * page);
	assert_string_equal(gev_coro_name(co), "sized");
	gev_coro_set_name(co, "renamed");
	assert_string_equal(gev_coro_name(co), "renamed");
	assert_string_equal(gev_coro_name(root), "root");
	assert_int_equal(gev_coro_stack_bounds(root, &lo, &hi), GEV_EINVAL);
	gev_coro_switch(co, NULL);
	gev_coro_destroy(co);

	attr = (gev_coro_attr){.stack_size = GEV_CORO_STACK_MIN, .guard = GEV_CORO_GUARD_NONE};
	assert_int_equal(gev_coro_create_attr(&co, bounds_body, NULL, &attr), 0);
	assert_false(gev_coro_is_guarded(co));
	gev_coro_switch(co, NULL);
	gev_coro_destroy(co);
}

static void test_create_bad_input(void **state)
{
	(void)state;
	gev_coro *co = (gev_coro *)&co;
	assert_int_equal(gev_coro_create(NULL, bounds_body, NULL, 0), GEV_EINVAL);
	assert_int_equal(gev_coro_create(&co, NULL, NULL, 0), GEV_EINVAL);
	assert_null(co);
	assert_int_equal(gev_coro_create(&co, bounds_body, NULL, GEV_CORO_STACK_MIN - 1), GEV_EINVAL);
	assert_int_equal(gev_coro_create(&co, bounds_body, NULL, 1), GEV_EINVAL);
	assert_int_equal(gev_coro_create(&co, bounds_body, NULL, GEV_CORO_STACK_MAX + 1), GEV_EINVAL);
	assert_int_equal(gev_coro_create(&co, bounds_body, NULL, SIZE_MAX), GEV_EINVAL);
	gev_coro_attr attr = {.guard = (enum gev_coro_guard)7};
	assert_int_equal(gev_coro_create_attr(&co, bounds_body, NULL, &attr), GEV_EINVAL);
	assert_null(co);
	/* the largest size is accepted (MAP_NORESERVE: nothing is committed) */
	assert_int_equal(gev_coro_create(&co, bounds_body, NULL, GEV_CORO_STACK_MAX), 0);
	gev_coro_destroy(co);
}

static void tiny_body(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	volatile uintptr_t x = id * 7;
	gev_coro_switch(root, (void *)(uintptr_t)x);
	gev_coro_exit(root, (void *)(uintptr_t)(x + 1));
}

static void test_many_live_coroutines(void **state)
{
	(void)state;
	/* valgrind tracks mappings in a fixed table (VG_N_SEGMENTS, "too low" at 100,000) */
	size_t n = RUNNING_ON_VALGRIND ? 10000 : 100000;
	gev_coro **cs = calloc(n, sizeof *cs);
	assert_non_null(cs);
	for (size_t i = 0; i < n; i++) {
		int rc = gev_coro_create(&cs[i], tiny_body, (void *)(uintptr_t)i, 0);
		if (rc != 0)
			fail_msg("create #%zu failed: %d", i, rc);
	}
	for (size_t i = 0; i < n; i++)
		assert_int_equal((uintptr_t)gev_coro_switch(cs[i], NULL), i * 7);
	gev_coro_census c;
	gev_coro_verify();
	gev_coro_get_census(&c);
	assert_int_equal(c.live, n);
	assert_int_equal(c.mapped_stacks, n);
	assert_int_equal(c.pooled_stacks, 0);
	size_t budget = gev_coro_guard_budget();
	assert_int_equal(c.guarded_stacks, n < budget ? n : budget);
	for (size_t i = n; i-- > 0;) {
		assert_int_equal((uintptr_t)gev_coro_switch(cs[i], NULL), i * 7 + 1);
		gev_coro_destroy(cs[i]);
	}
	gev_coro_get_census(&c);
	assert_int_equal(c.live, 0);
	assert_int_equal(c.pooled_stacks, GEV_CORO_POOL_CAP);
	free(cs);
}

static void test_pool_reuse(void **state)
{
	(void)state;
	gev_coro *a, *b, *c, *d;
	gev_coro_census cs;
	int runs = 0;
	gev_coro_pool_trim();
	assert_int_equal(gev_coro_create(&a, tiny_body, (void *)(uintptr_t)1, 0), 0);
	assert_int_equal((uintptr_t)gev_coro_switch(a, NULL), 7);
	gev_coro_destroy(a); /* suspended: its stack goes to the pool */
	gev_coro_get_census(&cs);
	assert_int_equal(cs.live, 0);
	assert_int_equal(cs.pooled_stacks, 1);
	assert_int_equal(cs.mapped_stacks, 1);
	/* same size: the same stack (and descriptor) comes back, and works */
	assert_int_equal(gev_coro_create(&b, tiny_body, (void *)(uintptr_t)2, 0), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(gev_coro_state(b), GEV_CORO_NEW);
	gev_coro_get_census(&cs);
	assert_int_equal(cs.pooled_stacks, 0);
	assert_int_equal(cs.mapped_stacks, 1);
	assert_int_equal((uintptr_t)gev_coro_switch(b, NULL), 14);
	assert_int_equal((uintptr_t)gev_coro_switch(b, NULL), 15);
	/* another size: a stack of its own */
	assert_int_equal(gev_coro_create(&c, never_body, &runs, 32 * 1024), 0);
	assert_ptr_not_equal(c, b);
	gev_coro_destroy(b);
	gev_coro_destroy(c);
	/* LIFO within a size class */
	assert_int_equal(gev_coro_create(&d, never_body, &runs, 32 * 1024), 0);
	assert_ptr_equal(d, c);
	gev_coro_destroy(d);
	gev_coro_get_census(&cs);
	assert_int_equal(cs.pooled_stacks, 2);
	assert_int_equal(cs.mapped_stacks, 2);
	assert_int_equal(runs, 0);

	/* the cap: only that many stacks stay pooled */
	size_t old = gev_coro_pool_set_cap(3);
	assert_int_equal(old, GEV_CORO_POOL_CAP);
	gev_coro *many[8];
	for (int i = 0; i < 8; i++)
		assert_int_equal(gev_coro_create(&many[i], never_body, &runs, 0), 0);
	for (int i = 0; i < 8; i++)
		gev_coro_destroy(many[i]);
	gev_coro_verify();
	gev_coro_get_census(&cs);
	assert_int_equal(cs.pooled_stacks, 3);
	assert_int_equal(cs.mapped_stacks, 3);
	assert_int_equal(gev_coro_pool_set_cap(0), 3);
	gev_coro_get_census(&cs);
	assert_int_equal(cs.pooled_stacks, 0);
	assert_int_equal(gev_coro_pool_set_cap(old), 0);
}

/* Stacks released by gev_coro_pool_release (beyond GEV_CORO_POOL_HOT) are reused like new:
 * their pages come back on first touch. */
static void deep_tiny_body(void *arg)
{
	deep_stop = 0;
	uintptr_t lo;
	gev_coro_stack_bounds(gev_coro_current(), (void **)&lo, NULL);
	deep_stop = lo + 16 * 1024;
	deep_min = UINTPTR_MAX;
	uint64_t sum = deep(0);
	gev_coro_exit(root, (void *)(uintptr_t)(sum + (uintptr_t)arg));
}

static void test_pool_released_stacks_are_reusable(void **state)
{
	(void)state;
	enum { N = GEV_CORO_POOL_HOT * 2 };
	gev_coro *cs[N];
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++)
			assert_int_equal(gev_coro_create(&cs[i], deep_tiny_body, (void *)(uintptr_t)i, 0), 0);
		for (int i = 0; i < N; i++) {
			uintptr_t depth = (uintptr_t)gev_coro_switch(cs[i], NULL);
			uint64_t sum = (uintptr_t)gev_coro_switch(cs[i], NULL);
			assert_int_equal(sum, (uint64_t)depth * (depth + 1) / 2 + (uint64_t)i);
		}
		for (int i = 0; i < N; i++)
			gev_coro_destroy(cs[i]);
		gev_coro_census c;
		gev_coro_get_census(&c);
		assert_int_equal(c.pooled_stacks, N);
		assert_int_equal(c.mapped_stacks, N);
		assert_int_equal(c.released_stacks, 0);
		/* round 0 leaves N - HOT released stacks for round 1, which takes them all */
		assert_int_equal(gev_coro_pool_release(), N - GEV_CORO_POOL_HOT);
		gev_coro_verify();
	}
}

static size_t census_released(void)
{
	gev_coro_census c;
	gev_coro_get_census(&c);
	return c.released_stacks;
}

/* Make n live coroutines of one stack size (never run), then destroy them in order: the
 * pool then holds them with cs[n - 1] on top. */
static void pool_fill(gev_coro **cs, size_t n, size_t stack_size)
{
	static int runs;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(gev_coro_create(&cs[i], never_body, &runs, stack_size), 0);
	for (size_t i = 0; i < n; i++)
		gev_coro_destroy(cs[i]);
	assert_int_equal(runs, 0);
}

/* Pooling a stack makes no system call however full the pool is: nothing is released by
 * gev_coro_destroy. gev_coro_pool_release then releases exactly the stacks beyond the
 * GEV_CORO_POOL_HOT most recent of each size class, the oldest ones, and nothing more on a
 * second call. */
static void test_pool_release_beyond_hot(void **state)
{
	(void)state;
	enum { N = GEV_CORO_POOL_HOT + 10, M = GEV_CORO_POOL_HOT + 3 };
	gev_coro *cs[N], *ds[M];
	gev_coro_pool_trim();
	pool_fill(cs, N, 0);
	pool_fill(ds, M, 32 * 1024); /* a second class: HOT counts per class */
	gev_coro_verify();
	assert_int_equal(census_released(), 0);
	assert_int_equal(gev_coro_pool_release(), (N - GEV_CORO_POOL_HOT) + (M - GEV_CORO_POOL_HOT));
	gev_coro_verify();
	assert_int_equal(census_released(), (N - GEV_CORO_POOL_HOT) + (M - GEV_CORO_POOL_HOT));
	assert_int_equal(gev_coro_pool_release(), 0);
	gev_coro_census c;
	gev_coro_get_census(&c);
	assert_int_equal(c.pooled_stacks, N + M); /* released, not unmapped */
	assert_int_equal(c.mapped_stacks, N + M);
}

/* The released stacks stay the oldest of their class (the end of its list) through pops
 * and pushes: a pop takes resident stacks first, and a released one only once the whole
 * class is released; pushed stacks are resident, and a release walk covers only the
 * resident stacks beyond HOT. gev_coro_verify checks the suffix after every step. */
static void test_pool_released_stacks_stay_a_suffix(void **state)
{
	(void)state;
	enum { N = GEV_CORO_POOL_HOT + 10 };
	gev_coro *cs[N], *co[N];
	int runs = 0;
	gev_coro_pool_trim();
	pool_fill(cs, N, 0);
	assert_int_equal(gev_coro_pool_release(), 10);
	/* the HOT resident stacks come out first, LIFO */
	for (size_t i = 0; i < GEV_CORO_POOL_HOT; i++) {
		assert_int_equal(gev_coro_create(&co[i], never_body, &runs, 0), 0);
		assert_ptr_equal(co[i], cs[N - 1 - i]);
		assert_int_equal(census_released(), 10);
	}
	gev_coro_verify();
	/* then the released ones, newest first, each leaving the released count */
	for (size_t i = GEV_CORO_POOL_HOT; i < GEV_CORO_POOL_HOT + 4; i++) {
		assert_int_equal(gev_coro_create(&co[i], never_body, &runs, 0), 0);
		assert_ptr_equal(co[i], cs[N - 1 - i]);
		assert_int_equal(census_released(), N - 1 - i);
		gev_coro_verify();
	}
	/* pushed back: resident, above the 6 still released */
	for (size_t i = 0; i < GEV_CORO_POOL_HOT + 4; i++) {
		gev_coro_destroy(co[i]);
		gev_coro_verify();
	}
	assert_int_equal(census_released(), 6);
	/* the 4 pushed first (beyond HOT now) are released; the 6 are not walked again */
	assert_int_equal(gev_coro_pool_release(), 4);
	gev_coro_verify();
	assert_int_equal(census_released(), 10);
	/* trimming part of the pool keeps the counts straight */
	assert_int_equal(gev_coro_pool_set_cap(3), GEV_CORO_POOL_CAP);
	gev_coro_verify();
	assert_int_equal(census_released(), 0);
	assert_int_equal(gev_coro_pool_set_cap(GEV_CORO_POOL_CAP), 3);
	assert_int_equal(runs, 0);
}

/* gev_coro_pool_release_idle releases only the stacks beyond HOT that sat in the pool,
 * untouched, since its previous call: the first call only starts tracking. */
static void test_pool_release_idle_spares_used_stacks(void **state)
{
	(void)state;
	enum { N = GEV_CORO_POOL_HOT + 20, USED = GEV_CORO_POOL_HOT + 5 };
	gev_coro *cs[N], *co[USED];
	int runs = 0;
	gev_coro_pool_trim();
	(void)gev_coro_pool_release_idle(); /* forget what earlier cases did */
	pool_fill(cs, N, 0);
	/* the N stacks arrived since the last call: none was idle for a whole interval */
	assert_int_equal(gev_coro_pool_release_idle(), 0);
	assert_int_equal(census_released(), 0);
	/* use USED stacks (all HOT and 5 beyond), and give them back */
	for (size_t i = 0; i < USED; i++)
		assert_int_equal(gev_coro_create(&co[i], never_body, &runs, 0), 0);
	for (size_t i = USED; i-- > 0;)
		gev_coro_destroy(co[i]);
	gev_coro_verify();
	/* only the N - USED never touched go */
	assert_int_equal(gev_coro_pool_release_idle(), N - USED);
	gev_coro_verify();
	assert_int_equal(census_released(), N - USED);
	/* an interval later, untouched: the 5 beyond HOT go too */
	assert_int_equal(gev_coro_pool_release_idle(), USED - GEV_CORO_POOL_HOT);
	gev_coro_verify();
	assert_int_equal(gev_coro_pool_release_idle(), 0);
	assert_int_equal(gev_coro_pool_release(), 0);
	assert_int_equal(census_released(), N - GEV_CORO_POOL_HOT);
	assert_int_equal(runs, 0);
}

/* Guarded and unguarded stacks are pooled apart: GUARD_NONE never takes a guarded stack,
 * AUTO takes an unguarded one only once the guard budget is spent. */
static void test_pool_keeps_guard_kinds_apart(void **state)
{
	(void)state;
	gev_coro *g, *u, *c, *d;
	gev_coro_attr none = {.guard = GEV_CORO_GUARD_NONE};
	assert_int_equal(gev_coro_create(&g, never_body, NULL, 0), 0);
	assert_true(gev_coro_is_guarded(g));
	gev_coro_destroy(g); /* pool: g (guarded) */
	assert_int_equal(gev_coro_create_attr(&u, never_body, NULL, &none), 0);
	assert_ptr_not_equal(u, g);
	assert_false(gev_coro_is_guarded(u));
	assert_int_equal(gev_coro_create(&c, never_body, NULL, 0), 0);
	assert_ptr_equal(c, g); /* AUTO: the pooled guarded stack */
	gev_coro_destroy(u);    /* pool: u (unguarded) */
	/* budget left: AUTO maps a new guarded stack rather than take u */
	assert_int_equal(gev_coro_create(&d, never_body, NULL, 0), 0);
	assert_ptr_not_equal(d, u);
	assert_true(gev_coro_is_guarded(d));
	gev_coro_destroy(d); /* pool: u, d */
	gev_coro_verify();
	assert_int_equal(gev_coro_create(&d, never_body, NULL, 0), 0); /* takes d back */
	/* budget spent: AUTO takes the pooled unguarded stack */
	size_t budget = gev_coro_set_guard_budget(0);
	assert_int_equal(gev_coro_create(&u, never_body, NULL, 0), 0);
	assert_false(gev_coro_is_guarded(u));
	gev_coro_census cs;
	gev_coro_get_census(&cs);
	assert_int_equal(cs.mapped_stacks, 3);
	assert_int_equal(cs.pooled_stacks, 0);
	assert_int_equal(cs.guarded_stacks, 2);
	assert_int_equal(gev_coro_set_guard_budget(budget), 0);
	gev_coro_destroy(c);
	gev_coro_destroy(d);
	gev_coro_destroy(u);
}

static void test_guard_budget(void **state)
{
	(void)state;
	gev_coro *a, *b;
	gev_coro_census c;
	size_t budget = gev_coro_guard_budget();
	long maps = 65530;
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	if (f != NULL) {
		assert_int_equal(fscanf(f, "%ld", &maps), 1);
		fclose(f);
	}
	assert_int_equal(budget, (size_t)(maps / 2 - maps / 16));
	assert_int_equal(gev_coro_create(&a, never_body, NULL, 0), 0);
	assert_true(gev_coro_is_guarded(a));
	assert_int_equal(gev_coro_set_guard_budget(1), budget);
	assert_int_equal(gev_coro_create(&b, never_body, NULL, 0), 0);
	assert_false(gev_coro_is_guarded(b)); /* a holds the only guard of the budget */
	gev_coro_get_census(&c);
	assert_int_equal(c.guarded_stacks, 1);
	assert_int_equal(c.mapped_stacks, 2);
	assert_int_equal(gev_coro_set_guard_budget(budget), 1);
	gev_coro_destroy(a);
	gev_coro_destroy(b);
}

struct thread_report {
	gev_coro_census census;
	void *lo[4];
};

static void *pool_thread(void *arg)
{
	struct thread_report *rep = arg;
	gev_coro *cs[4];
	root = gev_coro_current();
	for (int i = 0; i < 4; i++) {
		if (gev_coro_create(&cs[i], tiny_body, (void *)(uintptr_t)i, 0) != 0)
			return NULL;
		gev_coro_switch(cs[i], NULL);
		gev_coro_stack_bounds(cs[i], &rep->lo[i], NULL);
	}
	for (int i = 0; i < 4; i++)
		gev_coro_destroy(cs[i]);
	gev_coro_get_census(&rep->census);
	return rep;
}

static void test_thread_exit_unmaps_pool(void **state)
{
	(void)state;
	struct thread_report rep;
	memset(&rep, 0, sizeof rep);
	pthread_t th;
	void *ret;
	assert_int_equal(pthread_create(&th, NULL, pool_thread, &rep), 0);
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_ptr_equal(ret, &rep);
	assert_int_equal(rep.census.live, 0);
	assert_int_equal(rep.census.pooled_stacks, 4);
	assert_int_equal(rep.census.mapped_stacks, 4);
	/* the pthread key destructor unmapped them: mincore fails with ENOMEM */
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	for (int i = 0; i < 4; i++) {
		unsigned char vec;
		void *p = (void *)((uintptr_t)rep.lo[i] & ~(uintptr_t)(page - 1));
		assert_int_equal(mincore(p, page, &vec), -1);
		assert_int_equal(errno, ENOMEM);
	}
	/* this thread's census never saw them */
	gev_coro_census c;
	gev_coro_get_census(&c);
	assert_int_equal(c.mapped_stacks, 0);
}

/* ------------------------------------------------------------------------------------ */
/* Overflow detection (in children)                                                      */
/* ------------------------------------------------------------------------------------ */

static void child_guard_overflow(void)
{
	gev_coro *co;
	root = gev_coro_current();
	if (gev_coro_create(&co, unbounded_body, NULL, 0) != 0 || !gev_coro_is_guarded(co))
		_exit(3);
	announce_guard(co);
	gev_coro_switch(co, NULL);
}

static void test_guard_page_overflow_segfaults(void **state)
{
	(void)state;
	expect_guard_segv(child_guard_overflow);
}

/* The check itself: a SIGSEGV outside the guard page (a wild write far from any stack)
 * must not pass for an overflow. */
static volatile uintptr_t wild_addr = 64; /* unmapped: the first page never is */

static void wild_body(void *arg)
{
	(void)arg;
	*(volatile char *)wild_addr = 1;
	gev_coro_exit(root, NULL);
}

static void child_wild_segv(void)
{
	gev_coro *co;
	root = gev_coro_current();
	if (gev_coro_create(&co, wild_body, NULL, 0) != 0 || !gev_coro_is_guarded(co))
		_exit(3);
	announce_guard(co);
	gev_coro_switch(co, NULL);
}

static void test_segv_outside_guard_is_not_an_overflow(void **state)
{
	(void)state;
	struct death d;
	char why[160] = "";
	run_child(child_wild_segv, &d);
	assert_false(fault_in_guard(d.err, why, sizeof why));
	if (!strstr(why, "outside the guard page"))
		fail_msg("expected a fault outside the guard page, got \"%s\"; stderr:\n%s", why, d.err);
}

/* Walk down to within 512 bytes of the stack limit, then move sp ~600 bytes below it with
 * alloca and dirty that block, which covers the canary. Then either switch out from down there
 * (the sp check fires) or return to the top first (the canary check fires). */
static int below_switch_deep;

static __attribute__((noinline)) uint64_t below(uintptr_t lo, unsigned depth)
{
	volatile char buf[128];
	buf[0] = (char)depth;
	uintptr_t fa = (uintptr_t)__builtin_frame_address(0);
	if (fa > lo + 512)
		return below(lo, depth + 1) + (uint64_t)buf[0];
	volatile char *p = __builtin_alloca(1024);
	for (int i = 0; i < 1024; i++) /* no memset: no library call down here */
		p[i] = (char)0xa5;
	if (below_switch_deep)
		gev_coro_switch(root, NULL);
	return (uint64_t)p[0] + (uint64_t)buf[0];
}

static void below_body(void *arg)
{
	(void)arg;
	uintptr_t lo;
	gev_coro_stack_bounds(gev_coro_current(), (void **)&lo, NULL);
	below(lo, 0);
	gev_coro_switch(root, NULL);
	gev_coro_exit(root, NULL);
}

static void child_unguarded(int deep_switch)
{
	gev_coro *co;
	root = gev_coro_current();
	below_switch_deep = deep_switch;
	gev_coro_attr attr = {.guard = GEV_CORO_GUARD_NONE, .name = "victim"};
	if (gev_coro_create_attr(&co, below_body, NULL, &attr) != 0 || gev_coro_is_guarded(co))
		_exit(3);
	gev_coro_switch(co, NULL);
}

static void child_bounds_overflow(void) { child_unguarded(1); }
static void child_canary_overflow(void) { child_unguarded(0); }

static void test_unguarded_sp_bounds_overflow_aborts(void **state)
{
	(void)state;
	expect_abort(child_bounds_overflow,
		     "gev_coro_switch: stack overflow in coroutine 'victim'");
	expect_abort(child_bounds_overflow, "is outside its unguarded stack");
}

static void test_unguarded_canary_overflow_aborts(void **state)
{
	(void)state;
	expect_abort(child_canary_overflow,
		     "gev_coro_switch: stack overflow in coroutine 'victim'");
	expect_abort(child_canary_overflow, "the canary below its unguarded stack");
}

/* ------------------------------------------------------------------------------------ */
/* Misuse aborts with a message naming it (in children)                                  */
/* ------------------------------------------------------------------------------------ */

static void exit_body(void *arg)
{
	(void)arg;
	gev_coro_exit(root, NULL);
}

static void returning_body(void *arg)
{
	(void)arg;
}

static void self_switch_body(void *arg)
{
	(void)arg;
	gev_coro_switch(gev_coro_current(), NULL);
}

static void self_destroy_body(void *arg)
{
	(void)arg;
	gev_coro_destroy(gev_coro_current());
}

static void self_exit_body(void *arg)
{
	(void)arg;
	gev_coro_exit(gev_coro_current(), NULL);
}

static gev_coro *child_new(gev_coro_fn fn, const char *name)
{
	gev_coro *co;
	gev_coro_attr attr = {.name = name};
	root = gev_coro_current();
	if (gev_coro_create_attr(&co, fn, NULL, &attr) != 0)
		_exit(3);
	return co;
}

static void child_switch_null(void) { gev_coro_switch(NULL, NULL); }
static void child_switch_self_root(void) { gev_coro_switch(gev_coro_current(), NULL); }
static void child_switch_self(void) { gev_coro_switch(child_new(self_switch_body, "selfish"), NULL); }
static void child_switch_finished(void)
{
	gev_coro *co = child_new(exit_body, "done");
	gev_coro_switch(co, NULL);
	gev_coro_switch(co, NULL);
}
static void child_switch_destroyed(void)
{
	gev_coro *co = child_new(exit_body, "gone");
	gev_coro_destroy(co);
	gev_coro_switch(co, NULL);
}
static void child_exit_root(void) { gev_coro_exit(child_new(exit_body, "x"), NULL); }
static void child_exit_self(void) { gev_coro_switch(child_new(self_exit_body, "loop"), NULL); }
static void child_fn_returns(void) { gev_coro_switch(child_new(returning_body, "returner"), NULL); }
static void child_destroy_running(void) { gev_coro_switch(child_new(self_destroy_body, "suicidal"), NULL); }
static void child_destroy_root(void) { gev_coro_destroy(gev_coro_current()); }
static void child_destroy_twice(void)
{
	gev_coro *co = child_new(exit_body, "twice");
	gev_coro_destroy(co);
	gev_coro_destroy(co);
}

static gev_coro *foreign;
static void *make_foreign(void *arg)
{
	(void)arg;
	gev_coro_attr attr = {.name = "foreign"};
	if (gev_coro_create_attr(&foreign, exit_body, NULL, &attr) != 0)
		return NULL;
	return foreign;
}
static void child_foreign(int destroy)
{
	pthread_t th;
	void *ret;
	if (pthread_create(&th, NULL, make_foreign, NULL) != 0 || pthread_join(th, &ret) != 0 || !ret)
		_exit(3);
	if (destroy)
		gev_coro_destroy(foreign);
	else
		gev_coro_switch(foreign, NULL);
}
static void child_switch_foreign(void) { child_foreign(0); }
static void child_destroy_foreign(void) { child_foreign(1); }

static void test_misuse_aborts(void **state)
{
	(void)state;
	expect_abort(child_switch_null, "gev_coro_switch: the target coroutine is NULL");
	expect_abort(child_switch_self_root,
		     "gev_coro_switch: cannot switch to the running coroutine itself: coroutine 'root'");
	expect_abort(child_switch_self,
		     "gev_coro_switch: cannot switch to the running coroutine itself: coroutine 'selfish'");
	expect_abort(child_switch_finished, "gev_coro_switch: the target is finished: coroutine 'done'");
	expect_abort(child_switch_destroyed, "gev_coro_switch: the target was destroyed: coroutine 'gone'");
	expect_abort(child_switch_foreign,
		     "gev_coro_switch: the target belongs to another thread: coroutine 'foreign'");
	expect_abort(child_exit_root, "gev_coro_exit: called on the root coroutine");
	expect_abort(child_exit_self,
		     "gev_coro_exit: cannot switch to the running coroutine itself: coroutine 'loop'");
	expect_abort(child_fn_returns,
		     "gev_coro: the coroutine function returned (it must end with gev_coro_exit): "
		     "coroutine 'returner'");
	expect_abort(child_destroy_running,
		     "gev_coro_destroy: cannot destroy the running coroutine: coroutine 'suicidal'");
	expect_abort(child_destroy_root, "gev_coro_destroy: cannot destroy a root coroutine");
	expect_abort(child_destroy_twice,
		     "gev_coro_destroy: the coroutine was already destroyed: coroutine 'twice'");
	expect_abort(child_destroy_foreign,
		     "gev_coro_destroy: the coroutine belongs to another thread: coroutine 'foreign'");
}

/* gev_coro_verify is not a check that cannot fail: a pooled descriptor whose state word
 * was overwritten (as a stray write would) is reported. */
static void child_corrupt_pool(void)
{
	gev_coro *co = child_new(exit_body, "scribbled");
	gev_coro_destroy(co);
	gev_coro_verify(); /* still fine */
	co->key = (uintptr_t)gev__thread() | GEV_CORO_SUSPENDED;
	gev_coro_verify();
}

/* A released stack above a resident one would be handed out by a pop without the
 * released count knowing. */
static void child_corrupt_released(void)
{
	gev_coro *a = child_new(exit_body, "old");
	gev_coro *b = child_new(exit_body, "new");
	gev_coro_destroy(a);
	gev_coro_destroy(b); /* the pool: b (top), a */
	gev_coro_verify();
	b->flags |= GEV_CORO_F_RELEASED;
	gev_coro_verify();
}

static void test_verify_catches_corruption(void **state)
{
	(void)state;
	expect_abort(child_corrupt_pool,
		     "gev_coro_verify: a pooled stack is not POOLED: coroutine 'scribbled'");
	expect_abort(child_corrupt_released,
		     "gev_coro_verify: a resident pooled stack is below a released one: coroutine 'old'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, census_setup, census_teardown)
		T(test_switch_values_and_states),
		T(test_exit_into_another_coroutine),
		T(test_destroy_new_and_suspended),
		T(test_random_walk_against_model),
#ifdef NREGS
		T(test_callee_saved_registers),
#endif
		T(test_locals_survive_switches),
		T(test_backtrace_ends_at_entry),
		T(test_fp_control_state),
		T(test_deep_recursion_within_stack),
		T(test_stack_size_bounds_names),
		T(test_create_bad_input),
		T(test_many_live_coroutines),
		T(test_pool_reuse),
		T(test_pool_released_stacks_are_reusable),
		T(test_pool_release_beyond_hot),
		T(test_pool_released_stacks_stay_a_suffix),
		T(test_pool_release_idle_spares_used_stacks),
		T(test_pool_keeps_guard_kinds_apart),
		T(test_guard_budget),
		T(test_thread_exit_unmaps_pool),
		T(test_guard_page_overflow_segfaults),
		T(test_segv_outside_guard_is_not_an_overflow),
		T(test_unguarded_sp_bounds_overflow_aborts),
		T(test_unguarded_canary_overflow_aborts),
		T(test_misuse_aborts),
		T(test_verify_catches_corruption),
#undef T
	};
#ifdef CMOCKA_H_
	/* GEV_TEST_FILTER=pattern runs only the matching cases (when debugging one) */
	if (getenv("GEV_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("GEV_TEST_FILTER"));
#endif
	return cmocka_run_group_tests_name("gev_coro", tests, NULL, NULL);
}

/*
 * tests/cross/cmocka.h - a minimal stand-in for the part of the cmocka API that
 * test_coro.c uses, for the cross-architecture lane (make test-aarch64): an x86-64 build
 * host has no arm64 libcmocka, and the test binary runs under qemu-user. It keeps the
 * semantics that matter: a failed assert longjmps out of the case (so, as with cmocka,
 * checks made on coroutine stacks are recorded and asserted on the root stack), a failing
 * setup or teardown fails the case, and the exit status is the number of failed cases.
 */
#ifndef GEV_CROSS_CMOCKA_H
#define GEV_CROSS_CMOCKA_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct CMUnitTest {
	const char *name;
	void (*test)(void **state);
	int (*setup)(void **state);
	int (*teardown)(void **state);
};

#define cmocka_unit_test_setup_teardown(f, s, t) {#f, f, s, t}

static jmp_buf shim_jb;

static __attribute__((noreturn, unused)) void shim_fail(const char *file, int line)
{
	fprintf(stderr, "failure at %s:%d\n", file, line);
	longjmp(shim_jb, 1);
}

#define fail_msg(...)                                                                      \
	do {                                                                               \
		fprintf(stderr, __VA_ARGS__);                                              \
		fprintf(stderr, "\n");                                                     \
		shim_fail(__FILE__, __LINE__);                                             \
	} while (0)
#define assert_true(c)                                                                     \
	do {                                                                               \
		if (!(c))                                                                  \
			fail_msg("assert_true(%s)", #c);                                   \
	} while (0)
#define assert_false(c) assert_true(!(c))
#define assert_int_equal(a, b)                                                             \
	do {                                                                               \
		uintmax_t a_ = (uintmax_t)(a), b_ = (uintmax_t)(b);                        \
		if (a_ != b_)                                                              \
			fail_msg("%s == %ju, %s == %ju", #a, a_, #b, b_);                  \
	} while (0)
#define assert_ptr_equal(a, b) assert_true((const void *)(a) == (const void *)(b))
#define assert_ptr_not_equal(a, b) assert_true((const void *)(a) != (const void *)(b))
#define assert_null(a) assert_true((a) == NULL)
#define assert_non_null(a) assert_true((a) != NULL)
#define assert_string_equal(a, b) assert_true(strcmp((a), (b)) == 0)

static int shim_run(const char *group, const struct CMUnitTest *tests, size_t n)
{
	volatile int failed = 0;
	printf("[==========] Running %zu test(s).\n", n);
	for (volatile size_t i = 0; i < n; i++) {
		void *state = NULL;
		volatile int ok = 1;
		if (tests[i].setup != NULL && tests[i].setup(&state) != 0)
			ok = 0;
		if (ok && setjmp(shim_jb) == 0)
			tests[i].test(&state);
		else
			ok = 0;
		if (tests[i].teardown != NULL && tests[i].teardown(&state) != 0)
			ok = 0;
		printf("[ %s ] %s\n", ok ? "      OK" : "  FAILED", tests[i].name);
		failed += !ok;
	}
	printf("[==========] %s: %zu test(s) run.\n", group, n);
	printf("[  %s  ] %zu test(s).\n", failed ? "FAILED" : "PASSED", failed ? (size_t)failed : n);
	return failed;
}

#define cmocka_run_group_tests_name(name, tests, s, t)                                     \
	shim_run(name, tests, sizeof(tests) / sizeof((tests)[0]))

#endif /* GEV_CROSS_CMOCKA_H */

/*
 * test_coro_util.h - shared by the coroutine tests: the root coroutine bodies return to,
 * deaths provoked in forked children (exit status and stderr captured), and a body whose
 * recursion never ends, to overflow its stack. Include after defining _GNU_SOURCE.
 */
#ifndef TEST_CORO_UTIL_H
#define TEST_CORO_UTIL_H

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gev_coro.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#else
#define UNDER_ASAN 0
#endif

/* The calling thread's root coroutine; bodies switch back to it. */
static __thread gev_coro *root;

/* ------------------------------------------------------------------------------------ */
/* Death in a child process                                                              */
/* ------------------------------------------------------------------------------------ */

struct death {
	int signaled, sig, exited, code;
	char err[8192];
};

static void run_child(void (*fn)(void), struct death *d)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = {0, 0};
		setrlimit(RLIMIT_CORE, &no_core);
		close(p[0]);
		dup2(p[1], STDERR_FILENO);
		close(p[1]);
		fn();
		_exit(0); /* the child was expected to die before this */
	}
	close(p[1]);
	/* A child that neither dies nor ends within CHILD_LIMIT_S is killed and reported as
	 * hung (SIGKILL): a death test must fail, not stall its lane. */
	enum { CHILD_LIMIT_S = 120 };
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t n = 0;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left_ms = CHILD_LIMIT_S * 1000L - ((t.tv_sec - t0.tv_sec) * 1000L +
							(t.tv_nsec - t0.tv_nsec) / 1000000L);
		struct pollfd pfd = {.fd = p[0], .events = POLLIN};
		if (left_ms <= 0 || poll(&pfd, 1, (int)left_ms) == 0) {
			kill(pid, SIGKILL);
			snprintf(d->err + n, sizeof d->err - n, "\n[run_child: no end after %d s]\n",
				 (int)CHILD_LIMIT_S);
			n = strlen(d->err);
			break;
		}
		ssize_t r = read(p[0], d->err + n, sizeof d->err - 1 - n);
		if (r > 0)
			n += (size_t)r;
		else if (r == 0 || errno != EINTR)
			break;
	}
	d->err[n] = 0;
	close(p[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	d->signaled = WIFSIGNALED(st);
	d->sig = d->signaled ? WTERMSIG(st) : 0;
	d->exited = WIFEXITED(st);
	d->code = d->exited ? WEXITSTATUS(st) : -1;
}

/* ------------------------------------------------------------------------------------ */
/* A stack overflow                                                                      */
/* ------------------------------------------------------------------------------------ */

static volatile uint64_t unbounded_limit = UINT64_MAX; /* never reached */

static __attribute__((noinline)) uint64_t unbounded(uint64_t n)
{
	volatile char buf[512];
	buf[0] = (char)n;
	buf[511] = (char)n;
	if (n == unbounded_limit)
		return 0;
	return unbounded(n + 1) + (uint64_t)buf[0] + (uint64_t)buf[511];
}

/* Recurses until the stack overflows; the exit is never reached. */
static void unbounded_body(void *arg)
{
	(void)arg;
	unbounded(0);
	gev_coro_exit(root, NULL);
}

#endif /* TEST_CORO_UTIL_H */

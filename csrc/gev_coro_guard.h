/*
 * gev_coro_guard.h - naming the coroutine whose stack overflowed, from a SIGSEGV handler.
 *
 * An overflow of a guarded stack (gev_coro.h) writes into its guard page and raises
 * SIGSEGV; left alone, the process then dies with a report that says nothing of a stack
 * overflow (inside Go: the runtime's generic "signal SIGSEGV: segmentation violation").
 * gev_coro_overflow_report_install adds a report: a SIGSEGV handler that, when the fault
 * is an overflow of the faulting thread's current coroutine, writes one line naming the
 * coroutine, its stack bounds and the fault address to stderr, then hands the fault to the
 * handler that was installed before it (the Go runtime's, or the default action), which
 * still reports and ends the process as it would have. Any other SIGSEGV (a Go nil
 * dereference, a crash elsewhere) goes straight to that previous handler.
 *
 * Opt-in: gev_coro.h's primitive itself installs no handler.
 */
#ifndef GEV_CORO_GUARD_H
#define GEV_CORO_GUARD_H

#include <stddef.h>

#include "gev_coro.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What gev_coro_fault_lookup learned about an overflow. */
typedef struct gev_coro_fault {
	const gev_coro *co; /* the coroutine whose stack overflowed */
	void *arg;          /* its gev_coro_create argument (for a describer) */
	void *map_lo;       /* lowest byte of its guard page (or soft page, if unguarded) */
	void *lo, *hi;      /* its usable stack, as gev_coro_stack_bounds */
	size_t usable;      /* hi - lo */
	int guarded;        /* it has a guard page */
	int in_guard;       /* the fault address is in that guard page */
} gev_coro_fault;

/* Decide whether a fault at `addr`, taken with stack pointer `sp` (0 if unknown), is an
 * overflow of the calling thread's current coroutine: the address is in its guard page,
 * or both the address and sp are below its stack. Returns 1 and fills *out, else 0.
 * Async-signal-safe (reads only this thread's coroutine state; never sets it up). */
int gev_coro_fault_lookup(const void *addr, const void *sp, gev_coro_fault *out);

/* A describer adds who a coroutine is to every report that names it (the overflow report
 * and gev_coro's own abort messages): it writes at most cap bytes (no terminator) about
 * coroutine `co`, whose gev_coro_create argument was `arg`, and returns how many. It runs
 * in a signal handler or on an overflowed stack: async-signal-safe, little stack. */
typedef size_t (*gev_coro_describe_fn)(const gev_coro *co, void *arg, char *buf, size_t cap);

/* Set the process's describer (NULL: none). */
void gev_coro_set_describer(gev_coro_describe_fn fn);

/* Install the overflow report (process-wide, once: later calls only do the per-thread
 * part) and make sure the calling thread has an alternate signal stack, which the handler
 * needs since the faulting stack is exhausted: a thread that has none gets one for the
 * rest of its life (Go threads already have one, which is used). Other threads that run
 * coroutines must call it too unless they have one. Returns 0, or a negated errno. */
int gev_coro_overflow_report_install(void);

#ifdef __cplusplus
}
#endif

#endif /* GEV_CORO_GUARD_H */

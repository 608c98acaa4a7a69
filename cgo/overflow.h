/*
 * overflow.h - the C half of the stack-overflow report of the Go binding (overflow.go).
 */
#ifndef GEVGO_OVERFLOW_H
#define GEVGO_OVERFLOW_H

#include "gev_hub.h"

/* Install gev_coro's overflow report with a describer that names C greenlets by their
 * host id ("C greenlet 7"). Returns 0 or a negated errno. */
int gevgo_overflow_install(void);

/* Bodies that overflow their stack on purpose, for the tests of the report (and of
 * gev_coro's unguarded checks). gevgo_body_overflow recurses without end: on a guarded
 * stack it dies in the guard page. gevgo_body_smash writes (uintptr_t)arg bytes below its
 * stack (0: 12 KiB, past an unguarded stack's soft page into the mapping below), returns
 * to its top and yields. Neither returns. */
int gevgo_body_overflow(gev_hub *h, void *arg, void **value);
int gevgo_body_smash(gev_hub *h, void *arg, void **value);

/* gevgo_crash_null writes through a null pointer: a crash inside C, called through cgo,
 * whose report must name this function with its file and line. */
void gevgo_crash_null(void);

#endif /* GEVGO_OVERFLOW_H */

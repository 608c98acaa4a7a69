/*
 * bodies.h - C greenlet bodies shipped with the Go binding, for tests, examples and
 * benchmarks. Each is a gev_greenlet_fn; its `arg` is an integer carried in the pointer
 * (no memory is shared with Go, so nothing here ever points into Go memory).
 */
#ifndef GEVGO_BODIES_H
#define GEVGO_BODIES_H

#include "gev_hub.h"

/* gevgo_body_sleep sleeps (uintptr_t)arg milliseconds, then succeeds with value = arg.
 * A kill or timeout delivered while it sleeps ends it with that code. */
int gevgo_body_sleep(gev_hub *h, void *arg, void **value);

/* gevgo_body_fail fails at once with status (int)(intptr_t)arg, without yielding. */
int gevgo_body_fail(gev_hub *h, void *arg, void **value);

/* gevgo_body_sleep_fail sleeps 1 ms, then fails with status (int)(intptr_t)arg. */
int gevgo_body_sleep_fail(gev_hub *h, void *arg, void **value);

/* gevgo_body_yield calls gev_hub_sleep(h, 0) (uintptr_t)arg times, then succeeds with
 * value = arg; a delivered error ends it with that code. Two of them ping-pong through the
 * hub's ready queue: the C greenlet switch benchmark. */
int gevgo_body_yield(gev_hub *h, void *arg, void **value);

/* gevgo_body_park parks until an error is delivered (a kill) and returns that code. */
int gevgo_body_park(gev_hub *h, void *arg, void **value);

/* gevgo_body_throw_order tests the order of throws (gev_hub.h): it starts two gev_timeouts
 * t1 then t2 (t2 later), both due at once, stays queued across a turn so that both expire
 * undelivered, then yields until (uintptr_t)arg throws have been delivered, and succeeds
 * with their order as decimal digits in value: 1 for t1, 2 for t2, 9 for anything else (a
 * kill). */
int gevgo_body_throw_order(gev_hub *h, void *arg, void **value);

#endif /* GEVGO_BODIES_H */

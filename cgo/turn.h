/*
 * turn.h - the Go binding's wrapper around gev_hub_turn: absolute timer deadlines.
 */
#ifndef GEVGO_TURN_H
#define GEVGO_TURN_H

#include "gev_hub.h"

/* gevgo_turn converts the host's absolute timer deadlines, then runs gev_hub_turn(h,
 * max_wait) and returns its result.
 *
 * A GEV_HUB_CMD_TIMER_START whose `arg` is non-zero carries its deadline as an absolute
 * CLOCK_MONOTONIC time in nanoseconds (the Go runtime's nanotime, the same clock libev's
 * timers run on); gevgo_turn replaces `seconds` by the time left until it (0 if already
 * past) and clears `arg`, reading the clock once, in C, just before the turn refreshes
 * libev's clock. Converting here rather than in Go keeps the gap between the two clock
 * reads to the conversion loop (about a nanosecond a command): nothing can preempt it, as
 * the Go scheduler or GC could preempt Go code between a Go clock read and the cgo call.
 * That gap is what decides whether two timers flushed in different turns, with deadlines
 * closer than it, fire in deadline order. Commands with arg == 0 are left as they are. */
int gevgo_turn(gev_hub *h, double max_wait);

/* gevgo_turn_census is gevgo_turn followed, in the same call, by gev_hub_get_census(h, out):
 * a host that must know after each turn whether the C side can still make progress on its
 * own (armed C timers, fd waits, ready greenlets) learns it without a second crossing. */
int gevgo_turn_census(gev_hub *h, double max_wait, gev_hub_census *out);

#endif /* GEVGO_TURN_H */

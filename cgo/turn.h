/*
 * turn.h - the Go binding's wrapper around gev_hub_turn: absolute timer deadlines.
 */
#ifndef GEVGO_TURN_H
#define GEVGO_TURN_H

#include "gev_hub.h"

/* gevgo_turn marks the host's absolute timer deadlines, then runs gev_hub_turn(h,
 * max_wait) and returns its result.
 *
 * A GEV_HUB_CMD_TIMER_START whose `arg` is non-zero carries its deadline as an absolute
 * CLOCK_MONOTONIC time in nanoseconds (the Go runtime's nanotime, the clock libev's timers
 * run on); gevgo_turn moves it into `seconds` as a GEV_HUB_TIMER_AT deadline and clears
 * `arg`. The C hub then converts every deadline of the turn against libev's own timer
 * clock, so timers keep their deadline order across turns exactly, whatever the Go
 * scheduler or GC did between Go's clock read and the cgo call. Commands with arg == 0 are
 * left as they are. */
int gevgo_turn(gev_hub *h, double max_wait);

/* gevgo_turn_census is gevgo_turn followed, in the same call, by gev_hub_get_census(h, out):
 * a host that must know after each turn whether the C side can still make progress on its
 * own (armed C timers, fd waits, ready greenlets) learns it without a second crossing. */
int gevgo_turn_census(gev_hub *h, double max_wait, gev_hub_census *out);

#endif /* GEVGO_TURN_H */

/*
 * turn.h - the Go binding's wrapper around gev_hub_turn: absolute timer deadlines.
 */
#ifndef GEVGO_TURN_H
#define GEVGO_TURN_H

#include "gev_hub.h"

/* gevgo_turn runs gev_hub_turn(h, max_wait) and returns its result, in a frame of its own
 * that C tracebacks of a crash inside the turn name. The Go host's absolute timer deadlines
 * are GEV_HUB_CMD_TIMER_AT commands (gev_hub.h), which the C hub converts itself. */
int gevgo_turn(gev_hub *h, double max_wait);

/* gevgo_turn_census is gevgo_turn followed, in the same call, by gev_hub_get_census(h, out):
 * a host that must know after each turn whether the C side can still make progress on its
 * own (armed C timers, fd waits, ready greenlets) learns it without a second crossing. */
int gevgo_turn_census(gev_hub *h, double max_wait, gev_hub_census *out);

#endif /* GEVGO_TURN_H */

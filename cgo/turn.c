//go:build cgo && !purego

/*
 * turn.c - gevgo_turn (see turn.h). Runs on the hub's thread, in the one cgo call of a
 * hub turn.
 */
#include <stdint.h>

#include "turn.h"

int gevgo_turn(gev_hub *h, double max_wait)
{
	int rc = gev_hub_turn(h, max_wait);
	/* No tail call: a crash inside the turn keeps this frame, which C tracebacks name. */
	__asm__ volatile("" ::: "memory");
	return rc;
}

int gevgo_turn_census(gev_hub *h, double max_wait, gev_hub_census *out)
{
	int rc = gevgo_turn(h, max_wait);
	gev_hub_get_census(h, out);
	return rc;
}

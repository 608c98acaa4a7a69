//go:build cgo && !purego

/*
 * turn.c - gevgo_turn (see turn.h). Runs on the hub's thread, in the one cgo call of a
 * hub turn.
 */
#include <stdint.h>

#include "turn.h"

int gevgo_turn(gev_hub *h, double max_wait)
{
	gev_hub_host *host = gev_hub_host_of(h);
	uint32_t n = host->ncmds;
	if (n > host->cmd_cap)
		n = 0; /* gev_hub_turn reports the broken count */
	for (uint32_t i = 0; i < n; i++) {
		gev_hub_cmd *c = &host->cmds[i];
		if (c->op != GEV_HUB_CMD_TIMER_START || c->arg == NULL)
			continue;
		/* Absolute: the C hub converts every deadline of the turn against libev's own
		 * clock, so no clock is read here. */
		c->seconds = (double)(int64_t)(intptr_t)c->arg / 1e9;
		c->code = GEV_HUB_TIMER_AT;
		c->arg = NULL;
	}
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

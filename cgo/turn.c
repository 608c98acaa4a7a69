//go:build cgo && !purego

/*
 * turn.c - gevgo_turn (see turn.h). Runs on the hub's thread, in the one cgo call of a
 * hub turn.
 */
#include <stdint.h>
#include <time.h>

#include "gev_coro.h"
#include "turn.h"

int gevgo_turn(gev_hub *h, double max_wait)
{
	gev_hub_host *host = gev_hub_host_of(h);
	uint32_t n = host->ncmds;
	if (n > host->cmd_cap)
		n = 0; /* gev_hub_turn reports the broken count */
	/* The thread's root coroutine is created on its first use, at the top of the first
	 * turn on this thread: create it before the clock read, not between it and the
	 * turn's own. */
	(void)gev_coro_current();
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	for (uint32_t i = 0; i < n; i++) {
		gev_hub_cmd *c = &host->cmds[i];
		if (c->op != GEV_HUB_CMD_TIMER_START || c->arg == NULL)
			continue;
		/* The difference is taken only when positive, and in unsigned arithmetic:
		 * no deadline, however far, can overflow it (a far one just never fires). */
		int64_t deadline = (int64_t)(intptr_t)c->arg;
		c->seconds = deadline > now ? (double)((uint64_t)deadline - (uint64_t)now) / 1e9 : 0.0;
		c->arg = NULL;
	}
	return gev_hub_turn(h, max_wait);
}

int gevgo_turn_census(gev_hub *h, double max_wait, gev_hub_census *out)
{
	int rc = gevgo_turn(h, max_wait);
	gev_hub_get_census(h, out);
	return rc;
}

//go:build cgo && !purego

/*
 * bodies.c - the C greenlet bodies of bodies.h. They run on C coroutine stacks inside
 * gev_hub_turn, on the hub's thread, and never call into Go.
 */
#include <stdint.h>

#include "bodies.h"

int gevgo_body_sleep(gev_hub *h, void *arg, void **value)
{
	int rc = gev_hub_sleep(h, (double)(uintptr_t)arg / 1000.0);
	if (rc != 0)
		return rc;
	*value = arg;
	return 0;
}

int gevgo_body_fail(gev_hub *h, void *arg, void **value)
{
	(void)h;
	(void)value;
	return (int)(intptr_t)arg;
}

int gevgo_body_sleep_fail(gev_hub *h, void *arg, void **value)
{
	(void)value;
	int rc = gev_hub_sleep(h, 0.001);
	if (rc != 0)
		return rc;
	return (int)(intptr_t)arg;
}

int gevgo_body_yield(gev_hub *h, void *arg, void **value)
{
	uintptr_t n = (uintptr_t)arg;
	for (uintptr_t i = 0; i < n; i++) {
		int rc = gev_hub_sleep(h, 0);
		if (rc != 0)
			return rc;
	}
	*value = arg;
	return 0;
}

int gevgo_body_park(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	return gev_hub_park_forever(h);
}

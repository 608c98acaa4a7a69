/*
 * hub_map.c - uint64 host id -> pointer, for host timers, io watchers and greenlets.
 * Open addressing with linear probing and backward-shift deletion (no tombstones), load
 * factor at most 1/2, Fibonacci hashing so that sequential ids spread.
 */
#include <string.h>

#include "hub_internal.h"

static inline size_t hub_map_slot(const hub_map *m, uint64_t key)
{
	return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (m->cap - 1);
}

void *hub_map_get(const hub_map *m, uint64_t key)
{
	if (!m->len)
		return NULL;
	for (size_t i = hub_map_slot(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (!m->vals[i])
			return NULL;
		if (m->keys[i] == key)
			return m->vals[i];
	}
}

static int hub_map_grow(hub_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16;
	hub_map n = {calloc(ncap, sizeof(uint64_t)), calloc(ncap, sizeof(void *)), ncap, 0};
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return GEV_HUB_ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->vals[i])
			continue;
		size_t j = hub_map_slot(&n, m->keys[i]);
		while (n.vals[j])
			j = (j + 1) & (ncap - 1);
		n.keys[j] = m->keys[i];
		n.vals[j] = m->vals[i];
		n.len++;
	}
	free(m->keys);
	free(m->vals);
	*m = n;
	return 0;
}

int hub_map_put(hub_map *m, uint64_t key, void *val)
{
	if ((m->len + 1) * 2 > m->cap && hub_map_grow(m) != 0)
		return GEV_HUB_ENOMEM;
	size_t i = hub_map_slot(m, key);
	while (m->vals[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->vals[i])
		m->len++;
	m->keys[i] = key;
	m->vals[i] = val;
	return 0;
}

void *hub_map_del(hub_map *m, uint64_t key)
{
	if (!m->len)
		return NULL;
	size_t mask = m->cap - 1, i = hub_map_slot(m, key);
	while (m->vals[i] && m->keys[i] != key)
		i = (i + 1) & mask;
	void *val = m->vals[i];
	if (!val)
		return NULL;
	/* Backward shift: move later members of the probe run into the hole when their home
	 * slot does not lie cyclically in (hole, j]. */
	size_t hole = i;
	for (size_t j = (i + 1) & mask; m->vals[j]; j = (j + 1) & mask) {
		size_t home = hub_map_slot(m, m->keys[j]);
		int stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (stays)
			continue;
		m->keys[hole] = m->keys[j];
		m->vals[hole] = m->vals[j];
		hole = j;
	}
	m->vals[hole] = NULL;
	m->keys[hole] = 0;
	m->len--;
	return val;
}

void hub_map_free(hub_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

void hub_map_each(const hub_map *m, void (*fn)(uint64_t key, void *val, void *ctx), void *ctx)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->vals[i])
			fn(m->keys[i], m->vals[i], ctx);
}

/*
 * coro_stack.c - coroutine stacks: mapping, guard pages and their budget, the per-thread
 * pool, the census counters. The layout of a mapping is drawn in gev_coro.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "coro_internal.h"

#if defined(GEV_CORO_VALGRIND)
#include <valgrind/valgrind.h>
#endif
#if defined(GEV_CORO_ASAN)
#include <sanitizer/asan_interface.h>
#endif

#define DESC_BYTES GEV_CORO_DESC_BYTES
_Static_assert(DESC_BYTES % 64 == 0, "the stack top (the descriptor) is 64-byte aligned");

/* ------------------------------------------------------------------------------------ */
/* Process-wide: page size, guard budget                                                 */
/* ------------------------------------------------------------------------------------ */

static size_t page_size;
static atomic_size_t guard_budget;
static atomic_size_t guarded_total; /* guarded stacks mapped by all threads */
static pthread_once_t globals_once = PTHREAD_ONCE_INIT;

/* Read vm.max_map_count without stdio (small stack, no allocation). */
static size_t read_max_map_count(void)
{
	char buf[32];
	size_t v = 0;
	int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 65530;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 65530;
	for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (size_t)(buf[i] - '0');
	return v ? v : 65530;
}

static void globals_init(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	page_size = ps > 0 ? (size_t)ps : 4096;
	/* A guarded stack costs two mappings; keep an eighth of them for everything else. */
	size_t m = read_max_map_count();
	atomic_store(&guard_budget, m / 2 - m / 16);
}

GEV_HIDDEN size_t gev__page_size(void)
{
	return page_size;
}

size_t gev_coro_guard_budget(void)
{
	pthread_once(&globals_once, globals_init);
	return atomic_load(&guard_budget);
}

size_t gev_coro_set_guard_budget(size_t budget)
{
	pthread_once(&globals_once, globals_init);
	return atomic_exchange(&guard_budget, budget);
}

/* Reserve one guarded stack within the budget. */
static int guard_reserve(void)
{
	size_t n = atomic_fetch_add(&guarded_total, 1);
	if (n < atomic_load(&guard_budget))
		return 1;
	atomic_fetch_sub(&guarded_total, 1);
	return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Mapping and unmapping                                                                 */
/* ------------------------------------------------------------------------------------ */

/* Map a fresh stack of `usable` bytes (page multiple). */
static gev_coro *stack_map(struct gev_thread *t, size_t usable, enum gev_coro_guard g)
{
	size_t ps = page_size;
	/* low page (guard or soft) + the usable stack + the descriptor, in whole pages */
	size_t size = ps + ((usable + DESC_BYTES + ps - 1) & ~(ps - 1));
	char *base = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	int guarded = 0;
	if (g == GEV_CORO_GUARD_AUTO && guard_reserve()) {
		if (mprotect(base, ps, PROT_NONE) == 0) {
			guarded = 1;
		} else {
			/* Out of mappings (ENOMEM) despite the budget: fall back to unguarded. */
			atomic_fetch_sub(&guarded_total, 1);
		}
	}
	gev_coro *co = (gev_coro *)(base + size - DESC_BYTES);
	co->map_base = base;
	co->map_size = size;
	co->usable = (size_t)((char *)co - (base + ps));
	co->flags = guarded ? GEV_CORO_F_GUARDED : 0;
	co->limit = guarded ? 0 : (uintptr_t)(base + ps);
#if defined(GEV_CORO_VALGRIND)
	/* lowest and highest usable byte, both inclusive */
	co->valgrind_id = VALGRIND_STACK_REGISTER(base + ps, (char *)co - 1);
#endif
	t->census.mapped_stacks++;
	t->census.guarded_stacks += (size_t)guarded;
	return co;
}

static void stack_unmap(struct gev_thread *t, gev_coro *co)
{
	int guarded = (co->flags & GEV_CORO_F_GUARDED) != 0;
#if defined(GEV_CORO_VALGRIND)
	VALGRIND_STACK_DEREGISTER(co->valgrind_id);
#endif
	/* Read the fields before the mapping holding them goes away. */
	char *base = co->map_base;
	size_t size = co->map_size;
	if (munmap(base, size) != 0)
		gev__die("gev_coro_destroy", "munmap of a coroutine stack failed", NULL, NULL);
	t->census.mapped_stacks--;
	if (guarded) {
		t->census.guarded_stacks--;
		atomic_fetch_sub(&guarded_total, 1);
	}
}

/* ------------------------------------------------------------------------------------ */
/* The pool                                                                              */
/* ------------------------------------------------------------------------------------ */

/* A size class is keyed by usable size and guard: usable is a multiple of 64, so bit 0
 * says "guarded". */
static inline size_t pool_key(size_t usable, int guarded)
{
	return usable | (size_t)(guarded != 0);
}

static struct gev_pool_class *pool_class(struct gev_thread *t, size_t key, int claim)
{
	struct gev_pool_class *free_class = NULL;
	for (int i = 0; i < GEV_POOL_CLASSES; i++) {
		struct gev_pool_class *c = &t->pool[i];
		if (c->key == key)
			return c;
		if (free_class == NULL && c->n == 0)
			free_class = c;
	}
	if (claim && free_class != NULL) {
		free_class->key = key;
		return free_class;
	}
	return NULL;
}

static gev_coro *pool_pop(struct gev_thread *t, size_t key)
{
	struct gev_pool_class *c = pool_class(t, key, 0);
	if (c == NULL || c->head == NULL)
		return NULL;
	gev_coro *co = c->head;
	c->head = co->pool_next;
	if (GEV_UNLIKELY(c->n == c->nreleased)) {
		/* the whole class is released: its pages come back zeroed or as they were */
		c->nreleased--;
		t->census.released_stacks--;
		co->flags &= ~GEV_CORO_F_RELEASED;
	}
	c->n--;
	if (c->n < c->low)
		c->low = c->n;
	t->pooled--;
	t->census.pooled_stacks--;
	return co;
}

/* GUARD_AUTO takes a pooled guarded stack, else maps a new one (guarded while the budget
 * allows), and takes a pooled unguarded stack only once the budget is spent. GUARD_NONE
 * takes only unguarded stacks, so it never uses up a mapping on a guard. */
GEV_HIDDEN gev_coro *gev__stack_get(struct gev_thread *t, size_t request, enum gev_coro_guard g)
{
	size_t usable = ((request + DESC_BYTES + page_size - 1) & ~(page_size - 1)) - DESC_BYTES;
	gev_coro *co = pool_pop(t, pool_key(usable, g == GEV_CORO_GUARD_AUTO));
	if (GEV_LIKELY(co != NULL))
		return co;
	if (g == GEV_CORO_GUARD_AUTO &&
	    atomic_load_explicit(&guarded_total, memory_order_relaxed) >=
		    atomic_load_explicit(&guard_budget, memory_order_relaxed) &&
	    (co = pool_pop(t, pool_key(usable, 0))) != NULL)
		return co;
	return stack_map(t, usable, g);
}

GEV_HIDDEN void gev__stack_put(struct gev_thread *t, gev_coro *co)
{
#if defined(GEV_CORO_ASAN)
	/* Frames dropped without unwinding leave their redzones poisoned. */
	ASAN_UNPOISON_MEMORY_REGION(gev__stack_lo(co), co->usable);
#endif
	struct gev_pool_class *c = NULL;
	if (t->pooled < t->pool_cap)
		c = pool_class(t, pool_key(co->usable, co->flags & GEV_CORO_F_GUARDED), 1);
	if (c == NULL) {
		stack_unmap(t, co);
		return;
	}
	/* No madvise here: a burst of exits would pay a system call each. The pages of cold
	 * stacks go back later, in gev_coro_pool_release(_idle). */
	co->key = gev__key(t, GEV_CORO_POOLED);
	co->pool_next = c->head;
	c->head = co;
	c->n++;
	t->pooled++;
	t->census.pooled_stacks++;
}

GEV_HIDDEN void gev__pool_shrink(struct gev_thread *t, size_t keep)
{
	for (int i = GEV_POOL_CLASSES - 1; i >= 0 && t->pooled > keep; i--) {
		struct gev_pool_class *c = &t->pool[i];
		if (c->n == 0)
			continue;
		/* Unmap from the end of the list: the stacks pooled longest ago, released first,
		 * so the resident ones most likely to be reused stay. */
		size_t drop = t->pooled - keep < c->n ? t->pooled - keep : c->n;
		size_t stay = c->n - drop;
		gev_coro **link = &c->head;
		for (size_t k = 0; k < stay; k++)
			link = &(*link)->pool_next;
		gev_coro *co = *link;
		*link = NULL;
		size_t unreleased = drop < c->nreleased ? drop : c->nreleased;
		c->nreleased -= unreleased;
		t->census.released_stacks -= unreleased;
		c->n = stay;
		if (c->low > stay)
			c->low = stay;
		t->pooled -= drop;
		t->census.pooled_stacks -= drop;
		while (co != NULL) {
			gev_coro *next = co->pool_next;
			stack_unmap(t, co);
			co = next;
		}
		if (c->n == 0)
			c->key = 0;
	}
}

/* Give back the pages of one pooled stack: everything below its top page, which holds
 * the descriptor (and the pool link) and is rewritten on reuse anyway. MADV_FREE lets the
 * kernel take them lazily, under memory pressure; kernels without it (before 4.5) get
 * MADV_DONTNEED. */
static void stack_release(gev_coro *co)
{
	char *lo = co->map_base + (co->flags & GEV_CORO_F_GUARDED ? page_size : 0);
	char *top_page = (char *)((uintptr_t)co & ~(uintptr_t)(page_size - 1));
	if (top_page > lo && madvise(lo, (size_t)(top_page - lo), MADV_FREE) != 0)
		(void)madvise(lo, (size_t)(top_page - lo), MADV_DONTNEED);
	co->flags |= GEV_CORO_F_RELEASED;
}

/* Release the stacks of class c from list position `from` (0 = the head) down to the
 * released suffix; returns how many. */
static size_t class_release_from(struct gev_thread *t, struct gev_pool_class *c, size_t from)
{
	size_t end = c->n - c->nreleased;
	if (from >= end)
		return 0;
	gev_coro *co = c->head;
	for (size_t i = 0; i < from; i++)
		co = co->pool_next;
	for (size_t i = from; i < end; i++, co = co->pool_next)
		stack_release(co);
	c->nreleased += end - from;
	t->census.released_stacks += end - from;
	return end - from;
}

size_t gev_coro_pool_release(void)
{
	struct gev_thread *t = gev__thread();
	size_t released = 0;
	for (int i = 0; i < GEV_POOL_CLASSES; i++) {
		struct gev_pool_class *c = &t->pool[i];
		if (c->n - c->nreleased > GEV_CORO_POOL_HOT)
			released += class_release_from(t, c, GEV_CORO_POOL_HOT);
	}
	return released;
}

size_t gev_coro_pool_release_idle(void)
{
	struct gev_thread *t = gev__thread();
	size_t released = 0;
	for (int i = 0; i < GEV_POOL_CLASSES; i++) {
		struct gev_pool_class *c = &t->pool[i];
		/* the bottom `low` stacks sat unused since the last call */
		size_t from = c->n - c->low;
		if (from < GEV_CORO_POOL_HOT)
			from = GEV_CORO_POOL_HOT;
		if (c->n - c->nreleased > from)
			released += class_release_from(t, c, from);
		c->low = c->n;
	}
	return released;
}

GEV_HIDDEN void gev__globals_init(void)
{
	pthread_once(&globals_once, globals_init);
}

/*
 * coro_verify.c - gev_coro_verify: the full check of a thread's coroutine bookkeeping
 * (current and root, every pooled stack, the census), run by the tests after every case.
 * It walks the whole pool: O(pooled stacks), not for hot paths.
 */
#include "coro_internal.h"

static void check(int ok, const char *what, const gev_coro *co)
{
	if (GEV_UNLIKELY(!ok))
		gev__die("gev_coro_verify", what, co, NULL);
}

void gev_coro_verify(void)
{
	struct gev_thread *t = gev__thread();
	const gev_coro *cur = t->current;
	if (cur == NULL) {
		/* never used on this thread: nothing may exist */
		check(t->pooled == 0 && t->census.live == 0 && t->census.mapped_stacks == 0,
		      "an unused thread has coroutines or stacks", NULL);
		return;
	}
	const gev_coro *root = &t->root;
	check(gev__owner(cur) == t, "the current coroutine belongs to another thread", cur);
	check(gev__state(cur) == GEV_CORO_RUNNING, "the current coroutine is not RUNNING", cur);
	check((root->flags & GEV_CORO_F_ROOT) && gev__owner(root) == t && root->limit == 0,
	      "the root coroutine is corrupt", root);
	check(cur == root || gev__state(root) == GEV_CORO_SUSPENDED,
	      "the root coroutine is neither current nor SUSPENDED", root);
	check(cur == root || (cur->flags & GEV_CORO_F_ROOT) == 0,
	      "the current coroutine is another thread's root", cur);

	size_t pooled = 0, guarded_pooled = 0, released = 0;
	for (int i = 0; i < GEV_POOL_CLASSES; i++) {
		const struct gev_pool_class *c = &t->pool[i];
		size_t n = 0, nreleased = 0;
		for (const gev_coro *co = c->head; co != NULL; co = co->pool_next) {
			int guarded = (co->flags & GEV_CORO_F_GUARDED) != 0;
			if (co->flags & GEV_CORO_F_RELEASED)
				nreleased++;
			else
				check(nreleased == 0,
				      "a resident pooled stack is below a released one", co);
			check(gev__state(co) == GEV_CORO_POOLED, "a pooled stack is not POOLED", co);
			check(gev__owner(co) == t, "a pooled stack belongs to another thread", co);
			check((co->usable | (size_t)guarded) == c->key,
			      "a pooled stack is in the wrong size/guard class", co);
			check(guarded == (co->limit == 0), "a stack's guard flag and limit disagree", co);
			check((char *)co + GEV_CORO_DESC_BYTES == co->map_base + co->map_size &&
				      gev__stack_lo(co) + co->usable == (char *)co &&
				      ((uintptr_t)co & 63) == 0,
			      "a pooled stack's layout is corrupt", co);
			n++;
			guarded_pooled += (size_t)guarded;
		}
		check(n == c->n, "a pool class count disagrees with its list", NULL);
		check(nreleased == c->nreleased,
		      "a pool class's released count disagrees with its list", NULL);
		check(c->low <= n, "a pool class's low-water mark exceeds its count", NULL);
		released += nreleased;
		check(n != 0 || c->head == NULL, "an empty pool class has a head", NULL);
		pooled += n;
	}
	check(pooled == t->pooled && pooled == t->census.pooled_stacks,
	      "the pool counts disagree with the pool", NULL);
	check(released == t->census.released_stacks,
	      "the census's released stacks disagree with the pool", NULL);
	check(pooled <= t->pool_cap, "the pool holds more stacks than its cap", NULL);
	check(t->census.mapped_stacks == t->census.live + t->census.pooled_stacks,
	      "mapped stacks != live coroutines + pooled stacks", NULL);
	check(t->census.guarded_stacks <= t->census.mapped_stacks &&
		      guarded_pooled <= t->census.guarded_stacks,
	      "more guarded stacks than stacks", NULL);
}

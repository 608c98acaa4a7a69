/*
 * coro.c - coroutine lifecycle and the switch: per-thread state and the root coroutine,
 * create / switch / exit / destroy, misuse and overflow diagnostics, sanitizer hooks.
 * The stacks are in coro_stack.c, the machine context in coro_ctx.h and switch_*.S.
 *
 * The fast path of gev_coro_switch is: one TLS load, two compares on the target (NULL;
 * owner and state in one word), one on the caller (unguarded stack?), three stores, and a
 * tail call into the asm swap (six pushes, two moves, six pops, pop + jmp).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coro_ctx.h"
#include "coro_internal.h"

#if defined(GEV_CORO_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

/* ------------------------------------------------------------------------------------ */
/* Per-thread state                                                                      */
/* ------------------------------------------------------------------------------------ */

static __thread struct gev_thread gev_tls __attribute__((tls_model("initial-exec")));
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

GEV_HIDDEN struct gev_thread *gev__thread(void)
{
	return &gev_tls;
}

/* Thread exit: unmap the pool. Live coroutines are the program's to destroy; their
 * stacks stay mapped (and counted) if it does not. */
static void thread_exit(void *p)
{
	struct gev_thread *t = p;
	gev__pool_shrink(t, 0);
}

static void exit_key_init(void)
{
	gev__globals_init();
	if (pthread_key_create(&exit_key, thread_exit) != 0)
		gev__die("gev_coro", "pthread_key_create failed", NULL, NULL);
}

static __attribute__((noinline, cold)) gev_coro *thread_init(struct gev_thread *t)
{
	pthread_once(&exit_key_once, exit_key_init);
	gev_coro *root = &t->root;
	root->key = gev__key(t, GEV_CORO_RUNNING);
	root->flags = GEV_CORO_F_ROOT;
	root->limit = 0;
	root->name = "root";
	t->pool_cap = GEV_CORO_POOL_CAP;
	t->current = root;
	if (pthread_setspecific(exit_key, t) != 0)
		gev__die("gev_coro", "pthread_setspecific failed", NULL, NULL);
	return root;
}

static inline struct gev_thread *thread_get(void)
{
	struct gev_thread *t = &gev_tls;
	if (GEV_UNLIKELY(t->current == NULL))
		thread_init(t);
	return t;
}

/* ------------------------------------------------------------------------------------ */
/* Diagnostics: formatted with little stack and no stdio, since they may run on a        */
/* coroutine stack that has just overflowed                                              */
/* ------------------------------------------------------------------------------------ */

struct msg {
	char buf[320];
	size_t n;
};

/* Without ASan instrumentation in the report path: ASan calls __asan_handle_no_return
 * before a noreturn call, which alone needs more than the soft page of an overflowed
 * unguarded stack can give. */
#if defined(GEV_CORO_ASAN)
#define DIE_PATH __attribute__((no_sanitize_address))
#else
#define DIE_PATH
#endif

DIE_PATH static void msg_str(struct msg *m, const char *s)
{
	while (*s && m->n < sizeof m->buf - 1)
		m->buf[m->n++] = *s++;
}

DIE_PATH const char *gev__fmt_uint(char buf[GEV_FMT_UINT_MAX], uint64_t v, int hex)
{
	int i = GEV_FMT_UINT_MAX - 1;
	buf[i] = 0;
	do {
		buf[--i] = hex ? "0123456789abcdef"[v & 15] : (char)('0' + v % 10);
		v = hex ? v >> 4 : v / 10;
	} while (v);
	if (hex) {
		buf[--i] = 'x';
		buf[--i] = '0';
	}
	return buf + i;
}

DIE_PATH static void msg_hex(struct msg *m, uintptr_t v)
{
	char tmp[GEV_FMT_UINT_MAX];
	msg_str(m, gev__fmt_uint(tmp, v, 1));
}

DIE_PATH static void msg_dec(struct msg *m, size_t v)
{
	char tmp[GEV_FMT_UINT_MAX];
	msg_str(m, gev__fmt_uint(tmp, v, 0));
}

DIE_PATH static void msg_coro(struct msg *m, const gev_coro *co)
{
	msg_str(m, "coroutine '");
	msg_str(m, co->name ? co->name : "(unnamed)");
	msg_str(m, "' (");
	msg_hex(m, (uintptr_t)co);
	size_t room = sizeof m->buf - 1 - m->n;
	if (room > 2) {
		size_t d = gev__describe(co, m->buf + m->n + 2, room - 2);
		if (d > 0) {
			m->buf[m->n] = ',';
			m->buf[m->n + 1] = ' ';
			m->n += d + 2;
		}
	}
	msg_str(m, ")");
}

/* Called through pointers that the dynamic linker fills at load time: a first call
 * through the PLT would run the lazy-binding resolver, which saves the vector registers
 * on the stack (kilobytes with AVX-512) and could itself overflow a stack that already did. */
static ssize_t (*const volatile die_write)(int, const void *, size_t) = write;
static void (*const volatile die_abort)(void) = abort;

DIE_PATH static __attribute__((noreturn)) void msg_die(struct msg *m)
{
	m->buf[m->n++] = '\n';
	for (size_t off = 0; off < m->n;) {
		ssize_t w = die_write(STDERR_FILENO, m->buf + off, m->n - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	die_abort();
	__builtin_trap();
}

DIE_PATH GEV_HIDDEN void gev__die(const char *fn, const char *what, const gev_coro *co, const char *detail)
{
	struct msg m;
	m.n = 0;
	msg_str(&m, fn);
	msg_str(&m, ": ");
	msg_str(&m, what);
	if (co != NULL) {
		msg_str(&m, ": ");
		msg_coro(&m, co);
	}
	if (detail != NULL) {
		msg_str(&m, ": ");
		msg_str(&m, detail);
	}
	msg_die(&m);
}

/* The reports of stack_check, out of line: the check itself stays a few loads. sp is the
 * stack pointer found outside the stack; 0 says the canary was written, 1 that only the
 * soft page below it was. */
static DIE_PATH __attribute__((noreturn, noinline, cold)) void stack_overflow(const char *fn,
									     const gev_coro *co,
									     uintptr_t sp)
{
	struct msg m;
	m.n = 0;
	msg_str(&m, fn);
	msg_str(&m, ": stack overflow in ");
	msg_coro(&m, co);
	if (sp > 1) {
		msg_str(&m, ": sp ");
		msg_hex(&m, sp);
		msg_str(&m, " is outside its unguarded stack [");
		msg_hex(&m, co->limit);
		msg_str(&m, ", ");
		msg_hex(&m, (uintptr_t)co);
		msg_str(&m, ") of ");
		msg_dec(&m, co->usable);
		msg_str(&m, " bytes");
	} else if (sp == 0) {
		msg_str(&m, ": the canary below its unguarded stack of ");
		msg_dec(&m, co->usable);
		msg_str(&m, " bytes was overwritten");
	} else {
		msg_str(&m, ": the soft page below its unguarded stack of ");
		msg_dec(&m, co->usable);
		msg_str(&m, " bytes was written");
	}
	msg_die(&m);
}

/* Abort when the unguarded stack of `co` overflowed: sp (its current stack pointer, or 0
 * when unknown) outside the stack, or the canary below it written. A no-op when
 * co->limit is 0 (guarded or root). Inline: on the unguarded switch path it is two
 * compares and eight loads of one always-cached line (the shared zero page). */
static inline DIE_PATH void stack_check(const char *fn, const gev_coro *co, uintptr_t sp)
{
	uintptr_t lo = co->limit;
	if (lo == 0)
		return;
	if (sp != 0 && (sp < lo || sp > (uintptr_t)co))
		stack_overflow(fn, co, sp);
	typedef uint64_t __attribute__((may_alias)) word;
	_Static_assert(GEV_CORO_CANARY_BYTES == 8 * sizeof(word), "the canary is eight words");
	const word *c = (const word *)(lo - GEV_CORO_CANARY_BYTES);
	uint64_t bits = (c[0] | c[1]) | (c[2] | c[3]) | (c[4] | c[5]) | (c[6] | c[7]);
	if (bits != 0)
		stack_overflow(fn, co, 0);
}

/* Why `to` cannot be switched to; called only once the fast check failed. */
static __attribute__((noreturn, noinline, cold)) void target_misuse(const char *fn,
								       struct gev_thread *t,
								       const gev_coro *to)
{
	/* An unguarded stack that overflowed by more than its soft page has written into the
	 * mapping below it, often the descriptor of the coroutine it switches to next: the
	 * overflow is the news, not the smashed target. Its marks: sp out of bounds, or any
	 * byte of the soft page (not only the canary) written. */
	const gev_coro *cur = t->current;
	if (cur != NULL && cur->limit != 0) {
		uintptr_t sp = ctx_sp();
		if (sp < cur->limit || sp > (uintptr_t)cur)
			stack_overflow(fn, cur, sp);
		const uint64_t *canary = (const uint64_t *)(cur->limit - GEV_CORO_CANARY_BYTES);
		for (const uint64_t *w = (const uint64_t *)cur->limit;
		     w-- > (const uint64_t *)cur->map_base;)
			if (*w != 0)
				stack_overflow(fn, cur, w >= canary ? 0 : 1);
	}
	if (to == NULL)
		gev__die(fn, "the target coroutine is NULL", NULL, NULL);
	if (gev__owner(to) != t)
		gev__die(fn, "the target belongs to another thread", to, NULL);
	if (to == t->current)
		gev__die(fn, "cannot switch to the running coroutine itself", to, NULL);
	if (gev__state(to) == GEV_CORO_FINISHED)
		gev__die(fn, "the target is finished", to, NULL);
	if (gev__state(to) == GEV_CORO_POOLED)
		gev__die(fn, "the target was destroyed", to, NULL);
	gev__die(fn, "the target has an invalid state (freed or corrupt)", to, NULL);
}

static inline int target_bad(struct gev_thread *t, const gev_coro *to)
{
	return to == NULL || (to->key & ~(uintptr_t)GEV_CORO_SUSPENDED) != (uintptr_t)t;
}

/* ------------------------------------------------------------------------------------ */
/* Switching                                                                             */
/* ------------------------------------------------------------------------------------ */

#if defined(GEV_CORO_ASAN)
/* ASan tracks one stack per thread: tell it about every switch, or its checks and its
 * fake stacks (detect_stack_use_after_return) break. A root's stack bounds are learned
 * the first time it is switched away from. */
static inline void asan_start(struct gev_thread *t, gev_coro *cur, gev_coro *to, int exiting)
{
	t->asan_from = cur;
	__sanitizer_start_switch_fiber(exiting ? NULL : &cur->asan_fake, to->asan_bottom,
				       to->asan_size);
}

static inline void asan_finish(struct gev_thread *t, void *fake)
{
	gev_coro *from = t->asan_from;
	__sanitizer_finish_switch_fiber(fake, &from->asan_bottom, &from->asan_size);
}
#endif

static inline void *coro_swap(struct gev_thread *t, gev_coro *cur, gev_coro *to, void *v)
{
#if defined(GEV_CORO_ASAN)
	asan_start(t, cur, to, 0);
	v = ctx_swap(t, cur, to, v);
	asan_finish(t, cur->asan_fake);
	return v;
#else
	return ctx_swap(t, cur, to, v);
#endif
}

/* The switch with every check spelled out: the first switch of a thread, misuse, and the
 * bounds/canary check of an unguarded stack. */
static __attribute__((noinline)) void *switch_slow(gev_coro *to, void *value)
{
	struct gev_thread *t = thread_get();
	gev_coro *cur = t->current;
	if (target_bad(t, to))
		target_misuse("gev_coro_switch", t, to);
	stack_check("gev_coro_switch", cur, ctx_sp());
	cur->key = gev__key(t, GEV_CORO_SUSPENDED);
	to->key = gev__key(t, GEV_CORO_RUNNING);
	t->current = to;
	return coro_swap(t, cur, to, value);
}

/* The fast path folds every check into one unlikely branch to switch_slow, so it needs
 * no registers of its own and tail-calls the asm swap. */
__attribute__((aligned(64))) void *gev_coro_switch(gev_coro *to, void *value)
{
	struct gev_thread *t = &gev_tls;
	gev_coro *cur = t->current;
	/* No test of cur == NULL (a thread's first call): a target that passes target_bad
	 * was created on this thread, which set up its root, so cur is set. */
	if (GEV_UNLIKELY(target_bad(t, to) || cur->limit != 0))
		return switch_slow(to, value);
	cur->key = gev__key(t, GEV_CORO_SUSPENDED);
	to->key = gev__key(t, GEV_CORO_RUNNING);
	t->current = to;
	return coro_swap(t, cur, to, value);
}

void gev_coro_exit(gev_coro *to, void *value)
{
	struct gev_thread *t = thread_get();
	gev_coro *cur = t->current;
	if (GEV_UNLIKELY(cur->flags & GEV_CORO_F_ROOT))
		gev__die("gev_coro_exit", "called on the root coroutine", cur, NULL);
	if (GEV_UNLIKELY(target_bad(t, to)))
		target_misuse("gev_coro_exit", t, to);
	if (GEV_UNLIKELY(cur->limit != 0))
		stack_check("gev_coro_exit", cur, ctx_sp());
	cur->key = gev__key(t, GEV_CORO_FINISHED);
	to->key = gev__key(t, GEV_CORO_RUNNING);
	t->current = to;
#if defined(GEV_CORO_ASAN)
	asan_start(t, cur, to, 1);
#endif
	ctx_swap(t, cur, to, value);
	gev__die("gev_coro_exit", "a finished coroutine was resumed", cur, NULL);
}

GEV_HIDDEN void gev__coro_entry(gev_coro *co, void *value)
{
	(void)value;
#if defined(GEV_CORO_ASAN)
	asan_finish(&gev_tls, NULL);
#endif
	co->fn(co->arg);
	gev__die("gev_coro", "the coroutine function returned (it must end with gev_coro_exit)",
		 co, NULL);
}

/* ------------------------------------------------------------------------------------ */
/* Lifecycle                                                                             */
/* ------------------------------------------------------------------------------------ */

int gev_coro_create_attr(gev_coro **out, gev_coro_fn fn, void *arg, const gev_coro_attr *attr)
{
	static const gev_coro_attr defaults;
	if (out == NULL)
		return GEV_EINVAL;
	*out = NULL;
	if (attr == NULL)
		attr = &defaults;
	size_t size = attr->stack_size;
	if (fn == NULL || (size != 0 && (size < GEV_CORO_STACK_MIN || size > GEV_CORO_STACK_MAX)))
		return GEV_EINVAL;
	if (attr->guard != GEV_CORO_GUARD_AUTO && attr->guard != GEV_CORO_GUARD_NONE)
		return GEV_EINVAL;
	if (size == 0)
		size = GEV_CORO_STACK_DEFAULT;
	struct gev_thread *t = thread_get();
	gev_coro *co = gev__stack_get(t, size, attr->guard);
	if (GEV_UNLIKELY(co == NULL))
		return GEV_ENOMEM;
	co->key = gev__key(t, GEV_CORO_NEW);
	co->fn = fn;
	co->arg = arg;
	co->name = attr->name;
	co->pool_next = NULL;
#if defined(GEV_CORO_ASAN)
	co->asan_fake = NULL;
	co->asan_bottom = gev__stack_lo(co);
	co->asan_size = co->usable;
#endif
	ctx_init(co);
	t->census.live++;
	*out = co;
	return 0;
}

int gev_coro_create(gev_coro **out, gev_coro_fn fn, void *arg, size_t stack_size)
{
	gev_coro_attr attr = {.stack_size = stack_size};
	return gev_coro_create_attr(out, fn, arg, &attr);
}

void gev_coro_destroy(gev_coro *co)
{
	if (co == NULL)
		return;
	struct gev_thread *t = &gev_tls;
	if (GEV_UNLIKELY(gev__owner(co) != t))
		gev__die("gev_coro_destroy", "the coroutine belongs to another thread", co, NULL);
	if (GEV_UNLIKELY(co->flags & GEV_CORO_F_ROOT))
		gev__die("gev_coro_destroy", "cannot destroy a root coroutine", co, NULL);
	if (GEV_UNLIKELY(gev__state(co) == GEV_CORO_RUNNING))
		gev__die("gev_coro_destroy", "cannot destroy the running coroutine", co, NULL);
	if (GEV_UNLIKELY(gev__state(co) == GEV_CORO_POOLED))
		gev__die("gev_coro_destroy", "the coroutine was already destroyed", co, NULL);
	if (GEV_UNLIKELY(gev__state(co) > GEV_CORO_POOLED))
		gev__die("gev_coro_destroy", "invalid state (freed or corrupt)", co, NULL);
	t->census.live--;
	gev__stack_put(t, co);
}

/* ------------------------------------------------------------------------------------ */
/* Queries and settings                                                                  */
/* ------------------------------------------------------------------------------------ */

gev_coro *gev_coro_current(void)
{
	return thread_get()->current;
}

enum gev_coro_state gev_coro_state(const gev_coro *co)
{
	return (enum gev_coro_state)gev__state(co);
}

void gev_coro_set_name(gev_coro *co, const char *name)
{
	co->name = name;
}

const char *gev_coro_name(const gev_coro *co)
{
	return co->name;
}

int gev_coro_stack_bounds(const gev_coro *co, void **lo, void **hi)
{
	if (co->flags & GEV_CORO_F_ROOT)
		return GEV_EINVAL;
	if (lo != NULL)
		*lo = gev__stack_lo(co);
	if (hi != NULL)
		*hi = gev__stack_hi(co);
	return 0;
}

int gev_coro_is_guarded(const gev_coro *co)
{
	return (co->flags & GEV_CORO_F_GUARDED) != 0;
}

void gev_coro_check_stack(void)
{
	struct gev_thread *t = thread_get();
	stack_check("gev_coro_check_stack", t->current, ctx_sp());
}

void gev_coro_get_census(gev_coro_census *out)
{
	*out = gev_tls.census;
}

void gev_coro_pool_trim(void)
{
	gev__pool_shrink(&gev_tls, 0);
}

size_t gev_coro_pool_set_cap(size_t cap)
{
	struct gev_thread *t = thread_get();
	size_t old = t->pool_cap;
	t->pool_cap = cap;
	gev__pool_shrink(t, cap);
	return old;
}

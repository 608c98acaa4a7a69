/*
 * coro_internal.h - private structures of the coroutine primitive, shared by its sources
 * (and by the cgo binding's overflow describer, for gev__fmt_uint). Cross-file functions are hidden (GEV_HIDDEN) and carry the gev__
 * prefix, so nothing but the gev_coro.h API is visible outside the library.
 */
#ifndef GEV_CORO_INTERNAL_H
#define GEV_CORO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "coro_arch.h"
#include "gev_coro.h"

#if defined(GEV_CORO_BACKEND_UCONTEXT)
#include <ucontext.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define GEV_CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GEV_CORO_ASAN 1
#endif
#endif

#if !defined(GEV_CORO_NO_VALGRIND) && defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#define GEV_CORO_VALGRIND 1
#endif
#endif

#define GEV_HIDDEN __attribute__((visibility("hidden")))
#define GEV_LIKELY(x) __builtin_expect(!!(x), 1)
#define GEV_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Internal state past GEV_CORO_FINISHED: the descriptor sits in the pool. */
#define GEV_CORO_POOLED 4

/* Descriptor flags. */
#define GEV_CORO_F_ROOT 1u
#define GEV_CORO_F_GUARDED 2u
#define GEV_CORO_F_RELEASED 4u /* pooled, and its pages below the top one given back */

/* Bytes of the canary below an unguarded stack's limit: one cache line that must read 0. */
#define GEV_CORO_CANARY_BYTES 64

struct gev_thread;

/*
 * One coroutine. It lives at the top of its own stack mapping (see the diagram in
 * gev_coro.h), except a thread's root, which lives in that thread's gev_thread. The first
 * cache line holds everything a switch touches.
 */
struct gev_coro {
	void *sp;                  /* private: saved stack pointer while not running (asm) */
	uintptr_t key;             /* rw: owner | state: the gev_thread * that created it, with
	                              enum gev_coro_state (or GEV_CORO_POOLED) in the low 3 bits,
	                              so "switchable by thread t" is one compare:
	                              (key & ~1) == t, i.e. owner t and NEW or SUSPENDED */
	uintptr_t limit;           /* ro: 0 = no switch-out check (guarded or root); else the
	                              lowest legal sp of the unguarded stack */
	uint32_t flags;            /* ro: GEV_CORO_F_* (the pool alone sets and clears
	                              GEV_CORO_F_RELEASED, while the stack is pooled) */
	gev_coro_fn fn;            /* ro: body */
	void *arg;                 /* ro: its argument */
	const char *name;          /* rw: for messages; NULL = unnamed */
	/* The stack mapping (unused for roots). */
	char *map_base;            /* ro: lowest byte of the mapping (guard or soft page) */
	size_t map_size;           /* ro: bytes mapped, descriptor included */
	size_t usable;             /* ro: usable stack bytes (the pool's size class) */
	gev_coro *pool_next;       /* private: next stack in the pool */
#if defined(GEV_CORO_VALGRIND)
	unsigned valgrind_id;      /* private: VALGRIND_STACK_REGISTER id */
#endif
#if defined(GEV_CORO_ASAN)
	void *asan_fake;           /* private: ASan fake stack saved while suspended */
	const void *asan_bottom;   /* private: stack bounds for ASan (learned for roots) */
	size_t asan_size;
#endif
#if defined(GEV_CORO_BACKEND_UCONTEXT)
	ucontext_t uc;             /* private: the saved context */
#endif
};

/* The descriptor's share of the top of a stack mapping (keeps the stack top 64-byte
 * aligned). */
#define GEV_CORO_DESC_BYTES ((sizeof(struct gev_coro) + 63) & ~(size_t)63)

/* One class of the stack pool (a usable size, guarded or not): a LIFO through
 * gev_coro.pool_next. The released stacks (GEV_CORO_F_RELEASED) are always the last
 * `nreleased` of the list, the ones pooled longest ago: a release walk stops at the first
 * released stack, and a pop meets one only once the whole class is released. */
struct gev_pool_class {
	size_t key;       /* usable | guarded; 0 = class unused */
	gev_coro *head;
	size_t n;
	size_t nreleased; /* the released suffix of the list */
	size_t low;       /* the least n since the last gev_coro_pool_release_idle: the
	                     bottom `low` stacks have not been touched since */
};

#define GEV_POOL_CLASSES 6

/*
 * Per-thread state (one static __thread instance, initial-exec TLS). `current` is NULL
 * until the thread first uses the library; gev__thread_init then sets up the root.
 */
struct gev_thread {
	gev_coro *current;         /* the running coroutine */
#if defined(GEV_CORO_BACKEND_UCONTEXT)
	void *xfer;                /* the value in flight during a swapcontext */
#endif
#if defined(GEV_CORO_ASAN)
	gev_coro *asan_from;       /* the coroutine that switched last */
#endif
	struct gev_pool_class pool[GEV_POOL_CLASSES];
	size_t pooled;             /* stacks in all classes */
	size_t pool_cap;
	gev_coro_census census;
	gev_coro root;             /* this thread's root coroutine */
};

#define GEV_CORO_STATE_MASK ((uintptr_t)7)
_Static_assert(_Alignof(struct gev_thread) >= 8, "state bits below the owner pointer");

static inline struct gev_thread *gev__owner(const gev_coro *co)
{
	return (struct gev_thread *)(co->key & ~GEV_CORO_STATE_MASK);
}

static inline unsigned gev__state(const gev_coro *co)
{
	return (unsigned)(co->key & GEV_CORO_STATE_MASK);
}

static inline uintptr_t gev__key(struct gev_thread *t, unsigned state)
{
	return (uintptr_t)t | state;
}

/* coro.c */
GEV_HIDDEN struct gev_thread *gev__thread(void);
/* Print "<fn>: <what> ... coroutine '<name>' (<ptr>)" + detail to stderr with little stack
 * (no stdio) and abort. detail may be NULL. */
GEV_HIDDEN void gev__die(const char *fn, const char *what, const gev_coro *co,
			 const char *detail) __attribute__((noreturn, cold));

/* Bytes gev__fmt_uint needs: any uint64_t in decimal or in 0x-prefixed hex, and the NUL. */
#define GEV_FMT_UINT_MAX 24

/* Write v into buf, NUL-terminated, in decimal or (hex) in 0x-prefixed lower-case hex, and
 * return where the text starts inside buf. Without stdio, locks or library calls and with
 * a small frame: the overflow reports call it from a signal handler or on a stack that has
 * just overflowed. */
GEV_HIDDEN const char *gev__fmt_uint(char buf[GEV_FMT_UINT_MAX], uint64_t v, int hex);

/* coro_guard.c: what the process's describer (gev_coro_guard.h) says about `co`, written
 * into buf (no terminator); 0 bytes when there is none or co is a root. */
GEV_HIDDEN size_t gev__describe(const gev_coro *co, char *buf, size_t cap);

/* coro_stack.c: take a stack with at least `usable` bytes (page multiple) for a new
 * descriptor, from the pool or fresh. Returns the descriptor location (its stack fields
 * set, the rest uninitialised) or NULL (ENOMEM). */
GEV_HIDDEN gev_coro *gev__stack_get(struct gev_thread *t, size_t usable, enum gev_coro_guard g);
/* Give the stack of a destroyed coroutine back: to the pool or unmapped. */
GEV_HIDDEN void gev__stack_put(struct gev_thread *t, gev_coro *co);
/* Unmap pooled stacks until at most `keep` remain, the least recently pooled first. */
GEV_HIDDEN void gev__pool_shrink(struct gev_thread *t, size_t keep);
GEV_HIDDEN size_t gev__page_size(void);
/* Initialise the process-wide state (page size, guard budget) once. */
GEV_HIDDEN void gev__globals_init(void);

/* The lowest usable byte of a stack, and one past its top. */
static inline char *gev__stack_lo(const gev_coro *co)
{
	return co->map_base + gev__page_size();
}

static inline char *gev__stack_hi(const gev_coro *co)
{
	return (char *)co;
}

#endif /* GEV_CORO_INTERNAL_H */

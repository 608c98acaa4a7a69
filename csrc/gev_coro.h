/*
 * gev_coro.h - stack-switching C coroutines: the primitive under the C core.
 *
 * This header is a contract the C hub codes against: functions and fields may be added,
 * the existing signatures and meanings do not change. Every exported symbol starts with
 * gev_ / GEV_; everything else in the implementation is static, or hidden with the gev__
 * prefix when two files of the library share it.
 *
 * Model: symmetric coroutines on one OS thread. Each thread has an implicit root
 * coroutine (its original stack), created lazily by the first call that needs it.
 * gev_coro_switch(to, v) suspends the calling coroutine and resumes `to`; whoever later
 * switches back to the caller passes the value that the caller's gev_coro_switch returns.
 * A coroutine's function must never return: it ends with gev_coro_exit(to, v), which marks
 * it finished and switches to `to` for good. A function that returns by mistake aborts the
 * process with a message naming the coroutine.
 *
 * A coroutine belongs to the thread that created it and must only be switched to, and
 * destroyed, on that thread.
 *
 * Memory of one coroutine: a single anonymous mapping (mmap MAP_NORESERVE), the
 * descriptor at its top, the stack growing down below it. Only pages the coroutine
 * touches become resident: a coroutine that stays shallow costs one page.
 *
 *   high  +--------------------------------+ base + map size
 *         | struct gev_coro (descriptor)   |   gev_coro * points here
 *         +--------------------------------+ stack top (64-byte aligned)
 *         | first-entry frame / live stack |   the top page is the only one touched
 *         |   grows down                   |   by a shallow coroutine
 *         |   ...  usable >= stack_size    |
 *         +--------------------------------+ stack limit (lo)
 *         | guard page, PROT_NONE          |   guarded stack: overflow -> SIGSEGV
 *         |   - or -                       |
 *         | soft page, RW, never touched;  |   unguarded stack: overflow -> abort
 *         |   its top 64 bytes = canary    |   at the next switch-out
 *   low   +--------------------------------+ base
 *
 * Guard pages and their budget: each guard page splits the mapping in two, so a guarded
 * stack costs two of the process's vm.max_map_count mappings (65530 by default) where
 * adjacent unguarded stacks merge into one. Stacks get a guard page while the process
 * holds fewer than gev_coro_guard_budget() guarded stacks: by default
 * max_map_count/2 - max_map_count/16 (28,670 for 65530), leaving an eighth of the
 * mappings to the rest of the process (libraries, heap arenas, thread stacks, the Go
 * runtime). Past the budget, stacks are unguarded.
 *
 * Stack overflow is always reported, never silently tolerated:
 *   - guarded stack: the first write into the guard page raises SIGSEGV, which kills the
 *     process (with a core dump, if enabled). This library installs no signal handler
 *     unless asked: gev_coro_overflow_report_install (gev_coro_guard.h) adds one that
 *     names the coroutine, its stack and the fault address, then passes the fault on to
 *     the handler installed before it (inside a Go process, the Go runtime's, which
 *     reports it as "SIGSEGV: segmentation violation" and ends the process).
 *   - unguarded stack: every switch out of (and exit of) the coroutine
 *     checks that the stack pointer is inside the stack and that the canary (the 64 bytes
 *     just below the stack limit, which stay zero unless written) is intact; if not, the
 *     process aborts with "gev_coro_switch: stack overflow in coroutine '<name>' ...".
 *     An overflow of more than the soft page (4 KiB) may corrupt a neighbouring mapping
 *     before it is caught. The canary is zero because untouched anonymous memory reads as
 *     zero without becoming resident: a non-zero canary would cost a second resident page
 *     per coroutine.
 *
 * Stack pool: a per-thread LIFO of stacks freed by gev_coro_destroy, reused by
 * gev_coro_create for the same usable size and guard kind without any system call
 * (GEV_CORO_POOL_CAP stacks by default, see gev_coro_pool_set_cap). Neither pushing nor
 * popping makes a system call: a burst of exits costs no madvise. The memory of cold
 * stacks goes back when the owner asks: gev_coro_pool_release gives back (madvise
 * MADV_FREE) everything below the top page of each pooled stack beyond the
 * GEV_CORO_POOL_HOT most recently pooled of its class, and gev_coro_pool_release_idle
 * does so only for those that also sat unused since its previous call. The C hub calls
 * the first before it sleeps and the second about once a second while busy, so a large
 * idle pool holds little memory. A released stack is reused like any other (its pages
 * come back on first touch). A thread's pool is unmapped when the thread exits (a pthread
 * key destructor) or by gev_coro_pool_trim.
 *
 * Floating-point control state (MXCSR and the x87 control word on x86-64, FPCR on
 * AArch64) is thread-wide by default, not saved per coroutine: changing the rounding
 * mode in one coroutine changes it for every coroutine of the thread, as with Go's
 * goroutines on one thread (boost.context, by contrast, saves it on every switch: most
 * of its extra cost). Building the C core with -DGEV_CORO_SAVE_FPENV
 * saves it per coroutine (a new coroutine starts with its creator's state), at the cost
 * of about 2 ns a switch. The ucontext fallback always saves it (swapcontext does).
 *
 * Backends (coro_arch.h): hand-written assembly for x86-64 SysV and AArch64 AAPCS64; the
 * portable makecontext/swapcontext fallback elsewhere, or when built with
 * -DGEV_CORO_UCONTEXT (make FALLBACK=1); it is ~50x slower (swapcontext makes a
 * sigprocmask system call). Tools: with AddressSanitizer the switches are annotated with
 * __sanitizer_start/finish_switch_fiber (fake stacks included; destroying a SUSPENDED
 * coroutine leaks its fake stack, if it had one, since ASan has no call to free it); when
 * <valgrind/valgrind.h> is available at build time stacks are registered with
 * VALGRIND_STACK_REGISTER.
 *
 * Costs on x86-64 (make -C csrc bench, this project's CI machine): gev_coro_switch
 * ~2.8 ns (guarded stack), ~3.5 ns (unguarded: the canary and sp checks);
 * boost.context's jump_fcontext, which also saves the FP control state, ~4.5 ns. Pooled
 * create + first switch + exit + destroy ~19 ns. Create with an empty pool costs an mmap
 * (and an mprotect when guarded), destroy with a full pool a munmap.
 */
#ifndef GEV_CORO_H
#define GEV_CORO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gev_coro gev_coro;

/* The body of a coroutine. `arg` is the pointer given to gev_coro_create. It must not
 * return: it ends with gev_coro_exit. */
typedef void (*gev_coro_fn)(void *arg);

enum gev_coro_state {
	GEV_CORO_NEW = 0,       /* created, never switched to */
	GEV_CORO_SUSPENDED = 1, /* switched away from; can be switched to */
	GEV_CORO_RUNNING = 2,   /* the thread's current coroutine */
	GEV_CORO_FINISHED = 3   /* called gev_coro_exit; can only be destroyed */
};

/* Error codes returned (negated errno values). */
#define GEV_EINVAL (-22) /* bad argument: NULL fn, stack size too small or absurd */
#define GEV_ENOMEM (-12) /* mmap or malloc failed */

/* Limits and defaults of the usable stack size, in bytes. */
#define GEV_CORO_STACK_DEFAULT (64u * 1024)
#define GEV_CORO_STACK_MIN (16u * 1024)              /* smaller: GEV_EINVAL */
#define GEV_CORO_STACK_MAX ((size_t)1 << 30)         /* larger: GEV_EINVAL */

/* Stack pool defaults (per thread). */
#define GEV_CORO_POOL_CAP 1024 /* stacks kept by default; see gev_coro_pool_set_cap */
#define GEV_CORO_POOL_HOT 64   /* per size class, the most recently pooled stacks that
                                  gev_coro_pool_release keeps resident */

/* Create a coroutine that will run fn(arg) on its own stack, on first switch.
 * stack_size is the usable stack in bytes; 0 means the default (64 KiB). It is rounded up
 * to whole pages. Returns 0 and sets *out, or a GEV_E* code (and *out = NULL):
 * GEV_EINVAL when out or fn is NULL or stack_size is nonzero and below
 * GEV_CORO_STACK_MIN or above GEV_CORO_STACK_MAX; GEV_ENOMEM when mmap fails.
 * The value passed by the first switch into the coroutine is not delivered anywhere. */
int gev_coro_create(gev_coro **out, gev_coro_fn fn, void *arg, size_t stack_size);

/* Guard-page policy of one coroutine's stack. */
enum gev_coro_guard {
	GEV_CORO_GUARD_AUTO = 0, /* a guard page while within gev_coro_guard_budget() */
	GEV_CORO_GUARD_NONE = 1  /* never: a canary and sp-bounds checks on switch-out */
};

/* Options for gev_coro_create_attr. A zero-initialised attr means the defaults. */
typedef struct gev_coro_attr {
	size_t stack_size;          /* as for gev_coro_create; 0 = default */
	enum gev_coro_guard guard;  /* GEV_CORO_GUARD_AUTO by default */
	const char *name;           /* for error messages; not copied, must outlive the
	                               coroutine; NULL = unnamed */
} gev_coro_attr;

/* gev_coro_create with options; attr NULL means the defaults. Errors as gev_coro_create,
 * plus GEV_EINVAL for an unknown guard value. The pool keeps guarded and unguarded stacks
 * apart: GUARD_NONE always gets an unguarded stack; AUTO takes a pooled guarded stack,
 * else maps a new one (guarded while the budget allows), and takes a pooled unguarded
 * stack only once the guard budget is spent. */
int gev_coro_create_attr(gev_coro **out, gev_coro_fn fn, void *arg, const gev_coro_attr *attr);

/* Switch from the calling (current) coroutine to `to`, passing `value`. Returns the value
 * given by whoever switches back to the caller. Aborts with a message on misuse: `to` is
 * NULL, finished, destroyed (while its stack is still pooled), the current coroutine
 * itself, or belongs to another thread; and on a detected overflow of the caller's
 * unguarded stack. */
void *gev_coro_switch(gev_coro *to, void *value);

/* Finish the current coroutine and switch to `to`, passing `value`; never returns.
 * Calling it on the thread's root coroutine aborts, and so does any `to` that
 * gev_coro_switch would refuse (including the caller itself). */
void gev_coro_exit(gev_coro *to, void *value) __attribute__((noreturn));

/* Free a coroutine that is NEW, SUSPENDED (its stack is dropped without unwinding) or
 * FINISHED; its stack returns to the thread's pool. Aborts with a message when `co` is the
 * running coroutine or a root coroutine, belongs to another thread, or was already
 * destroyed (detected while its stack is still pooled). NULL is a no-op. */
void gev_coro_destroy(gev_coro *co);

/* The calling thread's current coroutine (the root coroutine when none is running). */
gev_coro *gev_coro_current(void);

/* The state of `co`, which must not have been destroyed. */
enum gev_coro_state gev_coro_state(const gev_coro *co);

/* Set the name used in error messages about `co` (not copied: it must outlive `co`; NULL
 * clears it). Cheap: a pointer store. */
void gev_coro_set_name(gev_coro *co, const char *name);

/* The name set for `co`, or NULL. The root coroutine's name is "root". */
const char *gev_coro_name(const gev_coro *co);

/* Report the usable stack of `co`: *lo is its lowest usable byte, *hi one past its
 * highest (the descriptor starts there). Returns 0, or GEV_EINVAL for a root coroutine,
 * whose stack this library does not own. Either pointer may be NULL. */
int gev_coro_stack_bounds(const gev_coro *co, void **lo, void **hi);

/* Whether `co` has a guard page (1) or relies on the canary and sp checks (0). */
int gev_coro_is_guarded(const gev_coro *co);

/* Check the current coroutine's stack now, as a switch-out would: aborts with a message
 * naming the coroutine if its unguarded stack overflowed. A no-op on guarded stacks and
 * on the root coroutine. */
void gev_coro_check_stack(void);

/* Check the calling thread's coroutine bookkeeping: the current and root coroutines,
 * every pooled stack (state, owner, class, layout), and the census against them. Aborts
 * with "gev_coro_verify: <broken invariant>" if one does not hold. It walks the whole
 * pool, so it is for tests and debugging, not hot paths. */
void gev_coro_verify(void);

/* Counts of live objects on the calling thread, for leak checks in tests. */
typedef struct gev_coro_census {
	size_t live;          /* created and not destroyed (roots excluded) */
	size_t pooled_stacks; /* stacks idle in this thread's pool */
	size_t mapped_stacks; /* stacks mapped by this thread: in use + pooled */
	size_t guarded_stacks;/* mapped stacks that carry a guard page */
	size_t released_stacks;/* pooled stacks whose pages were given back (released) */
} gev_coro_census;

void gev_coro_get_census(gev_coro_census *out);

/* Unmap every stack in the calling thread's pool. After it, with no live coroutines,
 * the census is all zero. Thread exit does the same automatically (a pthread key
 * destructor); coroutines still alive at thread exit are the program's leak: their
 * stacks stay mapped. */
void gev_coro_pool_trim(void);

/* Give back to the kernel the pages (all but the top one) of the calling thread's pooled
 * stacks beyond the GEV_CORO_POOL_HOT most recently pooled of each size class, and return
 * how many stacks it released. Stacks stay pooled and mapped; only their memory goes.
 * Cheap when there is nothing new to release (no list walk), so it suits every point
 * where the thread is about to sleep. */
size_t gev_coro_pool_release(void);

/* Like gev_coro_pool_release, but release only the stacks that have also stayed in the
 * pool, untouched, since the previous call of this function on the thread (the first
 * call only starts the tracking and releases nothing). Called periodically by a busy thread, it gives back
 * the stacks its load no longer needs and keeps those it cycles through. Returns how many
 * stacks it released. */
size_t gev_coro_pool_release_idle(void);

/* Set how many stacks the calling thread's pool keeps (0 disables pooling; stacks
 * beyond the new cap are unmapped now). Returns the previous cap. */
size_t gev_coro_pool_set_cap(size_t cap);

/* How many guarded stacks the whole process may hold (see the top of this header). */
size_t gev_coro_guard_budget(void);

/* Replace the process-wide guard budget; returns the previous one. Stacks already
 * mapped keep their guard. Meant for tests and for programs that raise max_map_count. */
size_t gev_coro_set_guard_budget(size_t budget);

#ifdef __cplusplus
}
#endif

#endif /* GEV_CORO_H */

/*
 * coro_guard.c - the stack-overflow report of gev_coro_guard.h: which coroutine a fault
 * belongs to, the describer hook, and the SIGSEGV handler that says so before the
 * previous handler ends the process. Everything on the report path is async-signal-safe
 * (no stdio, no allocation, write(2) only) and runs on the alternate signal stack.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "coro_internal.h"
#include "gev_coro_guard.h"

int gev_coro_fault_lookup(const void *addr, const void *sp, gev_coro_fault *out)
{
	/* gev__thread, not gev_coro_current: a thread that never ran a coroutine must stay
	 * untouched (setting up its root is not async-signal-safe). */
	const gev_coro *co = gev__thread()->current;
	if (co == NULL || (co->flags & GEV_CORO_F_ROOT))
		return 0;
	uintptr_t a = (uintptr_t)addr, s = (uintptr_t)sp;
	uintptr_t base = (uintptr_t)co->map_base, lo = (uintptr_t)gev__stack_lo(co);
	int guarded = (co->flags & GEV_CORO_F_GUARDED) != 0;
	int in_guard = guarded && a >= base && a < lo;
	/* Below the stack by at most the largest stack: a frame too large for the guard page
	 * jumps over it (and over the soft page of an unguarded stack). */
	int below = a < lo && s != 0 && s < lo && lo - (a < s ? a : s) <= GEV_CORO_STACK_MAX;
	if (!in_guard && !below)
		return 0;
	out->co = co;
	out->arg = co->arg;
	out->map_lo = co->map_base;
	out->lo = gev__stack_lo(co);
	out->hi = gev__stack_hi(co);
	out->usable = co->usable;
	out->guarded = guarded;
	out->in_guard = in_guard;
	return 1;
}

/* ------------------------------------------------------------------------------------ */
/* The describer                                                                         */
/* ------------------------------------------------------------------------------------ */

static gev_coro_describe_fn _Atomic describer;

void gev_coro_set_describer(gev_coro_describe_fn fn)
{
	describer = fn;
}

GEV_HIDDEN size_t gev__describe(const gev_coro *co, char *buf, size_t cap)
{
	gev_coro_describe_fn fn = describer;
	if (fn == NULL || co == NULL || (co->flags & GEV_CORO_F_ROOT) || cap == 0)
		return 0;
	size_t n = fn(co, co->arg, buf, cap);
	return n < cap ? n : cap;
}

/* ------------------------------------------------------------------------------------ */
/* The report                                                                            */
/* ------------------------------------------------------------------------------------ */

struct line {
	char buf[512];
	size_t n;
};

static void put_str(struct line *l, const char *s)
{
	while (*s && l->n < sizeof l->buf - 1)
		l->buf[l->n++] = *s++;
}

static void put_hex(struct line *l, uintptr_t v)
{
	char tmp[GEV_FMT_UINT_MAX];
	put_str(l, gev__fmt_uint(tmp, v, 1));
}

static void put_dec(struct line *l, size_t v)
{
	char tmp[GEV_FMT_UINT_MAX];
	put_str(l, gev__fmt_uint(tmp, v, 0));
}

static void report(const gev_coro_fault *f, uintptr_t addr, uintptr_t sp)
{
	struct line l;
	l.n = 0;
	put_str(&l, "gev_coro: stack overflow in coroutine '");
	put_str(&l, f->co->name ? f->co->name : "(unnamed)");
	put_str(&l, "' (");
	put_hex(&l, (uintptr_t)f->co);
	size_t room = sizeof l.buf - 1 - l.n;
	if (room > 2) {
		char *at = l.buf + l.n + 2;
		size_t d = gev__describe(f->co, at, room - 2);
		if (d > 0) {
			at[-2] = ',';
			at[-1] = ' ';
			l.n += d + 2;
		}
	}
	put_str(&l, "): SIGSEGV at ");
	put_hex(&l, addr);
	if (f->in_guard) {
		put_str(&l, " in the guard page [");
		put_hex(&l, (uintptr_t)f->map_lo);
		put_str(&l, ", ");
		put_hex(&l, (uintptr_t)f->lo);
		put_str(&l, ") below its stack [");
	} else {
		put_str(&l, " below its ");
		put_str(&l, f->guarded ? "guarded" : "unguarded");
		put_str(&l, " stack [");
	}
	put_hex(&l, (uintptr_t)f->lo);
	put_str(&l, ", ");
	put_hex(&l, (uintptr_t)f->hi);
	put_str(&l, ") of ");
	put_dec(&l, f->usable);
	put_str(&l, " bytes");
	if (sp != 0) {
		put_str(&l, ", sp ");
		put_hex(&l, sp);
	}
	l.buf[l.n++] = '\n';
	for (size_t off = 0; off < l.n;) {
		ssize_t w = write(STDERR_FILENO, l.buf + off, l.n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

/* ------------------------------------------------------------------------------------ */
/* The handler                                                                           */
/* ------------------------------------------------------------------------------------ */

static struct sigaction prev_segv; /* set once, before the handler is installed */
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_err;

static uintptr_t ctx_sp_of(const void *uctx)
{
	const ucontext_t *uc = uctx;
	if (uc == NULL)
		return 0;
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.sp;
#else
	return 0;
#endif
}

/* Report the fault if it is an overflow, and give it back to the previous handler: it
 * ends the process. Out of line, so that on_segv's own frame holds nothing. */
static __attribute__((noinline)) int report_overflow(siginfo_t *si, void *uctx)
{
	gev_coro_fault f;
	uintptr_t sp = ctx_sp_of(uctx);
	if (si == NULL || si->si_code <= 0 || !gev_coro_fault_lookup(si->si_addr, (void *)sp, &f))
		return 0;
	int saved = errno;
	report(&f, (uintptr_t)si->si_addr, sp);
	/* Put the previous handler back and return: the faulting instruction runs again,
	 * faults again, and the kernel delivers the fault to that handler with a signal
	 * frame of its own, as if this one had never been there (a crash report that
	 * unwinds through the signal frame into the faulting code, like Go's cgo
	 * traceback, then finds what it expects). */
	sigaction(SIGSEGV, &prev_segv, NULL);
	errno = saved;
	return 1;
}

static void on_segv(int sig, siginfo_t *si, void *uctx)
{
	if (report_overflow(si, uctx))
		return;
	if (prev_segv.sa_flags & SA_SIGINFO) {
		/* A tail call (this frame holds nothing, and cgo builds with -O2): the previous
		 * handler runs in place of this one and returns to the signal frame itself. A
		 * Go nil dereference becomes a panic by the context Go's handler edits; Go's cgo
		 * traceback skips exactly the frames it expects, so a crash in C keeps its C
		 * frames in the report. */
		prev_segv.sa_sigaction(sig, si, uctx);
		return;
	}
	if (prev_segv.sa_handler != SIG_DFL && prev_segv.sa_handler != SIG_IGN) {
		prev_segv.sa_handler(sig);
		return;
	}
	/* The default action: put it back and let the fault happen again (or, if the
	 * signal was sent, let it arrive again once this handler returns and unblocks it). */
	int saved = errno;
	sigaction(SIGSEGV, &prev_segv, NULL);
	if (si == NULL || si->si_code <= 0)
		raise(sig);
	errno = saved;
}

static void install(void)
{
	struct sigaction sa;
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, NULL, &prev_segv) != 0 || sigaction(SIGSEGV, &sa, NULL) != 0)
		install_err = -errno;
}

/* The alternate signal stack given to a thread that had none (kept for its life). */
#define ALTSTACK_BYTES (64u << 10)

int gev_coro_overflow_report_install(void)
{
	pthread_once(&install_once, install);
	if (install_err != 0)
		return install_err;
	stack_t st;
	if (sigaltstack(NULL, &st) != 0)
		return -errno;
	if (!(st.ss_flags & SS_DISABLE))
		return 0;
	void *p = mmap(NULL, ALTSTACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	st.ss_sp = p;
	st.ss_size = ALTSTACK_BYTES;
	st.ss_flags = 0;
	if (sigaltstack(&st, NULL) != 0) {
		int e = errno;
		munmap(p, ALTSTACK_BYTES);
		return -e;
	}
	return 0;
}

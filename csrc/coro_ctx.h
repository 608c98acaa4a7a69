/*
 * coro_ctx.h - the context backend behind coro.c: how a new coroutine's first entry is
 * prepared (ctx_init) and how control moves between two coroutines (ctx_swap). One
 * section per backend; coro_arch.h picks the backend. Included by coro.c only.
 *
 *   ctx_init(co)            make co's first switch land in gev__coro_entry(co, value)
 *   ctx_swap(t, cur, to, v) suspend cur, resume to with v; returns the v that resumes cur
 */
#ifndef GEV_CORO_CTX_H
#define GEV_CORO_CTX_H

#include <stdint.h>
#include <string.h>

#include "coro_internal.h"

/* The C entry of every coroutine (coro.c), reached from the backend's boot code. */
GEV_HIDDEN void gev__coro_entry(gev_coro *co, void *value) __attribute__((noreturn));

#if defined(GEV_CORO_BACKEND_X86_64) || defined(GEV_CORO_BACKEND_AARCH64)

/* switch_<arch>.S */
GEV_HIDDEN void *gev__coro_swap(gev_coro *to, void *value, gev_coro *from);
GEV_HIDDEN void gev__coro_boot(void);

#if defined(GEV_CORO_BACKEND_X86_64)
/* ABI self-test: the asm frame matches the layout in coro_arch.h. */
_Static_assert(sizeof(void *) == 8, "x86-64 backend needs LP64");
_Static_assert(GEV_X64_OFF_PC + 8 == GEV_X64_FRAME, "x86-64 frame: resume address is last");
_Static_assert(GEV_X64_OFF_R12 - GEV_X64_OFF_R15 == 3 * 8, "x86-64 frame: pop order");
_Static_assert(GEV_X64_FRAME % 8 == 0, "x86-64 frame: whole slots (its start needs no alignment)");
#define CTX_FRAME GEV_X64_FRAME
#else
_Static_assert(sizeof(void *) == 8, "AArch64 backend needs LP64");
_Static_assert(GEV_A64_FRAME % 16 == 0, "AArch64 frame keeps sp 16-byte aligned");
_Static_assert(GEV_A64_OFF_X30 == GEV_A64_OFF_X29 + 8, "AArch64 frame: stp x29, x30");
#define CTX_FRAME GEV_A64_FRAME
#endif
_Static_assert(offsetof(struct gev_coro, sp) == 0, "the asm saves and loads co->sp at [co]");

/*
 * First-entry frame, at the top of the stack (top = the descriptor, 64-byte aligned):
 *
 *   top        +---------------------------+
 *              | 16 zero bytes             |  above the boot frame: ends backtraces
 *   boot sp    +---------------------------+  16-byte aligned: what gev__coro_boot sees
 *              | resume address = boot     |
 *              | callee-saved registers    |  0, except the gev_coro * (r12 / x19)
 *   co->sp     +---------------------------+  (FPENV: the creator's FP control state)
 *
 * Only these ~100 bytes of the top page are written: no other page of the stack is
 * touched before the coroutine runs.
 */
static inline void ctx_init(gev_coro *co)
{
	char *boot_sp = (char *)co - 16;
	char *sp = boot_sp - CTX_FRAME;
	memset(sp, 0, CTX_FRAME + 16);
#if defined(GEV_CORO_BACKEND_X86_64)
	*(void **)(sp + GEV_X64_OFF_R12) = co;
	*(void **)(sp + GEV_X64_OFF_PC) = (void *)gev__coro_boot;
#ifdef GEV_CORO_SAVE_FPENV
	__asm__ volatile("stmxcsr %0" : "=m"(*(uint32_t *)(sp + GEV_X64_OFF_FPENV)));
	__asm__ volatile("fnstcw %0" : "=m"(*(uint16_t *)(sp + GEV_X64_OFF_FPENV + 4)));
#endif
#else
	*(void **)(sp + GEV_A64_OFF_X19) = co;
	*(void **)(sp + GEV_A64_OFF_X30) = (void *)gev__coro_boot;
#ifdef GEV_CORO_SAVE_FPENV
	uint64_t fpcr;
	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	*(uint64_t *)(sp + GEV_A64_OFF_FPCR) = fpcr;
#endif
#endif
	co->sp = sp;
}

static inline void *ctx_swap(struct gev_thread *t, gev_coro *cur, gev_coro *to, void *v)
{
	(void)t;
	return gev__coro_swap(to, v, cur);
}

/* The stack pointer of the caller, for the unguarded-stack bounds check. */
static inline uintptr_t ctx_sp(void)
{
	uintptr_t sp;
#if defined(GEV_CORO_BACKEND_X86_64)
	__asm__ volatile("movq %%rsp, %0" : "=r"(sp));
#else
	__asm__ volatile("mov %0, sp" : "=r"(sp));
#endif
	return sp;
}

#else /* GEV_CORO_BACKEND_UCONTEXT */

/* makecontext passes no pointer portably, so the boot reads the thread's state: the
 * coroutine being entered is already t->current, the value is in t->xfer. */
static void ctx_boot(void)
{
	struct gev_thread *t = gev__thread();
	gev__coro_entry(t->current, t->xfer);
}

static inline void ctx_init(gev_coro *co)
{
	if (getcontext(&co->uc) != 0)
		gev__die("gev_coro_create", "getcontext failed", co, NULL);
	co->uc.uc_link = NULL;
	co->uc.uc_stack.ss_sp = gev__stack_lo(co);
	co->uc.uc_stack.ss_size = co->usable;
	makecontext(&co->uc, ctx_boot, 0);
}

static inline void *ctx_swap(struct gev_thread *t, gev_coro *cur, gev_coro *to, void *v)
{
	t->xfer = v;
	if (swapcontext(&cur->uc, &to->uc) != 0)
		gev__die("gev_coro_switch", "swapcontext failed", to, NULL);
	return t->xfer;
}

static inline uintptr_t ctx_sp(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}

#endif

#endif /* GEV_CORO_CTX_H */

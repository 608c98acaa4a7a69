//go:build cgo && !purego

/*
 * traceback.c - C frames in Go's crash reports (runtime.SetCgoTraceback), for
 * commands linked without debug information: see traceback.go (with DWARF, cgosymbolizer
 * does better).
 *
 * Unwinding: the C core in this package is compiled with frame pointers, so the frames
 * of a crash in C form a chain (saved frame pointer, return address) that can be walked
 * from the signal context without any unwinding tables; the walk stops at the first
 * frame pointer that is null, misaligned, not above the previous one, or too far from it
 * (the end of a C coroutine stack at its boot frame, the start of the thread). When the
 * crash is in code without frame pointers (libc: abort, raise), the walk starts from the
 * nearest frame record above the stack pointer that returns into this program's code
 * just after a call instruction. Symbols: dladdr over the dynamic symbol table (the
 * package links with -rdynamic), so global C functions are named; static ones show as
 * the nearest global symbol before them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

#include "gev_coro.h"
#include "traceback.h"

/* The layouts the Go runtime passes (runtime.SetCgoTraceback's documentation). */
struct gevgo_traceback_arg {
	uintptr_t context;
	uintptr_t sig_context;
	uintptr_t *buf;
	uintptr_t max;
};

struct gevgo_symbolizer_arg {
	uintptr_t pc;
	const char *file;
	uintptr_t lineno;
	const char *func;
	uintptr_t entry;
	uintptr_t more;
	uintptr_t data;
};

#define GEVGO_MAX_FRAME (1u << 20) /* a larger step between frames ends the walk */
#define GEVGO_SCAN (4u << 10)       /* how far above sp to look for our frames */

/* The main executable's code, from the linker (GNU ld and gold define both). */
extern const char __executable_start[], etext[];

static int gevgo_in_text(uintptr_t pc)
{
	return pc > (uintptr_t)__executable_start + 8 && pc < (uintptr_t)etext;
}

/* gevgo_after_call reports whether ret, an address in our text, follows a call
 * instruction: what a return address always does. */
static int gevgo_after_call(uintptr_t ret)
{
	const unsigned char *p = (const unsigned char *)ret;
#if defined(__x86_64__)
	if (p[-5] == 0xe8) /* call rel32 */
		return 1;
	for (int k = 2; k <= 7; k++) /* call r/m64: ff /2 */
		if (p[-k] == 0xff && ((p[-k + 1] >> 3) & 7) == 2)
			return 1;
	return 0;
#elif defined(__aarch64__)
	uint32_t insn = *(const uint32_t *)(p - 4);
	return (insn & 0xfc000000u) == 0x94000000u || (insn & 0xfffffc1fu) == 0xd63f0000u;
#else
	(void)p;
	return 0;
#endif
}

/* gevgo_plausible_frame reports whether a frame record at fp (saved frame pointer, return
 * address) continues a chain into our code. */
static int gevgo_plausible_frame(uintptr_t fp, uintptr_t lo)
{
	if (fp <= lo || (fp & (sizeof(uintptr_t) - 1)) != 0)
		return 0;
	const uintptr_t *frame = (const uintptr_t *)fp;
	return frame[0] > fp && frame[0] - fp <= GEVGO_MAX_FRAME && gevgo_in_text(frame[1]) &&
	       gevgo_after_call(frame[1]);
}

void gevgo_traceback(void *p)
{
	struct gevgo_traceback_arg *arg = p;
	uintptr_t n = 0;
	if (arg->sig_context != 0 && arg->max > 0) {
		const ucontext_t *uc = (const ucontext_t *)arg->sig_context;
		uintptr_t pc, fp, sp;
#if defined(__x86_64__)
		pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
		fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
		sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
		pc = (uintptr_t)uc->uc_mcontext.pc;
		fp = (uintptr_t)uc->uc_mcontext.regs[29];
		sp = (uintptr_t)uc->uc_mcontext.sp;
#else
		pc = fp = sp = 0;
#endif
		if (pc != 0)
			arg->buf[n++] = pc;
		/* Code without frame pointers (libc's abort, raise, ...) leaves fp meaningless:
		 * then find the nearest frame record of our code above sp. The scan stays within
		 * the crashing coroutine's stack, or within GEVGO_SCAN bytes of a thread stack. */
		if (sp != 0 && !gevgo_in_text(pc) && !gevgo_plausible_frame(fp, sp)) {
			uintptr_t hi = sp + GEVGO_SCAN;
			void *clo, *chi;
			gev_coro *co = gev_coro_current();
			if (gev_coro_stack_bounds(co, &clo, &chi) == 0 && sp >= (uintptr_t)clo &&
			    sp < (uintptr_t)chi && (uintptr_t)chi - 2 * sizeof(uintptr_t) < hi)
				hi = (uintptr_t)chi - 2 * sizeof(uintptr_t);
			fp = 0;
			for (uintptr_t a = (sp + 7) & ~(uintptr_t)7; a < hi; a += sizeof(uintptr_t)) {
				if (gevgo_plausible_frame(a, sp)) {
					fp = a;
					break;
				}
			}
		}
		while (n < arg->max && fp != 0 && (fp & (sizeof(uintptr_t) - 1)) == 0) {
			const uintptr_t *frame = (const uintptr_t *)fp;
			uintptr_t next = frame[0], ret = frame[1];
			if (ret == 0)
				break;
			arg->buf[n++] = ret;
			if (next <= fp || next - fp > GEVGO_MAX_FRAME)
				break;
			fp = next;
		}
	}
	if (n < arg->max)
		arg->buf[n] = 0;
}

void gevgo_symbolizer(void *p)
{
	struct gevgo_symbolizer_arg *arg = p;
	Dl_info info;
	arg->file = NULL;
	arg->lineno = 0;
	arg->func = NULL;
	arg->entry = 0;
	arg->more = 0;
	/* pc - 1: return addresses point after their call, and after a call to a noreturn
	 * function (abort) that may be the next function already. */
	if (arg->pc != 0 && dladdr((void *)(arg->pc - 1), &info) != 0 && info.dli_sname != NULL) {
		arg->func = info.dli_sname;
		arg->entry = (uintptr_t)info.dli_saddr;
	}
}

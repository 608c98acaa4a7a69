/*
 * switch_x86_64.S - the coroutine context switch for x86-64 System V.
 *
 *   void *gev__coro_swap(gev_coro *to, void *value, gev_coro *from);
 *                        rdi           rsi          rdx            -> rax
 *
 * Pushes the six callee-saved registers (rbp rbx r12 r13 r14 r15) on the current stack,
 * stores rsp into from->sp, loads to->sp (the context is the saved stack pointer, the
 * first word of a descriptor), pops the same six registers from the new stack and resumes
 * there with `pop rcx; jmp *rcx`. The argument order is gev_coro_switch's (to, value), so
 * the C fast path tail-calls this with one register move. `value` comes out in rax: it is
 * the return value of the gev__coro_swap call being resumed, or, on first entry, reaches
 * gev__coro_boot in rax.
 * Everything else (rax rcx rdx rsi rdi r8-r11, xmm0-15, the flags) is caller-saved in the
 * SysV ABI and need not survive the call. The frame layout is in coro_arch.h:
 *
 *   to->sp -> +0x00 r15  +0x08 r14  +0x10 r13  +0x18 r12  +0x20 rbx  +0x28 rbp
 *             +0x30 resume address (the return address of the suspended gev__coro_swap call)
 *   (with GEV_CORO_SAVE_FPENV, one more 8-byte slot below r15: MXCSR, x87 control word)
 *
 * Why `pop; jmp` rather than `ret`: the return-stack predictor would predict the caller
 * that called us on this stack, never the one on the other stack, so every `ret` resume
 * mispredicts (measured here: 8.7 ns a switch instead of 2.8); an indirect jmp is
 * predicted by the BTB from the branch history, which learns a steady ping-pong between
 * two coroutines.
 *
 * CET: under -fcf-protection each entry point starts with endbr64. The resume target is a
 * return address, which has no endbr64, so the jmp carries the notrack prefix. The object's
 * GNU property note claims IBT only (coro_asm_notes.h): a stack switch that does not `ret`
 * is not shadow-stack (SHSTK) compatible, so the linker drops SHSTK from any program
 * linking this file and the kernel never turns shadow stacks on for it.
 *
 * The MXCSR and x87 control word are not saved by default: they stay thread-wide (a
 * coroutine that changes the rounding mode changes it for the thread), as for goroutines
 * on one thread; boost.context saves them on every switch, which is most of the ~2 ns by
 * which it is slower. -DGEV_CORO_SAVE_FPENV saves and restores them per coroutine.
 */
#include "coro_arch.h"

#if defined(GEV_CORO_BACKEND_X86_64)

#if defined(__CET__) && (__CET__ & 1)
#define ENDBR endbr64
#else
#define ENDBR
#endif

	.text

	.globl	gev__coro_swap
	.hidden	gev__coro_swap
	.type	gev__coro_swap, @function
	.p2align 6	/* the whole switch (40 bytes) in one cache line and fetch block */
gev__coro_swap:
	.cfi_startproc
	ENDBR
	movq	(%rdi), %r8	/* to->sp, loaded early: the pops below wait for it */
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbx, 0
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r12, 0
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r13, 0
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r14, 0
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r15, 0
#ifdef GEV_CORO_SAVE_FPENV
	subq	$8, %rsp
	.cfi_adjust_cfa_offset 8
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
#endif

	/* Suspend here; from now on we run on the new stack, whose frame has the same
	 * layout, so the CFI above still describes it correctly. */
	movq	%rsp, (%rdx)
	movq	%r8, %rsp

#ifdef GEV_CORO_SAVE_FPENV
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	.cfi_adjust_cfa_offset -8
#endif
	popq	%r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r15
	popq	%r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r14
	popq	%r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r13
	popq	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r12
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbx
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	popq	%rcx
	.cfi_adjust_cfa_offset -8
	.cfi_register %rip, %rcx
	movq	%rsi, %rax
	notrack jmp *%rcx
	.cfi_endproc
	.size	gev__coro_swap, .-gev__coro_swap

/*
 * gev__coro_boot: where a new coroutine's first switch lands (its frame's resume address).
 * r12 holds the gev_coro *, rax the value passed by that first switch; rsp is 16-byte
 * aligned here, as the call below needs. gev__coro_entry never returns; if it ever did,
 * ud2 stops the process on the spot. The CFI marks the return address as undefined, so
 * debuggers end a coroutine's backtrace here instead of walking into garbage.
 */
	.globl	gev__coro_boot
	.hidden	gev__coro_boot
	.type	gev__coro_boot, @function
	.p2align 4
gev__coro_boot:
	.cfi_startproc
	.cfi_undefined %rip
	ENDBR
	xorl	%ebp, %ebp
	movq	%r12, %rdi
	movq	%rax, %rsi
	call	gev__coro_entry
	ud2
	.cfi_endproc
	.size	gev__coro_boot, .-gev__coro_boot

#endif /* GEV_CORO_BACKEND_X86_64 */

#include "coro_asm_notes.h"

/*
 * switch_aarch64.S - the coroutine context switch for AArch64 (AAPCS64, LP64).
 *
 *   void *gev__coro_swap(gev_coro *to, void *value, gev_coro *from);
 *                        x0            x1           x2             -> x0
 *
 * Saves the callee-saved registers x19-x28, the frame pointer x29, the link register x30
 * (the resume address) and the low halves d8-d15 of v8-v15 in one 160-byte frame on the
 * current stack with stp, stores sp into from->sp, loads to->sp (the first word of each
 * descriptor), restores the same frame
 * from the new stack with ldp and resumes at the restored x30. `value` comes out in x0: the
 * return value of the resumed gev__coro_swap call, or, on first entry, the x0 that
 * gev__coro_boot receives. x0-x18, v0-v7, v16-v31 and the upper halves of v8-v15 are
 * caller-saved in AAPCS64. The frame layout is in coro_arch.h:
 *
 *   to->sp -> +0x00 x19 x20  +0x10 x21 x22  +0x20 x23 x24  +0x30 x25 x26  +0x40 x27 x28
 *             +0x50 x29 x30  +0x60 d8 d9    +0x70 d10 d11  +0x80 d12 d13  +0x90 d14 d15
 *             (+0xa0 FPCR, pad: GEV_CORO_SAVE_FPENV only)
 *
 * Resume branch: `br x30` (an indirect branch the predictor learns, unlike `ret`, whose
 * return-stack prediction is always wrong after a stack switch). Under BTI enforcement
 * (-mbranch-protection=bti or standard, __ARM_FEATURE_BTI_DEFAULT) a `br` must land on a
 * BTI landing pad, and a resume address is a return site inside compiled C code, which
 * carries none; so BTI builds resume with `ret x30`, which BTI does not check. Landing
 * pads: `bti c` on gev__coro_swap (it may be reached by a veneer's br x16/x17), `bti jc` on
 * gev__coro_boot (reached by the resume branch of a first switch). They are written as
 * hint instructions, which older CPUs execute as NOPs. The object's GNU property note
 * (coro_asm_notes.h) claims BTI in BTI builds. The saved x30 is not signed with PAC.
 *
 * FPCR (rounding mode, flush-to-zero, ...) is thread-wide by default, as on x86-64;
 * -DGEV_CORO_SAVE_FPENV saves and restores it per coroutine.
 */
#include "coro_arch.h"

#if defined(GEV_CORO_BACKEND_AARCH64)

#define BTI_C hint #34
#define BTI_JC hint #38

	.text

	.globl	gev__coro_swap
	.hidden	gev__coro_swap
	.type	gev__coro_swap, %function
	.p2align 4
gev__coro_swap:
	.cfi_startproc
	BTI_C
	sub	sp, sp, #GEV_A64_FRAME
	.cfi_adjust_cfa_offset GEV_A64_FRAME
	stp	x19, x20, [sp, #0x00]
	.cfi_rel_offset x19, 0x00
	.cfi_rel_offset x20, 0x08
	stp	x21, x22, [sp, #0x10]
	.cfi_rel_offset x21, 0x10
	.cfi_rel_offset x22, 0x18
	stp	x23, x24, [sp, #0x20]
	.cfi_rel_offset x23, 0x20
	.cfi_rel_offset x24, 0x28
	stp	x25, x26, [sp, #0x30]
	.cfi_rel_offset x25, 0x30
	.cfi_rel_offset x26, 0x38
	stp	x27, x28, [sp, #0x40]
	.cfi_rel_offset x27, 0x40
	.cfi_rel_offset x28, 0x48
	stp	x29, x30, [sp, #0x50]
	.cfi_rel_offset x29, 0x50
	.cfi_rel_offset x30, 0x58
	stp	d8, d9, [sp, #0x60]
	.cfi_rel_offset d8, 0x60
	.cfi_rel_offset d9, 0x68
	stp	d10, d11, [sp, #0x70]
	.cfi_rel_offset d10, 0x70
	.cfi_rel_offset d11, 0x78
	stp	d12, d13, [sp, #0x80]
	.cfi_rel_offset d12, 0x80
	.cfi_rel_offset d13, 0x88
	stp	d14, d15, [sp, #0x90]
	.cfi_rel_offset d14, 0x90
	.cfi_rel_offset d15, 0x98
#ifdef GEV_CORO_SAVE_FPENV
	mrs	x9, fpcr
	str	x9, [sp, #GEV_A64_OFF_FPCR]
#endif

	/* Suspend here; the new stack's frame has the same layout, so the CFI holds. */
	mov	x9, sp
	str	x9, [x2]
	ldr	x9, [x0]
	mov	sp, x9

#ifdef GEV_CORO_SAVE_FPENV
	ldr	x9, [sp, #GEV_A64_OFF_FPCR]
	msr	fpcr, x9
#endif
	ldp	x19, x20, [sp, #0x00]
	ldp	x21, x22, [sp, #0x10]
	ldp	x23, x24, [sp, #0x20]
	ldp	x25, x26, [sp, #0x30]
	ldp	x27, x28, [sp, #0x40]
	ldp	x29, x30, [sp, #0x50]
	ldp	d8, d9, [sp, #0x60]
	ldp	d10, d11, [sp, #0x70]
	ldp	d12, d13, [sp, #0x80]
	ldp	d14, d15, [sp, #0x90]
	add	sp, sp, #GEV_A64_FRAME
	.cfi_adjust_cfa_offset -GEV_A64_FRAME
	.cfi_restore x19
	.cfi_restore x20
	.cfi_restore x21
	.cfi_restore x22
	.cfi_restore x23
	.cfi_restore x24
	.cfi_restore x25
	.cfi_restore x26
	.cfi_restore x27
	.cfi_restore x28
	.cfi_restore x29
	.cfi_restore x30
	.cfi_restore d8
	.cfi_restore d9
	.cfi_restore d10
	.cfi_restore d11
	.cfi_restore d12
	.cfi_restore d13
	.cfi_restore d14
	.cfi_restore d15
	mov	x0, x1
#if defined(__ARM_FEATURE_BTI_DEFAULT)
	ret	x30
#else
	br	x30
#endif
	.cfi_endproc
	.size	gev__coro_swap, .-gev__coro_swap

/*
 * gev__coro_boot: where a new coroutine's first switch lands. x19 holds the gev_coro *,
 * x0 the value passed by that first switch, x29 is 0 (ends frame-pointer chains) and sp
 * is 16-byte aligned. gev__coro_entry never returns; brk stops the process if it did.
 * The CFI marks the return address undefined so backtraces end here.
 */
	.globl	gev__coro_boot
	.hidden	gev__coro_boot
	.type	gev__coro_boot, %function
	.p2align 4
gev__coro_boot:
	.cfi_startproc
	.cfi_undefined x30
	BTI_JC
	mov	x1, x0
	mov	x0, x19
	mov	x29, xzr
	bl	gev__coro_entry
	brk	#0x3e8
	.cfi_endproc
	.size	gev__coro_boot, .-gev__coro_boot

#endif /* GEV_CORO_BACKEND_AARCH64 */

#include "coro_asm_notes.h"

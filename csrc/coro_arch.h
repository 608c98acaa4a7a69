/*
 * coro_arch.h - which context-switch backend this build uses, and the layout of the frame
 * the assembly switch saves. Included by both C and the switch_*.S files, so it holds only
 * preprocessor definitions. The C side checks the layout with _Static_assert (coro_ctx.h).
 *
 * Backends, chosen at build time:
 *   GEV_CORO_BACKEND_X86_64   switch_x86_64.S   (x86-64 System V, LP64)
 *   GEV_CORO_BACKEND_AARCH64  switch_aarch64.S  (AArch64 AAPCS64, LP64)
 *   GEV_CORO_BACKEND_UCONTEXT coro_ctx.h via makecontext/swapcontext: every other
 *                             architecture, or any architecture built with
 *                             -DGEV_CORO_UCONTEXT (make FALLBACK=1), so CI tests it too.
 *
 * -DGEV_CORO_SAVE_FPENV makes the asm backends save the floating-point control state
 * (MXCSR and the x87 control word; FPCR on arm64) per coroutine; see gev_coro.h.
 */
#ifndef GEV_CORO_ARCH_H
#define GEV_CORO_ARCH_H

#if defined(GEV_CORO_UCONTEXT)
#define GEV_CORO_BACKEND_UCONTEXT 1
#elif defined(__x86_64__) && !defined(__ILP32__) && !defined(_WIN64)
#define GEV_CORO_BACKEND_X86_64 1
#elif defined(__aarch64__) && !defined(__ILP32__) && !defined(_WIN64)
#define GEV_CORO_BACKEND_AARCH64 1
#else
#define GEV_CORO_BACKEND_UCONTEXT 1
#endif

/*
 * x86-64 switch frame, as gev__coro_swap leaves it on a suspended coroutine's stack.
 * The saved context is the stack pointer; it points at offset 0.
 *
 *   offset (no FPENV / FPENV)   contents
 *   -------------------------   ------------------------------------------------
 *   -      / +0x00              MXCSR (4 bytes), x87 control word (2), pad (2)
 *   +0x00  / +0x08              r15
 *   +0x08  / +0x10              r14
 *   +0x10  / +0x18              r13
 *   +0x18  / +0x20              r12      (first entry: the gev_coro *)
 *   +0x20  / +0x28              rbx
 *   +0x28  / +0x30              rbp      (first entry: 0, ends frame-pointer chains)
 *   +0x30  / +0x38              resume address (first entry: gev__coro_boot)
 *   +0x38  / +0x40              = frame size; the stack pointer after the resume
 */
#ifdef GEV_CORO_SAVE_FPENV
#define GEV_X64_FPENV_BYTES 8
#else
#define GEV_X64_FPENV_BYTES 0
#endif
#define GEV_X64_OFF_FPENV 0x00
#define GEV_X64_OFF_R15 (GEV_X64_FPENV_BYTES + 0x00)
#define GEV_X64_OFF_R14 (GEV_X64_FPENV_BYTES + 0x08)
#define GEV_X64_OFF_R13 (GEV_X64_FPENV_BYTES + 0x10)
#define GEV_X64_OFF_R12 (GEV_X64_FPENV_BYTES + 0x18)
#define GEV_X64_OFF_RBX (GEV_X64_FPENV_BYTES + 0x20)
#define GEV_X64_OFF_RBP (GEV_X64_FPENV_BYTES + 0x28)
#define GEV_X64_OFF_PC (GEV_X64_FPENV_BYTES + 0x30)
#define GEV_X64_FRAME (GEV_X64_FPENV_BYTES + 0x38)

/*
 * AArch64 switch frame (16-byte aligned, as sp must always be on AArch64).
 *
 *   offset   contents
 *   ------   ------------------------------------------------
 *   +0x00    x19, x20   (first entry: x19 = the gev_coro *)
 *   +0x10    x21, x22
 *   +0x20    x23, x24
 *   +0x30    x25, x26
 *   +0x40    x27, x28
 *   +0x50    x29, x30   (x30 = resume address; first entry: x29 = 0, x30 = gev__coro_boot)
 *   +0x60    d8,  d9
 *   +0x70    d10, d11
 *   +0x80    d12, d13
 *   +0x90    d14, d15
 *   +0xa0    FPCR, pad  (GEV_CORO_SAVE_FPENV only)
 *   +0xa0 / +0xb0 = frame size
 */
#define GEV_A64_OFF_X19 0x00
#define GEV_A64_OFF_X29 0x50
#define GEV_A64_OFF_X30 0x58
#define GEV_A64_OFF_D8 0x60
#define GEV_A64_OFF_FPCR 0xa0
#ifdef GEV_CORO_SAVE_FPENV
#define GEV_A64_FRAME 0xb0
#else
#define GEV_A64_FRAME 0xa0
#endif

#endif /* GEV_CORO_ARCH_H */

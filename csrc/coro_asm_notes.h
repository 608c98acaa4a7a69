/*
 * coro_asm_notes.h - the ELF notes every switch_*.S object carries, included at the end of
 * each of them. Both .S files are compiled on every architecture (the one that is not
 * the build's backend assembles to no code), and the linker ANDs the GNU property notes of
 * all objects, so each object, code or not, must claim what the build supports:
 *   - x86-64 with -fcf-protection: IBT only. A switch that resumes with jmp instead of ret
 *     is not shadow-stack (SHSTK) compatible, so SHSTK is not claimed, and the linker drops
 *     it from the program.
 *   - AArch64 with -mbranch-protection=bti/standard: BTI (landing pads are in place; the
 *     saved x30 is not PAC-signed, so PAC is not claimed: it is informational anyway).
 * And .note.GNU-stack: the stack is not executable.
 */
#if defined(__x86_64__) && defined(__CET__) && (__CET__ & 1)
	.pushsection .note.gnu.property, "a"
	.p2align 3
	.long	4		/* name size */
	.long	16		/* descriptor size */
	.long	5		/* NT_GNU_PROPERTY_TYPE_0 */
	.asciz	"GNU"
	.long	0xc0000002	/* GNU_PROPERTY_X86_FEATURE_1_AND */
	.long	4
	.long	1		/* GNU_PROPERTY_X86_FEATURE_1_IBT */
	.p2align 3
	.popsection
#endif

#if defined(__aarch64__) && defined(__ARM_FEATURE_BTI_DEFAULT)
	.pushsection .note.gnu.property, "a"
	.p2align 3
	.long	4
	.long	16
	.long	5
	.asciz	"GNU"
	.long	0xc0000000	/* GNU_PROPERTY_AARCH64_FEATURE_1_AND */
	.long	4
	.long	1		/* GNU_PROPERTY_AARCH64_FEATURE_1_BTI */
	.p2align 3
	.popsection
#endif

	.section .note.GNU-stack, "", %progbits

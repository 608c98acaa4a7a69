//go:build cgo && !purego

/* Unity file for the AArch64 context switch (see core_coro.c for why). */
#include "../csrc/switch_aarch64.S"

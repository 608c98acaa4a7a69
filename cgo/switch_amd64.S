//go:build cgo && !purego

/* Unity file for the x86-64 context switch (see core_coro.c for why). */
#include "../csrc/switch_x86_64.S"

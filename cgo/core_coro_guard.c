//go:build cgo && !purego

/* Unity file: cgo compiles only the C files of its own package directory, so each C core
 * source is included here once, unchanged, and "go build" needs no prior make. */
#include "../csrc/coro_guard.c"

//go:build cgo && !purego

package cgo

/*
#include "gev_coro.h"
#include "overflow.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"syscall"
)

var (
	overflowOnce sync.Once
	overflowErr  error
)

// InstallOverflowReport makes a C greenlet that overflows its stack say so
// before the process dies. Left alone, a guarded C stack that overflows into
// its guard page dies in the Go runtime's generic "signal SIGSEGV:
// segmentation violation" report, which names neither the overflow nor the
// greenlet. The report is a C SIGSEGV handler (on the thread's alternate
// signal stack, which every Go thread has) that, when the fault is in the
// guard page of the running C coroutine, or the stack pointer is below its
// stack, writes one line to stderr: "gev_coro: stack overflow in coroutine
// ... C greenlet <id>", the stack bounds and the fault address. Then it hands
// the fault back to the Go runtime's handler, which still prints its trace
// and ends the process; every other SIGSEGV (a nil dereference in Go that
// becomes a panic) goes to the Go handler untouched. The same describer
// names the C greenlet in gev_coro's own abort for an unguarded stack whose
// canary or bounds check caught an overflow.
//
// NewHub calls it, so a program never needs to; it runs once per process,
// and reports the error of that first run on every call.
func InstallOverflowReport() error {
	overflowOnce.Do(func() {
		if rc := C.gevgo_overflow_install(); rc != 0 {
			overflowErr = fmt.Errorf("cgo: InstallOverflowReport: %w", syscall.Errno(-rc))
		}
	})
	return overflowErr
}

// SetGuardBudget sets how many guarded C stacks the process may hold
// (gev_coro_set_guard_budget) and returns the previous budget. Stacks made
// once it is spent are unguarded: their overflow is caught by a canary and
// stack-pointer check at the next switch instead of a guard page. For tests
// of that path; the default suits programs.
func SetGuardBudget(n int) int {
	return int(C.gev_coro_set_guard_budget(C.size_t(n)))
}

// The bodies that overflow their C stack on purpose (cgo/overflow.c), for
// tests of the overflow reports. Neither ever ends normally.
var (
	// BodyOverflow recurses without end: on a guarded stack it faults in the
	// guard page.
	BodyOverflow = body(C.gev_greenlet_fn(C.gevgo_body_overflow))
	// BodySmash writes arg bytes below its stack (0: 12 KiB, past an
	// unguarded stack's soft page, into the mapping below), then yields.
	BodySmash = body(C.gev_greenlet_fn(C.gevgo_body_smash))
)

// CrashInC writes through a null pointer in C (gevgo_crash_null): a crash
// inside C called through cgo, for tests of crash reports. It never returns.
func CrashInC() {
	C.gevgo_crash_null()
}

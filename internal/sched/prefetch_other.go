//go:build !amd64 && !arm64

package sched

// prefetch is a hint (see prefetch_asm.go) that does nothing where the hub
// has no assembly for it.
func prefetch(addr uintptr) {}

//go:build amd64 || arm64

package sched

// getg returns the address of the calling goroutine's runtime g: a number
// that tells goroutines apart while they live, read in a nanosecond from the
// thread's g register or slot. The hub uses it only for identity (which
// goroutine is calling), never to look inside the runtime's g.
//
//go:noescape
func getg() uintptr

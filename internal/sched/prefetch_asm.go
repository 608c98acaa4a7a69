//go:build amd64 || arm64

package sched

// prefetch asks the CPU to bring the cache line holding addr closer, without
// waiting for it and without faulting on a bad address: a hint, so addr is
// a uintptr that keeps nothing alive and may point anywhere.
//
// The hub uses it where it knows which greenlet runs next before it can
// switch to it (see prefetchTimer): resuming a greenlet that has not run
// for a while is a chain of dependent cache misses (its timer, its G, its
// coroutine, its stack), each paid in full when nothing asked for the
// lines in advance.
func prefetch(addr uintptr)

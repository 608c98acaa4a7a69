// Package cgo is the only package of gevent-go that imports "C": a thin,
// documented binding of the C core in csrc/ (gev_hub.h, gev_coro.h) for the
// C loop of the hub's scheduler (internal/sched, which registers it as the
// core "c").
//
// It knows nothing of greenlets in the Go sense: it moves integer ids (host
// timer ids, C greenlet ids) and plain integers (C greenlet arguments and
// values, which may be runtime/cgo.Handle values but are never Go pointers).
//
// # Crossing model
//
// C never calls back into Go: there is no //export in this package. Go drives
// the C hub one turn at a time. Between turns, Go writes commands (arm or stop
// a timer, spawn or kill a C greenlet) straight into the hub's command array,
// which is C memory the hub owns and never moves (Hub.Push returns a pointer
// to the next slot; no cgo call). Hub.Turn is the one cgo call per hub turn:
// C applies the commands, runs ready C greenlets, runs one libev iteration and
// returns; Go then reads what happened from the hub's event array (Hub.Events,
// again C memory read in place). Every function that does cross into C says
// so, and is counted in Hub.Calls so that "cgo calls per 1,000 handoffs" is
// measured rather than claimed.
//
// # Threads and stacks
//
// A Hub belongs to one OS thread once it has run a turn: the thread whose
// goroutine called Turn, which the caller keeps locked with
// runtime.LockOSThread for the hub's life (C greenlet stacks and the
// per-thread coroutine state must never migrate). Every method runs on the
// calling goroutine's stack in Go, and, where it crosses, on that thread's
// system stack in C (cgo's usual g0 stack); C greenlets run on their own C
// coroutine stacks inside Turn, and Go code never runs on those. Interrupt,
// Post and the package-level counters are the only functions safe from any
// goroutine.
//
// # Builds
//
// The C sources are compiled from csrc/ through one-line unity files in this
// directory (core_*.c, switch_*.S), so plain "go build" needs no make step;
// libev comes from Debian's libev-dev (-lev). In builds without cgo, or with
// the purego tag, the package is empty and the hub uses its pure-Go core.
//
// The go command does not track C files included from outside this
// directory: csrc_sum.go records a digest of csrc/, and TestCsrcSumCurrent
// fails when csrc/ changed without "go generate ./cgo", which also makes the
// go command rebuild this package.
package cgo

//go:generate go run gen_csrcsum.go

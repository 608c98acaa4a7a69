//go:build cgo && !purego

package cgo

/*
#cgo CFLAGS: -fno-omit-frame-pointer
#cgo LDFLAGS: -rdynamic -ldl
#include "traceback.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

var tracebackOnce sync.Once

// EnableCTraceback makes the Go runtime name C frames when a program crashes
// inside C (a signal raised in the C core, an abort with a "gev_..."
// message), in binaries that carry no debug information: it installs a
// traceback function that walks the frame pointers of the interrupted C code
// and a symbolizer that names them from the dynamic symbol table
// (runtime.SetCgoTraceback; this package links with -rdynamic). Call it from
// commands, in an init function, never from a library; calling it again does
// nothing. It makes no cgo call.
//
// Prefer github.com/ianlancetaylor/cgosymbolizer (a blank import), which this
// module's test binaries and bench command use: from DWARF it gives file:line,
// static and inlined functions, and it unwinds a C greenlet's stack down to
// its first frame just as well. What EnableCTraceback still adds is names
// where cgosymbolizer finds none: in binaries linked without DWARF and symbol
// table (-ldflags="-s -w", and every binary "go test" runs without -c or -o,
// which it links that way), cgosymbolizer shows C frames as bare addresses,
// while the dynamic symbol table still names every global C function here.
// It gives no file or line, and static functions show as the nearest global
// one before them.
//
// The runtime takes one traceback function per process: if another one is
// already installed (cgosymbolizer's init), EnableCTraceback keeps it and
// does nothing.
func EnableCTraceback() {
	tracebackOnce.Do(func() {
		defer func() { _ = recover() }() // "call SetCgoTraceback only once": keep the other
		runtime.SetCgoTraceback(0, unsafe.Pointer(C.gevgo_traceback), nil, unsafe.Pointer(C.gevgo_symbolizer))
	})
}

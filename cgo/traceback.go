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

// EnableCTraceback makes the Go runtime show C frames, by name, when a
// program crashes inside C (a signal raised in the C core, an abort with a
// "gev_..." message): it installs a traceback function that walks the frame
// pointers of the interrupted C code and a symbolizer that names them from
// the dynamic symbol table (runtime.SetCgoTraceback). Call it from test
// binaries and commands, in an init function or TestMain, never from a
// library; calling it again does nothing. It makes no cgo call.
//
// It stands in for github.com/ianlancetaylor/cgosymbolizer, which the module
// proxy this project builds from does not serve; it names functions but not
// files and lines, and shows only the crashing C stack, not the C frames of
// goroutines that were merely inside a cgo call.
func EnableCTraceback() {
	tracebackOnce.Do(func() {
		runtime.SetCgoTraceback(0, unsafe.Pointer(C.gevgo_traceback), nil, unsafe.Pointer(C.gevgo_symbolizer))
	})
}

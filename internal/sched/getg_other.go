//go:build !amd64 && !arm64

package sched

import (
	"bytes"
	"runtime"
	"strconv"
)

// getg returns the calling goroutine's id, parsed from the header of its
// stack trace ("goroutine 42 [running]:"). It is the portable, slower
// stand-in for the assembly version on amd64 and arm64; ids are never 0.
func getg() uintptr {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return uintptr(id)
}

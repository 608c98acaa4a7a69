//go:build cgo && !purego

package sched

// A crash inside the C core during this package's tests names its C frames,
// with file and line when the test binary has DWARF (go test -c, -o).
import _ "github.com/ianlancetaylor/cgosymbolizer"

//go:build cgo && !purego

package main

// A sample that crashes inside the C core names its C frames, with file and
// line when the binary has DWARF (go build; "go run" links without it).
import _ "github.com/ianlancetaylor/cgosymbolizer"

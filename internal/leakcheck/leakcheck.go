// Package leakcheck counts live goroutines for the tests' leak checks.
//
// runtime.NumGoroutine can over-count for a moment: while the garbage
// collector frees the stacks of dead goroutines it takes them off the
// runtime's free lists, and until it puts them back they count as alive. A
// test binary that has ended thousands of greenlets (each an iter.Pull
// coroutine, so a goroutine) can then read thousands of goroutines that do
// not exist. A full stack dump stops the world and lists only live
// goroutines, so Settle confirms a count above the baseline there before it
// calls it a leak.
package leakcheck

import (
	"bytes"
	"regexp"
	"runtime"
	"time"
)

// Settle waits up to wait for the live goroutines to come back to at most
// baseline and returns how many there are. When they do not, it also
// returns the stack dump that counted them, for the failure message; a nil
// dump means there is no leak.
func Settle(baseline int, wait time.Duration) (int, []byte) {
	deadline := time.Now().Add(wait)
	for {
		n := runtime.NumGoroutine()
		if n <= baseline {
			return n, nil
		}
		if time.Now().After(deadline) {
			dump := Dump()
			live := Count(dump)
			if live <= baseline {
				return live, nil
			}
			return live, dump
		}
		time.Sleep(time.Millisecond)
	}
}

// Dump returns the stacks of every live goroutine, however long.
func Dump() []byte {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

var header = regexp.MustCompile(`(?m)^goroutine \d+ \[`)

// Count returns how many goroutines a Dump lists.
func Count(dump []byte) int {
	return len(header.FindAllIndex(bytes.TrimSpace(dump), -1))
}

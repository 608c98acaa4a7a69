//go:build cgo && !purego

// Command ctraceback crashes inside C with EnableCTraceback installed and
// without cgosymbolizer: TestCTracebackShowsCFrames links it without debug
// information and reads its crash report.
package main

import ccore "github.com/gevent-go/gevent/cgo"

func main() {
	ccore.EnableCTraceback()
	ccore.CrashInC()
}

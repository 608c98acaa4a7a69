//go:build cgo && !purego

package cgo

import (
	"testing"

	"github.com/gevent-go/gevent/cgo/internal/csrcsum"
)

// TestCsrcSumCurrent fails when csrc/ changed since csrc_sum.go was
// generated: the go command would then have reused a stale build of the C
// core (it does not track files included from outside the package).
func TestCsrcSumCurrent(t *testing.T) {
	sum, err := csrcsum.Sum("../csrc")
	if err != nil {
		t.Fatal(err)
	}
	if sum != csrcSum {
		t.Fatalf("csrc/ changed since csrc_sum.go was generated: run \"go generate ./cgo\" (and rebuild)")
	}
}

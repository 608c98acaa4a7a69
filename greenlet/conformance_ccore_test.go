//go:build cgo && !purego

package greenlet_test

import "testing"

// TestConformanceC runs the conformance suite on the C core (libev and C
// greenlets through package cgo), unchanged.
func TestConformanceC(t *testing.T) { runConformance(t, "c") }

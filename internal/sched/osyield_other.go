//go:build !linux

package sched

// osYield has no portable form outside Linux; the polls then only spin.
func osYield() {}

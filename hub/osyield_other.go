//go:build !linux

package hub

// osYield has no portable form outside Linux; the polls then only spin.
func osYield() {}

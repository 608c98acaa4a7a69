//go:build cgo && !purego

package greenlet_test

import ccore "github.com/gevent-go/gevent/cgo"

// A crash inside the C core during this package's tests names its C frames.
func init() { ccore.EnableCTraceback() }

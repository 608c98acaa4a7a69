// Package ignore holds cases of the //greenletvet:ignore directive.
package ignore

import (
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

func body(main *greenlet.Greenlet) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		time.Sleep(0) //greenletvet:ignore the test stalls the hub on purpose
		//greenletvet:ignore the next line only
		_ = greenlet.Sleep(main, 0)
		time.Sleep(0) // want `time.Sleep blocks`
		time.Sleep(0) // greenletvet:ignore is not the directive (a space) // want `time.Sleep blocks`
		//greenletvet:ignored is not the directive either
		time.Sleep(0) // want `time.Sleep blocks`
		return nil, nil
	})
}

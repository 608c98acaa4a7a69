package main

import (
	"time"

	"github.com/gevent-go/gevent/hub"
)

// clock is the hub option list the model runs with, and clockMinute how
// long a simulated minute lasts on that clock: on the virtual clock a
// minute costs no real time, so it can be a real minute.
var (
	clock       = []hub.Option{hub.WithVirtualClock()}
	clockMinute = time.Minute
)

package main

import (
	"time"

	"github.com/gevent-go/gevent/hub"
)

// clock is the hub option list the model runs with, and clockMinute how
// long a simulated minute lasts on that clock.
var (
	clock       = []hub.Option{hub.WithCore("go")}
	clockMinute = time.Millisecond
)

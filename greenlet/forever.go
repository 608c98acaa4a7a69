package greenlet

import (
	"math"
	"time"
)

// forever, as a timeout inside the package, means none: the blocking calls
// without Timeout in their name pass it down to the park. A caller's own d
// of math.MaxInt64 means the same, which is what such a deadline is.
const forever time.Duration = math.MaxInt64

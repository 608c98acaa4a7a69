package greenlet_test

import (
	"errors"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// Timed waits whose deadline lies past the clock's range never fire, and
// leave every other timer of the hub working: sleeps, joins and timeouts of
// Forever-1 and MaxInt64-ish durations sit beside a short sleep and a short
// Timeout that still fire.
func (s *Conformance) TestHugeDeadlinesSaturate() {
	s.run(func(main *greenlet.Greenlet) error {
		huge := []time.Duration{greenlet.Forever - 1, greenlet.Forever / 2, greenlet.Forever/2 + 1}
		var parked []*greenlet.Greenlet
		for _, d := range huge {
			parked = append(parked, greenlet.Spawn(main, sleeper(d, nil)))
		}
		target := parked[0]
		parked = append(parked, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, target.Join(g, greenlet.Forever-1)
		}))
		parked = append(parked, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, greenlet.NewTimeout(greenlet.Forever-1, nil).Do(g, func() error {
				return greenlet.Sleep(g, greenlet.Forever-1)
			})
		}))
		s.Require().NoError(greenlet.Sleep(main, 0)) // every one parks on its huge timer

		start := time.Now()
		s.Require().NoError(greenlet.Sleep(main, 2*time.Millisecond))
		s.GreaterOrEqual(time.Since(start), 2*time.Millisecond)
		err := greenlet.NewTimeout(time.Millisecond, nil).Do(main, func() error {
			return target.Join(main, greenlet.Forever-1)
		})
		s.True(errors.Is(err, greenlet.ErrTimeout), "a short Timeout around a huge Join fires: %v", err)
		for _, g := range parked {
			s.False(g.Ready(), "%v woke early", g)
		}
		return greenlet.KillAll(main, parked, nil, true, greenlet.Forever)
	})
}

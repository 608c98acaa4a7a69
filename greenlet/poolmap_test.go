package greenlet_test

import (
	"errors"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// §4.13 map/imap/imap_unordered: results equal a plain map for pool sizes
// 1, 2, 3 and 10; Imap keeps input order, ImapUnordered yields in
// completion order; empty input gives nothing; an item's error is part of
// its result and the iteration continues; Map returns the first error.
func (s *Conformance) TestPoolMap() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		in := make([]int, 100)
		want := make([]int, 100)
		for i := range in {
			in[i], want[i] = i, i*i
		}
		sqr := func(g *greenlet.Greenlet, x int) (int, error) {
			if x%7 == 0 {
				if err := greenlet.Sleep(g, 0); err != nil {
					return 0, err
				}
			}
			return x * x, nil
		}
		for _, size := range []int{1, 2, 3, 10} {
			p := greenlet.NewPool(h, size)
			got, err := greenlet.Map(main, p, in, sqr)
			s.NoError(err)
			s.Equal(want, got, "size %d", size)
			ok, err := p.Join(main)
			s.True(ok)
			s.NoError(err)
		}
		p := greenlet.NewPool(h, 3)
		got, err := greenlet.Map(main, p, []int{}, sqr)
		s.NoError(err)
		s.Empty(got)

		var order []int
		last := greenlet.NewEvent(h)
		wait := func(g *greenlet.Greenlet, i int) (int, error) {
			switch i {
			case 0: // finishes last: waits for item 2
				err := last.Wait(g)
				return i, err
			case 2:
				defer last.Set()
				return i, greenlet.Sleep(g, 0)
			}
			return i, nil
		}
		it := greenlet.ImapUnordered(main, p, []int{0, 1, 2}, wait)
		for it.Next(main) {
			order = append(order, it.Result().Value)
		}
		s.NoError(it.Err())
		s.Equal([]int{1, 2, 0}, order)

		divide := func(_ *greenlet.Greenlet, x int) (float64, error) {
			if x == 0 {
				return 0, errors.New("division by zero")
			}
			return 1 / float64(x), nil
		}
		it2 := greenlet.Imap(main, p, []int{1, 0, 2}, divide)
		var tr tracer
		for it2.Next(main) {
			r := it2.Result()
			tr.add("%d %v %v", r.Index, r.Value, r.Err)
		}
		s.Equal([]string{"0 1 <nil>", "1 0 division by zero", "2 0.5 <nil>"}, tr.ev)
		_, err = greenlet.Map(main, p, []int{1, 0, 2}, divide)
		s.EqualError(err, "division by zero")

		// Close stops an iteration early and leaves nothing running.
		it3 := greenlet.Imap(main, greenlet.NewPool(h, 1), []int{0, 1, 2}, func(g *greenlet.Greenlet, x int) (int, error) {
			return x, greenlet.Sleep(g, time.Hour)
		})
		s.NoError(greenlet.Sleep(main, 0))
		s.NoError(it3.Close(main))
		return nil
	})
}

package greenlet_test

import (
	"math/rand/v2"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// Killing waiters parked on one object, in a shuffled order, takes each out
// of the object's wait list or links and leaves the others' FIFO order
// intact: the survivors are served in the order they started waiting.
func (s *Conformance) TestKilledWaitersLeaveTheOthersInOrder() {
	const n = 300
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		ev := greenlet.NewEvent(h)
		q := greenlet.NewQueue[int](h, greenlet.Unbounded)
		sem := greenlet.NewSemaphore(h, 0)
		ch := greenlet.NewChannel[int](h)
		target := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, greenlet.Idle(g) })
		objects := []struct {
			name    string
			park    func(g *greenlet.Greenlet) error
			release func(survivors int)
			count   func() int
		}{
			{"Event", func(g *greenlet.Greenlet) error { _, err := ev.Wait(g, greenlet.Forever); return err },
				func(int) { ev.Set() }, ev.LinkCount},
			{"Queue", func(g *greenlet.Greenlet) error { _, err := q.Get(g, true, greenlet.Forever); return err },
				func(k int) {
					for i := range k {
						s.NoError(q.PutNowait(i))
					}
				}, nil},
			{"Semaphore", func(g *greenlet.Greenlet) error { _, err := sem.Acquire(g, true, greenlet.Forever); return err },
				func(k int) {
					for range k {
						sem.Release()
					}
				}, nil},
			{"Channel", func(g *greenlet.Greenlet) error { _, err := ch.Get(g, true, greenlet.Forever); return err },
				func(k int) {
					for i := range k {
						s.NoError(ch.PutNowait(i))
					}
				}, nil},
			{"Join", func(g *greenlet.Greenlet) error { return target.Join(g, greenlet.Forever) },
				func(int) { greenlet.Kill(target, nil) }, target.HasLinks},
		}
		r := rand.New(rand.NewPCG(12, 10))
		for _, o := range objects {
			var woke []int
			gs := make([]*greenlet.Greenlet, n)
			for i := range gs {
				gs[i] = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
					if err := o.park(g); err != nil {
						return nil, err
					}
					woke = append(woke, i)
					return nil, nil
				})
			}
			s.NoError(greenlet.Sleep(main, 0))
			var victims, want []int
			for i := range n {
				if r.IntN(3) > 0 {
					victims = append(victims, i)
				} else {
					want = append(want, i)
				}
			}
			r.Shuffle(len(victims), func(i, j int) { victims[i], victims[j] = victims[j], victims[i] })
			for _, i := range victims {
				greenlet.Kill(gs[i], nil)
			}
			for _, i := range victims {
				s.NoError(gs[i].Join(main, greenlet.Forever))
			}
			if o.count != nil {
				s.Equal(len(want), o.count(), "%s: registrations left after the kills", o.name)
			}
			o.release(len(want))
			_, err := greenlet.JoinAll(main, gs, greenlet.Forever, true, -1)
			s.NoError(err)
			s.Equal(want, woke, "%s: survivors served out of order", o.name)
		}
		s.Equal(0, ev.LinkCount()+sem.LinkCount()+target.HasLinks())
		return nil
	})
}

// Killed putters of a Channel withdraw their offers; the survivors' items
// are taken in order.
func (s *Conformance) TestKilledChannelPuttersWithdrawInOrder() {
	const n = 200
	s.run(func(main *greenlet.Greenlet) error {
		ch := greenlet.NewChannel[int](main.Hub())
		gs := make([]*greenlet.Greenlet, n)
		for i := range gs {
			gs[i] = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				return nil, ch.Put(g, i, true, greenlet.Forever)
			})
		}
		s.NoError(greenlet.Sleep(main, 0))
		var want []int
		for i := n - 1; i >= 0; i-- {
			if i%3 != 0 {
				greenlet.Kill(gs[i], nil)
			}
		}
		for i := range n {
			if i%3 == 0 {
				want = append(want, i)
			} else {
				s.NoError(gs[i].Join(main, greenlet.Forever))
			}
		}
		var got []int
		for range want {
			v, err := ch.Get(main, true, time.Hour)
			s.NoError(err)
			got = append(got, v)
		}
		s.Equal(want, got)
		_, err := greenlet.JoinAll(main, gs, greenlet.Forever, true, -1)
		s.NoError(err)
		s.True(ch.Empty())
		return nil
	})
}

package greenlet_test

import (
	"github.com/gevent-go/gevent/internal/sched"
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
		q := greenlet.NewQueue[int](h)
		sem := greenlet.NewSemaphore(h, 0)
		ch := greenlet.NewChannel[int](h)
		target := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, greenlet.Idle(g) })
		objects := []struct {
			name    string
			park    func(g *greenlet.Greenlet) error
			release func(survivors int)
			count   func() int
		}{
			{"Event", func(g *greenlet.Greenlet) error { err := ev.Wait(g); return err },
				func(int) { ev.Set() }, ev.LinkCount},
			{"Queue", func(g *greenlet.Greenlet) error { _, err := q.Get(g); return err },
				func(k int) {
					for i := range k {
						s.NoError(q.PutNowait(i))
					}
				}, nil},
			{"Semaphore", func(g *greenlet.Greenlet) error { err := sem.Acquire(g); return err },
				func(k int) {
					for range k {
						sem.Release()
					}
				}, nil},
			{"Channel", func(g *greenlet.Greenlet) error { _, err := ch.Get(g); return err },
				func(k int) {
					for i := range k {
						s.NoError(ch.PutNowait(i))
					}
				}, nil},
			{"Join", func(g *greenlet.Greenlet) error { return target.Join(g) },
				func(int) { target.KillNowait() }, target.HasLinks},
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
				gs[i].KillNowait()
			}
			for _, i := range victims {
				s.NoError(gs[i].Join(main))
			}
			if o.count != nil {
				s.Equal(len(want), o.count(), "%s: registrations left after the kills", o.name)
			}
			o.release(len(want))
			_, err := greenlet.JoinAll(main, gs, greenlet.StopOnError())
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
				return nil, ch.Put(g, i)
			})
		}
		s.NoError(greenlet.Sleep(main, 0))
		var want []int
		for i := n - 1; i >= 0; i-- {
			if i%3 != 0 {
				gs[i].KillNowait()
			}
		}
		for i := range n {
			if i%3 == 0 {
				want = append(want, i)
			} else {
				s.NoError(gs[i].Join(main))
			}
		}
		var got []int
		for range want {
			v, err := ch.GetTimeout(main, time.Hour)
			s.NoError(err)
			got = append(got, v)
		}
		s.Equal(want, got)
		_, err := greenlet.JoinAll(main, gs, greenlet.StopOnError())
		s.NoError(err)
		s.True(ch.Empty())
		return nil
	})
}

// A seeded random mix of blocking and non-blocking puts and gets on a
// Channel, with kills falling anywhere (on waiting putters and getters,
// on getters already promised an offer), conserves the items: none is
// received twice, every put that succeeded is received, and nothing is
// received that was not offered.
func (s *Conformance) TestChannelRandomKillsConserveItems() {
	for seed := range uint64(30) {
		s.run(func(main *greenlet.Greenlet) error {
			r := rand.New(rand.NewPCG(seed, 7))
			ch := greenlet.NewChannel[int](main.Hub())
			type putter struct {
				g   *greenlet.Greenlet
				v   int
				err error
			}
			var puts []*putter
			received := map[int]int{}
			nowaitPut := map[int]bool{}
			var gs []*greenlet.Greenlet
			next := 0
			for range 200 {
				switch op := r.IntN(7); op {
				case 0, 1:
					v := next
					p := &putter{v: v}
					next++
					p.g = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
						p.err = ch.Put(g, v)
						return nil, nil
					})
					puts = append(puts, p)
					gs = append(gs, p.g)
				case 2, 3:
					gs = append(gs, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
						v, err := ch.Get(g)
						if err == nil {
							received[v]++
						}
						return nil, nil
					}))
				case 4:
					if len(gs) > 0 {
						gs[r.IntN(len(gs))].KillNowait()
					}
				case 5:
					if ch.PutNowait(-1-next) == nil {
						nowaitPut[-1-next] = true
					}
					next++
					if v, err := ch.GetNowait(); err == nil {
						received[v]++
					}
				default:
					s.NoError(greenlet.Sleep(main, 0))
				}
			}
			s.NoError(greenlet.Sleep(main, 0))
			s.NoError(greenlet.KillAll(main, gs))
			// Items promised to a getter killed since stay: offered by
			// PutNowait, or by a putter killed once its item was promised
			// (it is delivered all the same, to the next getter).
			putErr := map[int]error{}
			for _, p := range puts {
				putErr[p.v] = p.err
			}
			for {
				v, err := ch.GetNowait()
				if err != nil {
					break
				}
				if v >= 0 {
					s.Error(putErr[v], "seed %d: item %d of a waiting put left behind", seed, v)
				}
				received[v]++
			}
			s.True(ch.Empty())
			for v, n := range received {
				s.Equal(1, n, "seed %d: item %d received %d times", seed, v, n)
				if v < 0 {
					s.True(nowaitPut[v], "seed %d: item %d never offered", seed, v)
				} else {
					s.Less(v, next)
				}
			}
			for v := range nowaitPut {
				s.Equal(1, received[v], "seed %d: PutNowait item %d lost", seed, v)
			}
			for _, p := range puts {
				if p.g.Ready() && p.err == nil && p.g.Value() == nil {
					s.Equal(1, received[p.v], "seed %d: item %d put but not received", seed, p.v)
				}
			}
			return nil
		})
	}
}

// An item promised to a woken getter but taken first by another caller
// moves the promise to the next offer: that offer's putter, killed before
// the getter runs, still has its item delivered, and the getter gets it.
func (s *Conformance) TestChannelPromiseMovesWhenAnItemIsTaken() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		ch := greenlet.NewChannel[string](h)
		var got string
		getter := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			v, err := ch.Get(g)
			got = v
			return nil, err
		})
		s.NoError(greenlet.Sleep(main, 0))
		pa := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, ch.Put(g, "a") })
		var pbErr error
		pb := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			pbErr = ch.Put(g, "b")
			return nil, nil
		})
		s.NoError(greenlet.Sleep(main, 0))
		// Queued now, in this order: the unlock callback (promises "a" to
		// the getter and queues its wake-up), a callback that takes "a"
		// first, and the kill of b's putter; the getter runs last.
		var stolen string
		sched.Of(h).RunCallback(func() {
			v, err := ch.GetNowait()
			s.NoError(err)
			stolen = v
		})
		pb.KillNowait()
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{getter, pa, pb}, greenlet.StopOnError())
		s.NoError(err)
		s.Equal("a", stolen)
		s.Equal("b", got, "the getter lost its promised item")
		s.True(greenlet.IsExit(pbErr), "%v", pbErr)
		s.True(ch.Empty())
		return nil
	})
}

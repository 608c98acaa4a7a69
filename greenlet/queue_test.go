package greenlet_test

import (
	"errors"
	"github.com/gevent-go/gevent/internal/sched"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// settle lets a notification reach its waiter: gevent's notifier switches
// into the waiter from its callback, so one sleep(0) suffices there; here
// the notifier callback queues the waiter's wake-up (FIFO, never a switch
// from inside a callback), which takes a second pass.
func (s *Conformance) settle(main *greenlet.Greenlet) {
	s.NoError(greenlet.Sleep(main, 0))
	s.NoError(greenlet.Sleep(main, 0))
}

// §4.12: PutNowait from hub callbacks on a queue of 1: the first succeeds,
// the second is ErrFull; on a Channel both are ErrFull. A PutNowait from the
// hub while a getter waits wakes the getter with the item.
func (s *Conformance) TestQueuePutNowaitFromHub() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		q := greenlet.NewQueue[int](h, greenlet.MaxSize(1))
		c := greenlet.NewChannel[int](h)
		var got []error
		sched.Of(h).RunCallback(func() { got = append(got, q.PutNowait(1), q.PutNowait(2), c.PutNowait(1), c.PutNowait(2)) })
		s.NoError(greenlet.Sleep(main, 0))
		s.Equal([]error{nil, greenlet.ErrFull, greenlet.ErrFull, greenlet.ErrFull}, got)

		q2 := greenlet.NewQueue[int](h)
		getter := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return q2.Get(g) })
		c2 := greenlet.NewChannel[int](h)
		cgetter := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return c2.Get(g) })
		s.NoError(greenlet.Sleep(main, 0))
		sched.Of(h).RunCallback(func() { got = []error{q2.PutNowait(10), c2.PutNowait(11)} })
		s.NoError(getter.Join(main)) // LoopExit if not woken
		s.NoError(cgetter.Join(main))
		s.Equal([]error{nil, nil}, got)
		s.True(getter.Ready())
		s.Equal(10, getter.Value())
		s.True(cgetter.Ready())
		s.Equal(11, cgetter.Value())
		return nil
	})
}

// §4.12: a getter under a Timeout gets an item put 10 ms later;
// GetNowait returns the item then ErrEmpty and unblocks a waiting putter.
func (s *Conformance) TestQueueGetUnlocksPutter() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		q := greenlet.NewQueue[string](h)
		w := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			t := greenlet.StartNew(g, time.Hour, nil) // never due with the put
			defer t.Close()
			v, err := q.Get(g)
			if err != nil {
				return nil, err
			}
			return "OK " + v, nil
		})
		s.NoError(greenlet.Sleep(main, 10*time.Millisecond))
		s.NoError(q.Put(main, "hi2"))
		v, err := w.Get(main)
		s.NoError(err)
		s.Equal("OK hi2", v)

		q1 := greenlet.NewQueue[int](h, greenlet.MaxSize(1))
		s.NoError(q1.PutNowait(4))
		putter := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, q1.Put(g, 5) })
		s.NoError(greenlet.Sleep(main, 0))
		s.False(putter.Dead(), "the putter waits on a full queue")
		s.True(q1.Full())
		x, err := q1.GetNowait()
		s.NoError(err)
		s.Equal(4, x)
		// The putter is woken through the unlock callback, not inside
		// GetNowait: it finishes after one more hub pass.
		_, err = putter.JoinTimeout(main, time.Second)
		s.NoError(err)
		s.True(putter.Dead())
		x, err = q1.GetNowait()
		s.NoError(err)
		s.Equal(5, x)
		_, err = q1.GetNowait()
		s.ErrorIs(err, greenlet.ErrEmpty)
		return nil
	})
}

// §4.12: Peek does not consume; Peek on an empty queue in main is LoopExit,
// in a greenlet with a timeout ErrEmpty; a greenlet blocked in Peek is
// released by a Put and the item stays.
func (s *Conformance) TestQueuePeek() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		q := greenlet.NewQueue[string](h)
		s.NoError(q.Put(main, "hi"))
		v, err := q.Peek(main)
		s.NoError(err)
		s.Equal("hi", v)
		v, err = q.Get(main)
		s.NoError(err)
		s.Equal("hi", v)

		_, err = q.Peek(main)
		s.ErrorIs(err, greenlet.ErrLoopExit)
		p := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return q.PeekTimeout(g, 10*time.Millisecond) })
		_, err = p.Get(main)
		s.ErrorIs(err, greenlet.ErrEmpty)
		s.Len(s.takeHandled(), 1)

		p = greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return q.Peek(g) })
		s.NoError(greenlet.Sleep(main, 0))
		s.NoError(q.Put(main, "1"))
		v2, err := p.Get(main)
		s.NoError(err)
		s.Equal("1", v2)
		s.Equal(1, q.Len(), "Peek does not consume")
		return nil
	})
}

// §4.12: a bounded queue of 2 with a putter of a, b, c: after sleep(0) two
// items are in, the putter waits; a Get lets c in after sleep(0). Four
// waiting getters are served one by one, in order.
func (s *Conformance) TestQueueBoundedAndFIFOGetters() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		q := greenlet.NewQueue[string](h, greenlet.MaxSize(2))
		putter := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for _, x := range []string{"a", "b", "c"} {
				if err := q.Put(g, x); err != nil {
					return nil, err
				}
			}
			return nil, nil
		})
		s.NoError(greenlet.Sleep(main, 0))
		s.Equal(2, q.Len())
		s.False(putter.Dead())
		v, err := q.Get(main)
		s.NoError(err)
		s.Equal("a", v)
		s.settle(main)
		s.True(putter.Dead())
		s.Equal(2, q.Len())

		q2 := greenlet.NewQueue[int](h)
		var tr tracer
		var gs []*greenlet.Greenlet
		for i := range 4 {
			gs = append(gs, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				v, err := q2.Get(g)
				tr.add("g%d:%d", i, v)
				return nil, err
			}))
		}
		s.NoError(greenlet.Sleep(main, 0))
		for i := range 4 {
			s.NoError(q2.Put(main, i*10))
			s.settle(main)
			s.Len(tr.ev, i+1, "delivered one by one")
		}
		s.Equal([]string{"g0:0", "g1:10", "g2:20", "g3:30"}, tr.ev)
		return nil
	})
}

// §4.12: cancelled getters leave no trace: a getter under Timeout(0)
// times out and a later put/get round-trips; a dying getter and a live one:
// the live one gets the item; two getters that time out leave the item.
func (s *Conformance) TestQueueCancelledGetters() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		q := greenlet.NewQueue[string](h)
		bogus := errors.New("timed out")
		waiter := func(d time.Duration) *greenlet.Greenlet {
			return greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				t := greenlet.StartNew(g, d, bogus)
				defer t.Close()
				v, err := q.Get(g)
				if err == bogus {
					return "timed out", nil
				}
				return v, err
			})
		}
		w := waiter(0)
		v, err := w.Get(main)
		s.NoError(err)
		s.Equal("timed out", v)
		s.NoError(q.Put(main, "hi"))
		x, err := q.Get(main)
		s.NoError(err)
		s.Equal("hi", x)

		dying := waiter(0)
		live := waiter(time.Hour)
		s.NoError(dying.Join(main))
		s.NoError(q.Put(main, "hi"))
		v, err = live.Get(main)
		s.NoError(err)
		s.Equal("hi", v)
		s.Equal("timed out", dying.Value())

		b1, b2 := waiter(time.Millisecond), waiter(time.Millisecond)
		_, err = greenlet.JoinAll(main, []*greenlet.Greenlet{b1, b2}, greenlet.StopOnError())
		s.NoError(err)
		s.NoError(q.PutNowait("stays"))
		s.Equal(1, q.Len())
		return nil
	})
}

// §4.12 test_send and test_wait: a Channel put waits until a get takes the
// item (rendezvous); 'sent world' appears only after sleep(0).
func (s *Conformance) TestChannel() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		c := greenlet.NewChannel[string](h)
		s.True(c.Empty())
		s.True(c.Full())
		var tr tracer
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for range 2 {
				v, err := c.Get(g)
				if err != nil {
					return nil, err
				}
				tr.add("%s", v)
			}
			return nil, nil
		})
		tr.add("sending")
		s.NoError(c.Put(main, "hello"))
		tr.add("sent hello")
		s.NoError(c.Put(main, "world"))
		tr.add("sent world")
		s.Equal([]string{"sending", "hello", "sent hello", "world", "sent world"}, tr.ev)
		s.NoError(g.Join(main))

		tr = tracer{}
		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for _, x := range []string{"hello", "world"} {
				tr.add("sending %s", x)
				if err := c.Put(g, x); err != nil {
					return nil, err
				}
			}
			tr.add("sent world")
			return nil, nil
		})
		tr.add("waiting")
		for range 2 {
			v, err := c.Get(main)
			s.NoError(err)
			tr.add("%s", v)
		}
		s.Equal([]string{"waiting", "sending hello", "hello", "sending world", "world"}, tr.ev)
		s.NoError(greenlet.Sleep(main, 0))
		s.Equal([]string{"waiting", "sending hello", "hello", "sending world", "world", "sent world"}, tr.ev)

		// A put that times out withdraws its offer.
		s.ErrorIs(c.PutTimeout(main, "lost", 5*time.Millisecond), greenlet.ErrFull)
		_, err := c.GetNowait()
		s.ErrorIs(err, greenlet.ErrEmpty)
		_, err = c.GetTimeout(main, 5*time.Millisecond)
		s.ErrorIs(err, greenlet.ErrEmpty)
		return nil
	})
}

// §4.12: TaskDone and Join; Shutdown plain and immediate; get/put with a
// timeout give ErrEmpty/ErrFull after about the timeout.
func (s *Conformance) TestQueueJoinShutdown() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		q := greenlet.NewQueue[int](h, greenlet.MaxSize(1))
		s.NoError(q.Join(main))
		s.NoError(q.PutNowait(1))
		s.Equal(1, q.Unfinished())
		worker := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			if _, err := q.Get(g); err != nil {
				return nil, err
			}
			if err := greenlet.Sleep(g, time.Millisecond); err != nil {
				return nil, err
			}
			return nil, q.TaskDone()
		})
		s.NoError(q.Join(main))
		s.True(worker.Dead())
		s.Equal(0, q.Unfinished())
		s.ErrorIs(q.TaskDone(), greenlet.ErrTaskDone)

		t0 := s.now(main)
		_, err := q.GetTimeout(main, 20*time.Millisecond)
		s.ErrorIs(err, greenlet.ErrEmpty)
		s.within(s.now(main)-t0, 19*time.Millisecond, generous, "get(timeout)")
		s.NoError(q.PutNowait(2))
		t0 = s.now(main)
		s.ErrorIs(q.PutTimeout(main, 3, 20*time.Millisecond), greenlet.ErrFull)
		s.within(s.now(main)-t0, 19*time.Millisecond, generous, "put(timeout)")

		blockedPut := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return nil, q.Put(g, 4) })
		s.NoError(greenlet.Sleep(main, 0))
		q.Shutdown()
		_, err = blockedPut.Get(main)
		s.ErrorIs(err, greenlet.ErrShutDown)
		s.Len(s.takeHandled(), 1)
		s.ErrorIs(q.PutNowait(5), greenlet.ErrShutDown)
		v, err := q.GetNowait()
		s.NoError(err, "existing items can still be got")
		s.Equal(2, v)
		_, err = q.Get(main)
		s.ErrorIs(err, greenlet.ErrShutDown)

		q2 := greenlet.NewQueue[int](h)
		s.NoError(q2.PutNowait(1))
		getter := greenlet.NewQueue[int](h)
		waiting := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) { return getter.Get(g) })
		s.NoError(greenlet.Sleep(main, 0))
		getter.ShutdownNow()
		_, err = waiting.Get(main)
		s.ErrorIs(err, greenlet.ErrShutDown)
		s.Len(s.takeHandled(), 1)
		q2.ShutdownNow()
		_, err = q2.GetNowait()
		s.ErrorIs(err, greenlet.ErrShutDown)
		s.ErrorIs(q2.TaskDone(), greenlet.ErrTaskDone)
		s.NoError(q2.Join(main))
		return nil
	})
}

// LifoQueue and PriorityQueue order.
func (s *Conformance) TestQueueLifoPriority() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		l := greenlet.NewLifoQueue[int](h)
		p := greenlet.NewPriorityQueue(h, func(a, b int) bool { return a < b })
		for _, x := range []int{3, 1, 4, 1, 5, 9, 2, 6} {
			s.NoError(l.PutNowait(x))
			s.NoError(p.PutNowait(x))
		}
		var lo, po []int
		for range 8 {
			a, err := l.GetNowait()
			s.NoError(err)
			b, err := p.GetNowait()
			s.NoError(err)
			lo, po = append(lo, a), append(po, b)
		}
		s.Equal([]int{6, 2, 9, 5, 1, 4, 1, 3}, lo)
		s.Equal([]int{1, 1, 2, 3, 4, 5, 6, 9}, po)
		s.Equal("greenlet: MaxSize(-1): a queue bound must be at least 1 (leave MaxSize out for no bound; a Channel has none)",
			panicMessage(func() { greenlet.NewQueue[int](h, greenlet.MaxSize(-1)) }))
		s.Equal("greenlet: MaxSize(0): a queue bound must be at least 1 (leave MaxSize out for no bound; a Channel has none)",
			panicMessage(func() { greenlet.NewLifoQueue[int](h, greenlet.MaxSize(0)) }))
		return nil
	})
}

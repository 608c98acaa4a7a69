package greenlet_test

import (
	"strings"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// Every blocking form of Queue, Channel, Semaphore, Event and AsyncResult
// panics without its calling greenlet even when it would not have to wait,
// before it has taken or changed anything; MaxSize panics below 1; the
// non-blocking forms of a zero value name themselves.
func (s *Conformance) TestSyncAPIMisuse() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		q := greenlet.NewQueue[int](h)
		s.NoError(q.PutNowait(7))
		c := greenlet.NewChannel[int](h)
		sem := greenlet.NewSemaphore(h, 1)
		e := greenlet.NewEvent(h)
		e.Set()
		r := greenlet.NewAsyncResult(h)
		r.Set("v")
		nilCur := func(op string) string {
			return "greenlet: " + op + ": nil calling greenlet (pass the greenlet making the call)"
		}
		cases := []struct {
			want string
			f    func()
		}{
			{nilCur("Queue.Get"), func() { _, _ = q.Get(nil) }},
			{nilCur("Queue.GetTimeout"), func() { _, _ = q.GetTimeout(nil, time.Hour) }},
			{nilCur("Queue.Peek"), func() { _, _ = q.Peek(nil) }},
			{nilCur("Queue.PeekTimeout"), func() { _, _ = q.PeekTimeout(nil, time.Hour) }},
			{nilCur("Queue.Put"), func() { _ = q.Put(nil, 8) }},
			{nilCur("Queue.PutTimeout"), func() { _ = q.PutTimeout(nil, 8, time.Hour) }},
			{nilCur("Queue.Join"), func() { _ = q.Join(nil) }},
			{nilCur("Queue.JoinTimeout"), func() { _, _ = q.JoinTimeout(nil, time.Hour) }},
			{nilCur("Channel.Get"), func() { _, _ = c.Get(nil) }},
			{nilCur("Channel.GetTimeout"), func() { _, _ = c.GetTimeout(nil, time.Hour) }},
			{nilCur("Channel.Put"), func() { _ = c.Put(nil, 1) }},
			{nilCur("Channel.PutTimeout"), func() { _ = c.PutTimeout(nil, 1, time.Hour) }},
			{nilCur("Semaphore.Acquire"), func() { _ = sem.Acquire(nil) }},
			{nilCur("Semaphore.AcquireTimeout"), func() { _, _ = sem.AcquireTimeout(nil, time.Hour) }},
			{nilCur("Semaphore.Wait"), func() { _, _ = sem.Wait(nil) }},
			{nilCur("Semaphore.WaitTimeout"), func() { _, _ = sem.WaitTimeout(nil, time.Hour) }},
			{nilCur("Event.Wait"), func() { _ = e.Wait(nil) }},
			{nilCur("Event.WaitTimeout"), func() { _, _ = e.WaitTimeout(nil, time.Hour) }},
			{nilCur("AsyncResult.Get"), func() { _, _ = r.Get(nil) }},
			{nilCur("AsyncResult.GetTimeout"), func() { _, _ = r.GetTimeout(nil, time.Hour) }},
			{nilCur("AsyncResult.Wait"), func() { _, _ = r.Wait(nil) }},
			{nilCur("AsyncResult.WaitTimeout"), func() { _, _ = r.WaitTimeout(nil, time.Hour) }},
			{"greenlet: MaxSize(0): a queue bound must be at least 1 (leave MaxSize out for no bound; a Channel has none)",
				func() { greenlet.MaxSize(0) }},
			{"greenlet: NewQueue: nil hub", func() { greenlet.NewQueue[int](nil) }},
			{"greenlet: NewLifoQueue: nil hub", func() { greenlet.NewLifoQueue[int](nil, greenlet.MaxSize(1)) }},
			{"greenlet: NewPriorityQueue: nil hub",
				func() { greenlet.NewPriorityQueue(nil, func(a, b int) bool { return a < b }) }},
			{"greenlet: Queue.GetNowait on a zero Queue, which is not usable; create it with NewQueue",
				func() { _, _ = new(greenlet.Queue[int]).GetNowait() }},
			{"greenlet: Queue.PeekNowait on a zero Queue, which is not usable; create it with NewQueue",
				func() { _, _ = new(greenlet.Queue[int]).PeekNowait() }},
			{"greenlet: Queue.ShutdownNow on a zero Queue, which is not usable; create it with NewQueue",
				func() { new(greenlet.Queue[int]).ShutdownNow() }},
			{"greenlet: Channel.PutNowait on a zero Channel, which is not usable; create it with NewChannel",
				func() { _ = new(greenlet.Channel[int]).PutNowait(1) }},
			{"greenlet: Semaphore.TryAcquire on a zero Semaphore, which is not usable; create it with NewSemaphore",
				func() { new(greenlet.Semaphore).TryAcquire() }},
		}
		for _, tc := range cases {
			s.Equal(tc.want, panicMessage(tc.f), tc.want)
		}
		// Nothing was taken, put, acquired or queued by the calls that panicked.
		s.Equal(1, q.Len())
		s.Equal(1, q.Unfinished())
		s.Equal(1, sem.Counter())
		s.True(c.Empty())
		s.True(c.Full())
		s.Equal(0, e.LinkCount())
		s.Equal(0, r.LinkCount())
		v, err := q.GetNowait()
		s.Equal(7, v)
		s.NoError(err)

		foreign := greenlet.NewQueue[int](s.newHub())
		msg := panicMessage(func() { _, _ = foreign.GetTimeout(main, time.Hour) })
		s.True(strings.HasPrefix(msg, "greenlet: Queue.GetTimeout: the object belongs to another hub than "), msg)
		return nil
	})
}

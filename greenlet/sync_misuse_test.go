package greenlet_test

import (
	"strings"

	"github.com/gevent-go/gevent/greenlet"
)

type notLinkable struct{}

func (notLinkable) Ready() bool { return false }

// Every misuse of Event, Queue, Channel, Semaphore, Group and Pool panics
// with a "greenlet: " message that names the call.
func (s *Conformance) TestSyncMisuseMessages() {
	s.run(func(main *greenlet.Greenlet) error {
		h := main.Hub()
		q := greenlet.NewQueue[int](h)
		c := greenlet.NewChannel[int](h)
		e := greenlet.NewEvent(h)
		cases := map[string]func(){
			"greenlet: nil hub (pass greenlet.Hub())":             func() { greenlet.NewEvent(nil) },
			"greenlet: NewSemaphore: negative initial value":      func() { greenlet.NewSemaphore(h, -1) },
			"greenlet: NewPriorityQueue with a nil less function": func() { greenlet.NewPriorityQueue[int](h, nil) },
			"greenlet: Queue.Get: nil calling greenlet (pass the greenlet making the call)": func() {
				_, _ = q.Get(nil)
			},
			"greenlet: Channel.Put: nil calling greenlet (pass the greenlet making the call)": func() {
				_ = c.Put(nil, 1)
			},
			"greenlet: Rawlink of a nil function": func() { e.Rawlink(nil) },
			"greenlet: WaitObjects: greenlet_test.notLinkable is neither a *Greenlet nor a Linkable": func() {
				_, _ = greenlet.WaitObjects(main, []greenlet.Waitable{notLinkable{}}, greenlet.Within(0))
			},
			"greenlet: AsyncResult.SetException of a nil error": func() { greenlet.NewAsyncResult(h).SetException(nil) },
		}
		for want, f := range cases {
			s.Equal(want, panicMessage(f), want)
		}
		other := s.newHub()
		foreign := greenlet.NewEvent(other)
		msg := panicMessage(func() { _ = foreign.Wait(main) })
		s.True(strings.HasPrefix(msg, "greenlet: Event.Wait: the object belongs to another hub than "), msg)
		return nil
	})
}

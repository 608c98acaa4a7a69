package greenlet

import (
	"sort"
	"time"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// A Channel is a queue of size zero (gevent's Channel): Put waits until a
// getter has taken the item, so a Put and a Get meet. PutNowait succeeds
// only if a getter is waiting for an item. Getters and putters wait FIFO;
// matching is done by one unlock callback per channel, as in Queue.
//
// The zero Channel is not usable (its methods panic); create one with
// NewChannel. Only greenlets and callbacks of the channel's hub may use it:
// a call naming a greenlet of another hub panics before it has any effect.
//
// A putter that gives up marks its offer dead rather than shifting the
// others (as a waitList does): offers keep increasing keys, so it is found
// by binary search, and dead offers are dropped at the ends or compacted.
type Channel[T any] struct {
	h         *sched.Hub
	offers    deque[offer[T]] // items of waiting putters (and of PutNowait), in order
	live      int             // offers not dead
	resv      int             // live offers at the front reserved for woken getters
	rb        int             // position just after the resv-th live offer (0 if none)
	putters   waitList        // putters whose offer is in offers; popped when it is taken
	getters   waitList        // a popped getter holds a reserved offer
	unlocking bool
	unlockFn  func(any) // unlockChannel[T], made once: a generic func value allocates
}

type offer[T any] struct {
	v      T
	key    LinkID // increasing; a waiting putter's id in putters
	waiter bool   // a putter waits for the offer to be taken
	dead   bool   // withdrawn by its putter
}

// NewChannel returns a channel on h.
func NewChannel[T any](h *hub.Hub) *Channel[T] {
	if h == nil {
		panic("greenlet: NewChannel: nil hub")
	}
	c := &Channel[T]{h: schedOf(h)}
	c.unlockFn = unlockChannel[T]
	return c
}

// Empty reports whether a Get would wait: no putter is offering an item.
func (c *Channel[T]) Empty() bool { return c.live-c.resv <= 0 }

// Full reports whether PutNowait would fail: no getter waits for an item.
func (c *Channel[T]) Full() bool { return c.getters.len() <= c.live-c.resv }

// Len returns 0: a channel holds no items (gevent's qsize).
func (c *Channel[T]) Len() int { return 0 }

func (c *Channel[T]) scheduleUnlock() {
	if !c.unlocking {
		c.unlocking = true
		c.h.RunCallbackArg(c.unlockFn, c)
	}
}

func unlockChannel[T any](a any) {
	c := a.(*Channel[T])
	c.unlocking = false
	for c.getters.len() > 0 && c.live-c.resv > 0 {
		e := c.getters.pop()
		c.reserve()
		c.h.Wake(e.tok)
	}
}

// reserve moves the reservation boundary past the next live offer.
func (c *Channel[T]) reserve() {
	for c.offers.at(c.rb).dead {
		c.rb++
	}
	c.rb++
	c.resv++
}

// unreserve gives back the last reservation.
func (c *Channel[T]) unreserve() {
	c.resv--
	c.rb--
	for c.rb > 0 && c.offers.at(c.rb-1).dead {
		c.rb--
	}
}

// popFront removes the front offer (live) and the dead ones behind it.
func (c *Channel[T]) popFront() offer[T] {
	o := c.offers.popFront()
	c.live--
	if c.rb > 0 {
		c.rb--
	}
	if c.offers.n != c.live {
		c.dropDeadFront()
	}
	return o
}

func (c *Channel[T]) dropDeadFront() {
	for c.offers.n > 0 && c.offers.at(0).dead {
		c.offers.popFront()
		if c.rb > 0 {
			c.rb--
		}
	}
}

// take removes the front offer and releases its putter. A getter holding a
// reservation (granted) uses it up; any other taker leaves the count of
// reservations as it was, so they move to the next offer.
func (c *Channel[T]) take(granted bool) T {
	if granted {
		c.resv--
	}
	o := c.popFront()
	if !granted && c.resv > 0 {
		c.resv--
		c.reserve()
	}
	if o.waiter {
		e := c.putters.pop()
		c.h.Wake(e.tok)
	}
	return o.v
}

// findOffer returns the position of the live offer key, or -1.
func (c *Channel[T]) findOffer(key LinkID) int {
	lo := sort.Search(c.offers.n, func(i int) bool { return c.offers.at(i).key >= key })
	if lo < c.offers.n && c.offers.at(lo).key == key && !c.offers.at(lo).dead {
		return lo
	}
	return -1
}

// withdraw takes back the offer of a putter that gave up, unless a getter
// was already promised it: then it stays, to be delivered all the same, and
// withdraw reports false.
func (c *Channel[T]) withdraw(key LinkID) bool {
	i := c.findOffer(key)
	if i < 0 {
		return false
	}
	o := c.offers.at(i)
	if i < c.rb {
		o.waiter = false
		return false
	}
	*o = offer[T]{key: key, dead: true}
	c.live--
	for c.offers.n > 0 && c.offers.at(0).dead {
		c.offers.popFront() // rb is 0 here: i >= rb and only the dead precede i
	}
	for c.offers.n > 0 && c.offers.at(c.offers.n-1).dead {
		c.offers.popBack()
	}
	if dead := c.offers.n - c.live; dead > c.live && dead >= 32 {
		j, rb := 0, 0
		for k := 0; k < c.offers.n; k++ {
			if x := c.offers.at(k); !x.dead {
				*c.offers.at(j) = *x
				j++
				if k < c.rb {
					rb = j
				}
			}
		}
		for k := j; k < c.offers.n; k++ {
			*c.offers.at(k) = offer[T]{}
		}
		c.offers.n, c.rb = j, rb
	}
	return true
}

// Put offers v and waits until a getter takes it. Its error is one
// delivered to cur while it waited (a kill, a Timeout); v was not
// delivered then, unless a getter had already been woken for it (then it is
// delivered all the same, as a value handed to a gevent Waiter is).
func (c *Channel[T]) Put(cur *Greenlet, v T) error {
	mustCaller(cur, "Channel.Put")
	return c.put(cur, v, true, forever, "Channel.Put")
}

// PutTimeout is Put that gives up after d, failing with ErrFull: v was not
// delivered (d <= 0: it gives up at the next loop iteration).
func (c *Channel[T]) PutTimeout(cur *Greenlet, v T, d time.Duration) error {
	mustCaller(cur, "Channel.PutTimeout")
	return c.put(cur, v, true, d, "Channel.PutTimeout")
}

// PutNowait offers v without waiting: it succeeds only if a getter is
// waiting without an item, else it fails with ErrFull. It never switches.
func (c *Channel[T]) PutNowait(v T) error { return c.put(nil, v, false, 0, "Channel.PutNowait") }

func (c *Channel[T]) put(cur *Greenlet, v T, block bool, timeout time.Duration, op string) error {
	mustOwn(c.h, cur, op, "NewChannel")
	if !block {
		if c.Full() {
			return ErrFull
		}
		c.putters.seq++ // a key in the putters' order, for no entry
		c.offers.pushBack(offer[T]{v: v, key: c.putters.seq})
		c.live++
		c.scheduleUnlock()
		return nil
	}
	if err := cur.check(op, nil); err != nil {
		return err
	}
	id := c.putters.add(wakerOf(cur))
	c.offers.pushBack(offer[T]{v: v, key: id, waiter: true})
	c.live++
	if c.getters.len() > 0 {
		c.scheduleUnlock()
	}
	taken, err := parkIn(cur, &c.putters, id, "greenlet: Channel.Put", timeout)
	if taken {
		return err
	}
	// Timed out or interrupted: withdraw the offer, unless a getter was
	// already promised it, in which case it is delivered all the same.
	if !c.withdraw(id) {
		return err
	}
	if err != nil {
		return err
	}
	return ErrFull
}

// Get takes an item from a putter, waiting for one. Its error is one
// delivered to cur while it waited (a kill, a Timeout); nothing was taken
// then.
func (c *Channel[T]) Get(cur *Greenlet) (T, error) {
	mustCaller(cur, "Channel.Get")
	return c.get(cur, true, forever, "Channel.Get")
}

// GetTimeout is Get that gives up after d, failing with ErrEmpty (d <= 0:
// it gives up at the next loop iteration).
func (c *Channel[T]) GetTimeout(cur *Greenlet, d time.Duration) (T, error) {
	mustCaller(cur, "Channel.GetTimeout")
	return c.get(cur, true, d, "Channel.GetTimeout")
}

// GetNowait takes an item from a waiting putter without waiting: with none
// it fails with ErrEmpty. It never switches.
func (c *Channel[T]) GetNowait() (T, error) { return c.get(nil, false, 0, "Channel.GetNowait") }

func (c *Channel[T]) get(cur *Greenlet, block bool, timeout time.Duration, op string) (T, error) {
	mustOwn(c.h, cur, op, "NewChannel")
	var zero T
	if c.getters.len() == 0 && c.live-c.resv > 0 {
		return c.take(false), nil
	}
	if !block {
		return zero, ErrEmpty
	}
	if err := cur.check(op, nil); err != nil {
		return zero, err
	}
	id := c.getters.add(wakerOf(cur))
	if c.live-c.resv > 0 {
		c.scheduleUnlock()
	}
	granted, err := parkIn(cur, &c.getters, id, "greenlet: Channel.Get", timeout)
	if granted {
		if err != nil {
			c.unreserve()
			c.scheduleUnlock()
			return zero, err
		}
		return c.take(true), nil
	}
	if err != nil {
		return zero, err
	}
	return zero, ErrEmpty
}

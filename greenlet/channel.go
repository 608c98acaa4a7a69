package greenlet

import (
	"time"

	"github.com/gevent-go/gevent/hub"
)

// A Channel is a queue of size zero (gevent's Channel): Put waits until a
// getter has taken the item, so a Put and a Get meet. PutNowait succeeds
// only if a getter is waiting for an item. Getters and putters wait FIFO;
// matching is done by one unlock callback per channel, as in Queue.
//
// The zero Channel is not usable (its methods panic); create one with
// NewChannel. Only greenlets and callbacks of the channel's hub may use it:
// a call naming a greenlet of another hub panics before it has any effect.
type Channel[T any] struct {
	h         *hub.Hub
	offers    deque[offer[T]] // items of waiting putters (and of PutNowait), in order
	putters   waitList        // putters whose offer is in offers; popped when it is taken
	getters   waitList        // a popped getter holds a reserved offer
	resv      int             // offers at the front reserved for woken getters
	unlocking bool
	unlockFn  func(any) // unlockChannel[T], made once: a generic func value allocates
}

type offer[T any] struct {
	v  T
	id LinkID // the putter's entry in putters; 0: nobody waits for it
}

// NewChannel returns a channel on h.
func NewChannel[T any](h *hub.Hub) *Channel[T] {
	if h == nil {
		panic("greenlet: NewChannel: nil hub")
	}
	c := &Channel[T]{h: h}
	c.unlockFn = unlockChannel[T]
	return c
}

// Empty reports whether a Get would wait: no putter is offering an item.
func (c *Channel[T]) Empty() bool { return c.offers.len()-c.resv <= 0 }

// Full reports whether PutNowait would fail: no getter waits for an item.
func (c *Channel[T]) Full() bool { return c.getters.len() <= c.offers.len()-c.resv }

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
	for c.getters.len() > 0 && c.offers.len()-c.resv > 0 {
		e := c.getters.pop()
		c.resv++
		c.h.Wake(e.tok)
	}
}

// take removes the front offer and releases its putter.
func (c *Channel[T]) take() T {
	o := c.offers.popFront()
	if o.id != 0 {
		e := c.putters.pop()
		c.h.Wake(e.tok)
	}
	return o.v
}

// Put offers v and waits (block) until a getter takes it, or timeout
// passes (then ErrFull, and v was not delivered). Without block it succeeds
// only if a getter is waiting without an item (else ErrFull). Another error
// is one delivered to cur while it waited; v was not delivered, unless a
// getter had already been woken for it (then it is delivered all the same,
// as a value handed to a gevent Waiter is).
func (c *Channel[T]) Put(cur *Greenlet, v T, block bool, timeout time.Duration) error {
	mustOwn(c.h, cur, "Channel.Put", "NewChannel")
	if !block {
		if c.Full() {
			return ErrFull
		}
		c.offers.pushBack(offer[T]{v: v})
		c.scheduleUnlock()
		return nil
	}
	if err := cur.check("Channel.Put", nil); err != nil {
		return err
	}
	id := c.putters.add(wakerOf(cur))
	c.offers.pushBack(offer[T]{v: v, id: id})
	if c.getters.len() > 0 {
		c.scheduleUnlock()
	}
	taken, err := parkIn(cur, &c.putters, id, "greenlet: Channel.Put", timeout)
	if taken {
		return err
	}
	// Timed out or interrupted: withdraw the offer, unless a getter was
	// already promised it, in which case it is delivered all the same.
	for i := 0; i < c.offers.len(); i++ {
		if o := c.offers.at(i); o.id == id {
			if i < c.resv {
				o.id = 0
				return err
			}
			c.offers.removeAt(i)
			break
		}
	}
	if err != nil {
		return err
	}
	return ErrFull
}

// PutNowait is Put without blocking.
func (c *Channel[T]) PutNowait(v T) error { return c.Put(nil, v, false, 0) }

// Get takes an item from a waiting putter, waiting for one (block) up to
// timeout (then ErrEmpty); without block and no putter, ErrEmpty. Another
// error is one delivered to cur while it waited; nothing was taken.
func (c *Channel[T]) Get(cur *Greenlet, block bool, timeout time.Duration) (T, error) {
	mustOwn(c.h, cur, "Channel.Get", "NewChannel")
	var zero T
	if c.getters.len() == 0 && c.offers.len()-c.resv > 0 {
		return c.take(), nil
	}
	if !block {
		return zero, ErrEmpty
	}
	if err := cur.check("Channel.Get", nil); err != nil {
		return zero, err
	}
	id := c.getters.add(wakerOf(cur))
	if c.offers.len()-c.resv > 0 {
		c.scheduleUnlock()
	}
	granted, err := parkIn(cur, &c.getters, id, "greenlet: Channel.Get", timeout)
	if granted {
		c.resv--
		if err != nil {
			c.scheduleUnlock()
			return zero, err
		}
		return c.take(), nil
	}
	if err != nil {
		return zero, err
	}
	return zero, ErrEmpty
}

// GetNowait is Get without blocking.
func (c *Channel[T]) GetNowait() (T, error) { return c.Get(nil, false, 0) }

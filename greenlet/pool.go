package greenlet

import (
	"errors"
	"fmt"
	"time"

	"github.com/gevent-go/gevent/hub"
)

// ErrPoolFull is returned by Pool.Add and Pool.Start when no slot frees up
// in time (gevent's PoolFull).
var ErrPoolFull = errors.New("greenlet: pool is full")

// A Pool is a Group of at most size greenlets (gevent's Pool): Spawn waits
// while the pool is full, so the caller, not the new greenlet, is held
// back. A size of 0 is allowed and never has room. Slots are handed out
// FIFO (a Semaphore); a slot frees when a member leaves the group.
//
// A Pool belongs to one hub, as a Group does. The zero Pool is not usable
// (its methods panic); create one with NewPool.
type Pool struct {
	Group
	size int
}

// NewPool returns an empty pool of size slots on h. A negative size
// panics (gevent: ValueError); for no bound use a Group.
func NewPool(h *hub.Hub, size int) *Pool {
	if size < 0 {
		panic("greenlet: NewPool: negative size")
	}
	p := &Pool{size: size}
	p.init(schedOf(h))
	p.sem = NewSemaphore(h, size)
	return p
}

// Size returns the number of slots.
func (p *Pool) Size() int { return p.size }

// FreeCount returns the number of free slots.
func (p *Pool) FreeCount() int {
	mustOwn(p.h, nil, "Pool.FreeCount", "NewPool")
	return p.sem.Counter()
}

// Full reports whether no slot is free.
func (p *Pool) Full() bool {
	mustOwn(p.h, nil, "Pool.Full", "NewPool")
	return p.sem.Counter() <= 0
}

// WaitAvailable waits until a slot is free, or timeout passes, and returns
// the number of free slots (0 after a timeout).
func (p *Pool) WaitAvailable(cur *Greenlet, timeout time.Duration) (int, error) {
	mustOwn(p.h, cur, "Pool.WaitAvailable", "NewPool")
	return p.sem.Wait(cur, timeout)
}

// Spawn waits for a free slot, then starts fn in a new member greenlet. An
// error is one delivered to cur while it waited; nothing was spawned.
func (p *Pool) Spawn(cur *Greenlet, fn Func) (*Greenlet, error) {
	mustOwn(p.h, cur, "Pool.Spawn", "NewPool")
	if fn == nil {
		panic("greenlet: New with a nil body")
	}
	if _, err := p.sem.Acquire(cur, true, Forever); err != nil {
		return nil, err
	}
	g := newOn(p.h, fn)
	p.add(g)
	g.Start()
	return g, nil
}

// Add makes g a member, taking a slot: at once, or waiting (block) up to
// timeout; ErrPoolFull if none frees up. Adding a member again does
// nothing. Another error is one delivered to cur while it waited.
func (p *Pool) Add(cur *Greenlet, g *Greenlet, block bool, timeout time.Duration) error {
	mustOwn(p.h, cur, "Pool.Add", "NewPool")
	mustGreenlet(g, "Pool.Add")
	if g.h != p.h {
		panic(fmt.Sprintf("greenlet: Pool.Add: %v belongs to another hub", g))
	}
	if p.Contains(g) {
		return nil
	}
	ok, err := p.sem.Acquire(cur, block, timeout)
	if err != nil {
		return err
	}
	if !ok {
		return ErrPoolFull
	}
	p.add(g)
	return nil
}

// Start adds g as Add does and starts it.
func (p *Pool) Start(cur *Greenlet, g *Greenlet, block bool, timeout time.Duration) error {
	mustGreenlet(g, "Pool.Start")
	if err := p.Add(cur, g, block, timeout); err != nil {
		return err
	}
	g.Start()
	return nil
}

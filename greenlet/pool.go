package greenlet

import (
	"fmt"
	"time"

	"github.com/gevent-go/gevent/hub"
)

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

// WaitAvailable waits until a slot is free and returns the number of free
// slots. An error is one delivered to cur while it waited.
func (p *Pool) WaitAvailable(cur *Greenlet) (int, error) {
	mustOwn(p.h, cur, "Pool.WaitAvailable", "NewPool")
	return p.sem.Wait(cur)
}

// WaitAvailableTimeout is WaitAvailable giving up after d: then it returns
// 0 free slots and a nil error.
func (p *Pool) WaitAvailableTimeout(cur *Greenlet, d time.Duration) (int, error) {
	mustOwn(p.h, cur, "Pool.WaitAvailableTimeout", "NewPool")
	return p.sem.WaitTimeout(cur, d)
}

// Spawn waits for a free slot, then starts fn in a new member greenlet. An
// error is one delivered to cur while it waited; nothing was spawned.
func (p *Pool) Spawn(cur *Greenlet, fn Func) (*Greenlet, error) {
	mustOwn(p.h, cur, "Pool.Spawn", "NewPool")
	if fn == nil {
		panic("greenlet: New with a nil body")
	}
	if err := p.sem.Acquire(cur); err != nil {
		return nil, err
	}
	g := newOn(p.h, fn)
	p.add(g)
	g.Start()
	return g, nil
}

// Add makes g a member, waiting for a free slot to take. Adding a member
// again does nothing. An error is one delivered to cur while it waited; g
// was not added then.
func (p *Pool) Add(cur *Greenlet, g *Greenlet) error {
	_, err := p.addWait(cur, g, "Pool.Add", forever)
	return err
}

// AddTimeout is Add giving up after d: it reports whether g is a member
// (false: no slot freed up in time, gevent's PoolFull).
func (p *Pool) AddTimeout(cur *Greenlet, g *Greenlet, d time.Duration) (bool, error) {
	return p.addWait(cur, g, "Pool.AddTimeout", d)
}

// TryAdd makes g a member if a slot is free now, without waiting, and
// reports whether g is a member. It may be called from any greenlet or
// callback of the pool's hub.
func (p *Pool) TryAdd(g *Greenlet) bool {
	p.mustAddable(nil, g, "Pool.TryAdd")
	if p.Contains(g) {
		return true
	}
	if !p.sem.TryAcquire() {
		return false
	}
	p.add(g)
	return true
}

func (p *Pool) mustAddable(cur *Greenlet, g *Greenlet, op string) {
	mustOwn(p.h, cur, op, "NewPool")
	mustGreenlet(g, op)
	if g.h != p.h {
		panic(fmt.Sprintf("greenlet: %s: %v belongs to another hub", op, g))
	}
}

func (p *Pool) addWait(cur *Greenlet, g *Greenlet, op string, timeout time.Duration) (bool, error) {
	p.mustAddable(cur, g, op)
	if p.Contains(g) {
		return true, nil
	}
	ok, err := p.sem.acquire(cur, true, timeout)
	if err != nil || !ok {
		return false, err
	}
	p.add(g)
	return true, nil
}

// Start adds g as Add does and starts it.
func (p *Pool) Start(cur *Greenlet, g *Greenlet) error {
	mustGreenlet(g, "Pool.Start")
	if err := p.Add(cur, g); err != nil {
		return err
	}
	g.Start()
	return nil
}

// StartTimeout adds g as AddTimeout does and, if it was added, starts it;
// it reports whether g was added.
func (p *Pool) StartTimeout(cur *Greenlet, g *Greenlet, d time.Duration) (bool, error) {
	mustGreenlet(g, "Pool.StartTimeout")
	ok, err := p.AddTimeout(cur, g, d)
	if ok {
		g.Start()
	}
	return ok, err
}

package greenlet

import (
	"time"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// linkable is the part of Event and AsyncResult that holds their waiters and
// raw links and notifies them (gevent's AbstractLinkable, with notify_all).
type linkable struct {
	h       *sched.Hub
	links   waitList
	queued  bool // a notifier callback is queued
	isReady func() bool
	owner   any // the *Event or *AsyncResult, which a failing link names
}

func (k *linkable) init(h *sched.Hub, owner any, isReady func() bool) {
	if h == nil {
		panic("greenlet: nil hub (pass greenlet.Hub())")
	}
	k.h, k.owner, k.isReady = h, owner, isReady
}

func (k *linkable) schedule() {
	if !k.queued && k.links.len() > 0 {
		k.queued = true
		k.h.RunCallbackArg(notifyLinkable, k)
	}
}

// notifyLinkable runs in the hub. It notifies, in FIFO order, the entries
// present when it starts, whatever the flag is by then (notify_all: a
// set+clear burst still wakes every waiter); an entry removed by an earlier
// link is skipped; entries added meanwhile by a link get a notifier of
// their own if the object is still ready (gevent #771).
func notifyLinkable(a any) {
	k := a.(*linkable)
	k.queued = false
	last := k.links.seq
	for k.links.len() > 0 && k.links.front().id <= last {
		e := k.links.pop()
		fire(k.h, &e, k.owner)
	}
	if k.isReady() {
		k.schedule()
	}
}

func (k *linkable) rawlink(fn func()) LinkID {
	if fn == nil {
		panic("greenlet: Rawlink of a nil function")
	}
	id := k.links.add(waitEntry{fn: fn})
	if k.isReady() {
		k.schedule()
	}
	return id
}

// wait parks cur until notified (true), the timeout passes (false) or an
// error is delivered. A caller that finds the object ready while waiters
// are still queued for notification queues behind them (gevent #1520).
func (k *linkable) wait(cur *Greenlet, op string, timeout time.Duration) (bool, error) {
	if err := cur.check(op, nil); err != nil {
		return false, err
	}
	if k.isReady() && k.links.len() == 0 {
		return true, nil
	}
	id := k.links.add(wakerOf(cur))
	if k.isReady() {
		k.schedule()
	}
	ok, err := parkIn(cur, &k.links, id, op, timeout)
	if err != nil {
		return false, err
	}
	return ok, nil
}

// An Event is a flag that greenlets wait on (gevent's Event, modern
// semantics): Set wakes every waiter, in the order they started waiting,
// through hub callbacks; Clear lowers the flag for later waits.
//
// Wait reports true if the flag was set at any point during the wait, even
// if it was cleared again before the waiter ran (a Set immediately followed
// by Clear still wakes everyone). A greenlet that calls Wait on a set event
// while earlier waiters are still to be woken queues behind them.
//
// An Event belongs to one hub and is used by its greenlets and callbacks
// only (a call naming a greenlet of another hub panics before it has any
// effect); use Hub.Post to set it from another goroutine. The zero Event is
// not usable (its methods panic); create one with NewEvent.
type Event struct {
	linkable
	flag bool
}

// NewEvent returns a cleared event on h.
func NewEvent(h *hub.Hub) *Event { return newEvent(schedOf(h)) }

func newEvent(h *sched.Hub) *Event {
	e := &Event{}
	e.init(h, e, e.IsSet)
	return e
}

// IsSet reports whether the flag is set.
func (e *Event) IsSet() bool { return e.flag }

// Ready is IsSet; it makes an Event a Waitable for WaitObjects and IWait.
func (e *Event) Ready() bool { return e.flag }

// Set sets the flag and schedules the notification of every waiter and
// raw link present when the notifier runs. It never switches.
func (e *Event) Set() {
	mustOwn(e.h, nil, "Event.Set", "NewEvent")
	e.flag = true
	e.schedule()
}

// Clear lowers the flag. Waiters already being notified still wake with
// true.
func (e *Event) Clear() { e.flag = false }

// Wait returns at once if the flag is set and nobody is queued ahead;
// otherwise it parks cur until the flag is set. A non-nil error is one
// delivered to cur while it waited (a kill, an outer Timeout, LoopExit),
// which cur should return.
func (e *Event) Wait(cur *Greenlet) error {
	mustOwn(e.h, cur, "Event.Wait", "NewEvent")
	_, err := e.wait(cur, "Event.Wait", forever)
	return err
}

// WaitTimeout is Wait that waits at most d, and then reports the flag as it
// is (d <= 0: it gives up at the next loop iteration). The passing of d is
// never an error: the error is one delivered to cur, as in Wait.
func (e *Event) WaitTimeout(cur *Greenlet, d time.Duration) (bool, error) {
	mustOwn(e.h, cur, "Event.WaitTimeout", "NewEvent")
	ok, err := e.wait(cur, "Event.WaitTimeout", d)
	if err != nil {
		return false, err
	}
	return ok || e.flag, nil
}

// Rawlink registers fn to be called in the hub once the event is set (at
// once, through a callback, if it is set already). A raw link is removed
// before it is called, so it runs once; fn must not block. The LinkID is
// for Unlink.
func (e *Event) Rawlink(fn func()) LinkID {
	mustOwn(e.h, nil, "Event.Rawlink", "NewEvent")
	return e.rawlink(fn)
}

// Unlink removes a raw link or waiter registration; it reports whether it
// was still registered. Unlinking twice is harmless.
func (e *Event) Unlink(id LinkID) bool { return e.links.remove(id) }

// LinkCount returns the number of raw links and waiters registered.
func (e *Event) LinkCount() int { return e.links.len() }

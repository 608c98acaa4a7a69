package greenlet

import (
	"time"

	"github.com/gevent-go/gevent/hub"
)

// An AsyncResult is a value or an error that will arrive later: a future
// (gevent's AsyncResult). Set or SetException stores the outcome and wakes
// every waiter through hub callbacks; an AsyncResult may be set again, the
// last outcome winning (as gevent's). Receive makes it a link target for a
// greenlet: g.Rawlink(r.Receive).
//
// An AsyncResult belongs to one hub: a call naming a greenlet of another
// hub panics before it has any effect. The zero AsyncResult is not usable
// (its methods panic); create one with NewAsyncResult.
type AsyncResult struct {
	linkable
	value any
	err   error
	ready bool
}

// NewAsyncResult returns an unset result on h.
func NewAsyncResult(h *hub.Hub) *AsyncResult {
	r := &AsyncResult{}
	r.init(schedOf(h), r, r.Ready)
	return r
}

// Set stores v as a successful outcome and schedules the notification of
// the waiters and links.
func (r *AsyncResult) Set(v any) {
	mustOwn(r.h, nil, "AsyncResult.Set", "NewAsyncResult")
	r.value, r.err, r.ready = v, nil, true
	r.schedule()
}

// SetException stores err (non-nil) as a failure; Get returns that very
// error.
func (r *AsyncResult) SetException(err error) {
	mustOwn(r.h, nil, "AsyncResult.SetException", "NewAsyncResult")
	if err == nil {
		panic("greenlet: AsyncResult.SetException of a nil error")
	}
	r.value, r.err, r.ready = nil, err, true
	r.schedule()
}

// Receive sets r from a finished greenlet's outcome: its value on success,
// its error on failure. It has the signature of a Rawlink callback, so
// g.Rawlink(r.Receive) is gevent's g.link(result).
func (r *AsyncResult) Receive(src *Greenlet) {
	mustGreenlet(src, "AsyncResult.Receive")
	if src.err != nil {
		r.SetException(src.err)
		return
	}
	r.Set(src.value)
}

// Ready reports whether an outcome is stored.
func (r *AsyncResult) Ready() bool { return r.ready }

// Successful reports whether the outcome is a value.
func (r *AsyncResult) Successful() bool { return r.ready && r.err == nil }

// Value returns the stored value, nil before Set or after SetException.
func (r *AsyncResult) Value() any { return r.value }

// Err returns the stored failure (gevent's exception), or nil.
func (r *AsyncResult) Err() error { return r.err }

// Get returns the value, or the stored failure as the error, waiting for
// an outcome while none is stored. An error delivered to cur while it waits
// (a kill, an outer Timeout) is returned as is. Ready with Value and Err is
// the form that does not wait.
func (r *AsyncResult) Get(cur *Greenlet) (any, error) {
	mustCaller(cur, "AsyncResult.Get")
	return r.get(cur, "AsyncResult.Get", forever)
}

// GetTimeout is Get that waits at most d, and then returns a *Timeout as
// the error, as Greenlet.GetTimeout does (d <= 0: it gives up at the next
// loop iteration).
func (r *AsyncResult) GetTimeout(cur *Greenlet, d time.Duration) (any, error) {
	mustCaller(cur, "AsyncResult.GetTimeout")
	return r.get(cur, "AsyncResult.GetTimeout", d)
}

func (r *AsyncResult) get(cur *Greenlet, op string, timeout time.Duration) (any, error) {
	mustOwn(r.h, cur, op, "NewAsyncResult")
	if r.ready {
		return r.value, r.err
	}
	ok, err := r.wait(cur, op, timeout)
	if err != nil {
		return nil, err
	}
	if !ok && !r.ready {
		return nil, &Timeout{d: timeout}
	}
	return r.value, r.err
}

// Wait waits like Get but never reports the stored failure: it returns the
// value, or nil after a failure (gevent's wait()). Its error is only one
// delivered to cur.
func (r *AsyncResult) Wait(cur *Greenlet) (any, error) {
	return r.waitValue(cur, "AsyncResult.Wait", forever)
}

// WaitTimeout is Wait that waits at most d, and then returns nil if no
// outcome is stored (d <= 0: it gives up at the next loop iteration).
func (r *AsyncResult) WaitTimeout(cur *Greenlet, d time.Duration) (any, error) {
	return r.waitValue(cur, "AsyncResult.WaitTimeout", d)
}

func (r *AsyncResult) waitValue(cur *Greenlet, op string, timeout time.Duration) (any, error) {
	mustOwn(r.h, cur, op, "NewAsyncResult")
	if _, err := r.wait(cur, op, timeout); err != nil {
		return nil, err
	}
	return r.value, nil
}

// Rawlink registers fn to be called in the hub once an outcome is stored,
// as Event.Rawlink does.
func (r *AsyncResult) Rawlink(fn func()) LinkID {
	mustOwn(r.h, nil, "AsyncResult.Rawlink", "NewAsyncResult")
	return r.rawlink(fn)
}

// Unlink removes a raw link; it reports whether it was still registered.
func (r *AsyncResult) Unlink(id LinkID) bool { return r.links.remove(id) }

// LinkCount returns the number of raw links and waiters registered.
func (r *AsyncResult) LinkCount() int { return r.links.len() }

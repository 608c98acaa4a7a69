package workloads

import "sync"

// goEvent is gevent.event.Event built the idiomatic Go way, for the
// goroutine implementations: a mutex and a channel closed by Set and
// replaced by Clear. Its zero value is not usable; use newGoEvent.
type goEvent struct {
	mu  sync.Mutex
	set bool          // guarded by mu
	ch  chan struct{} // guarded by mu; closed while set
}

func newGoEvent() *goEvent { return &goEvent{ch: make(chan struct{})} }

// Set wakes every waiter, now and until Clear.
func (e *goEvent) Set() {
	e.mu.Lock()
	if !e.set {
		e.set = true
		close(e.ch)
	}
	e.mu.Unlock()
}

// Clear makes later waiters block again.
func (e *goEvent) Clear() {
	e.mu.Lock()
	if e.set {
		e.set = false
		e.ch = make(chan struct{})
	}
	e.mu.Unlock()
}

// Wait blocks until the event is set.
func (e *goEvent) Wait() {
	e.mu.Lock()
	ch := e.ch
	e.mu.Unlock()
	<-ch
}

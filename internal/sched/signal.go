package sched

import (
	"os"
	"os/signal"
	"sync"
)

// A SignalWatcher delivers an OS signal to a hub: os/signal (which owns the
// process's signal handlers in both cores) notifies a helper goroutine, which
// posts fn to the hub for each delivery. A watcher does not keep the loop
// alive: a main greenlet that waits only for a signal gets LoopExit, as in
// gevent.
type SignalWatcher struct {
	ch   chan os.Signal
	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

// Signal starts watching sig; fn runs in the hub (as a callback: it must not
// block) each time sig arrives. Signals that arrive faster than the hub runs
// may be coalesced, as os/signal does.
func (h *Hub) Signal(sig os.Signal, fn func()) *SignalWatcher {
	h.mustLive("Signal")
	w := &SignalWatcher{ch: make(chan os.Signal, 1), done: make(chan struct{})}
	h.watchers = append(h.watchers, w)
	signal.Notify(w.ch, sig)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		for {
			select {
			case <-w.ch:
				if h.Post(fn) != nil {
					return
				}
			case <-w.done:
				return
			}
		}
	}()
	return w
}

// Cancel stops the notification and waits for the helper goroutine to end.
// It may be called more than once, from any goroutine. The hub cancels its
// watchers itself when Run ends.
func (w *SignalWatcher) Cancel() {
	w.once.Do(func() {
		signal.Stop(w.ch)
		close(w.done)
		w.wg.Wait()
	})
}

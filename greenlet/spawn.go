package greenlet

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gevent-go/gevent/internal/sched"
)

// Spawn creates a greenlet running fn on the hub of on (usually the calling
// greenlet; any greenlet of the hub will do) and starts it: fn runs at the
// next hub pass, after the callbacks already queued. Spawned greenlets run in
// the order they were spawned, and outlive their spawner. Spawn and
// SpawnLater panic once the hub is destroyed (its Run returned).
func Spawn(on *Greenlet, fn Func) *Greenlet {
	g := New(on, fn)
	g.Start()
	return g
}

// SpawnLater is Spawn with the start delayed by d (gevent's spawn_later).
// Greenlets due at the same time start in no promised order.
func SpawnLater(on *Greenlet, d time.Duration, fn Func) *Greenlet {
	g := New(on, fn)
	g.StartLater(d)
	return g
}

// SpawnLink spawns fn and links it to cur (gevent 0.13.6's spawn_link): when
// the new greenlet finishes, cur receives a LinkedExited error at its
// blocking call. It asserts that the new greenlet lives at least as long as
// cur, as the 0.13.6 docs put it; it is not a way to communicate.
func SpawnLink(cur *Greenlet, fn Func) *Greenlet {
	g := Spawn(cur, fn)
	g.LinkTo(cur, OnAny)
	return g
}

// SpawnLinkValue is SpawnLink firing only on success (*LinkedCompleted or
// *LinkedKilled).
func SpawnLinkValue(cur *Greenlet, fn Func) *Greenlet {
	g := Spawn(cur, fn)
	g.LinkTo(cur, OnValue)
	return g
}

// SpawnLinkException is SpawnLink firing only on failure (*LinkedFailed).
func SpawnLinkException(cur *Greenlet, fn Func) *Greenlet {
	g := Spawn(cur, fn)
	g.LinkTo(cur, OnException)
	return g
}

// A SpawnCallbackID names a registered spawn callback.
type SpawnCallbackID uint64

type spawnCallback struct {
	id SpawnCallbackID
	fn func(*Greenlet)
}

var (
	spawnMu     sync.Mutex
	spawnSeq    SpawnCallbackID
	spawnCbs    atomic.Pointer[[]spawnCallback] // copy-on-write; read on every Start
	spawnActive atomic.Bool
)

// AddSpawnCallback registers fn to be called synchronously inside every
// Start and StartLater (so inside Spawn and SpawnLater) of every hub, with
// the greenlet being started (gevent's add_spawn_callback). fn runs on the
// goroutine of that greenlet's hub; with several hubs it must be safe for
// concurrent use. The order among callbacks is unspecified.
func AddSpawnCallback(fn func(*Greenlet)) SpawnCallbackID {
	if fn == nil {
		panic("greenlet: AddSpawnCallback of a nil function")
	}
	spawnMu.Lock()
	defer spawnMu.Unlock()
	spawnSeq++
	var cbs []spawnCallback
	if p := spawnCbs.Load(); p != nil {
		cbs = append(cbs, *p...)
	}
	cbs = append(cbs, spawnCallback{spawnSeq, fn})
	spawnCbs.Store(&cbs)
	spawnActive.Store(true)
	return spawnSeq
}

// RemoveSpawnCallback unregisters id; removing an unknown id does nothing.
func RemoveSpawnCallback(id SpawnCallbackID) {
	spawnMu.Lock()
	defer spawnMu.Unlock()
	p := spawnCbs.Load()
	if p == nil {
		return
	}
	var cbs []spawnCallback
	for _, c := range *p {
		if c.id != id {
			cbs = append(cbs, c)
		}
	}
	spawnCbs.Store(&cbs)
	spawnActive.Store(len(cbs) > 0)
}

func runSpawnCallbacks(g *Greenlet) {
	if !spawnActive.Load() {
		return
	}
	for _, c := range *spawnCbs.Load() {
		c.fn(g)
	}
}

// mustLive panics if h was destroyed: a greenlet started now could never
// run.
func mustLive(h *sched.Hub, op string) {
	if h.Destroyed() {
		panic("greenlet: " + op + " after the hub was destroyed (its Run returned)")
	}
}

package greenlet

import "github.com/gevent-go/gevent/internal/sched"

// Raw returns the scheduler's G under g, for tests that drive the hub's
// primitives (Park, Yield, Waiter) directly.
func (g *Greenlet) Raw() *sched.G { return g.raw }

// SpawnRaw starts a bare sched.G running fn on on's hub (gevent's
// spawn_raw): no result, links or join. Tests use it for what only a raw G
// can show.
func SpawnRaw(on *Greenlet, fn func(g *sched.G)) *sched.G {
	if fn == nil {
		panic("greenlet: SpawnRaw with a nil body")
	}
	mustLive(on.h, "SpawnRaw")
	g := &sched.G{}
	g.Init(on.h, fn)
	on.h.Start(g)
	return g
}

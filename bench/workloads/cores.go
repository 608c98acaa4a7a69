package workloads

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// coreAvailable reports, as an error for the "n/a" cell, why one of our
// cores cannot be measured in this build.
func coreAvailable(impl Impl) error {
	name := coreName(impl)
	if !slices.Contains(hub.Cores(), name) {
		return fmt.Errorf("core %q is not in this build (cores: %s)", name, strings.Join(hub.Cores(), ", "))
	}
	return nil
}

// coreName maps core=go to "go".
func coreName(impl Impl) string { return strings.TrimPrefix(string(impl), "core=") }

// oursFunc is one of our implementations: it runs as the main greenlet of
// a fresh hub and returns what it measured.
type oursFunc func(main *greenlet.Greenlet, n int) (Metrics, error)

// addOurs registers f for both of our cores; each sample creates its own
// hub on the core, so hub creation is outside the timed region.
func (w *Workload) addOurs(f oursFunc) {
	for _, impl := range []Impl{CoreGo, CoreC} {
		core := coreName(impl)
		w.add(impl, func(n int) (Metrics, error) {
			var m Metrics
			err := greenlet.Run(func(main *greenlet.Greenlet) error {
				var err error
				m, err = f(main, n)
				return err
			}, hub.WithCore(core))
			if err != nil {
				return nil, fmt.Errorf("core=%s: %w", core, err)
			}
			return m, nil
		}, "")
	}
}

// trivialBody is the greenlet body of the spawn workloads.
func trivialBody(*greenlet.Greenlet) (any, error) {
	trivial()
	return nil, nil
}

// failed returns the first greenlet of gs that is not dead or did not
// succeed, as an error, or nil.
// timeSpawnedPair spawns a and b, joins both, and returns the time from the
// spawns to the end of the join, or an error if either failed. It is how the
// two-greenlet handoff workloads are timed, all alike.
func timeSpawnedPair(main *greenlet.Greenlet, a, b greenlet.Func) (time.Duration, error) {
	gs := []*greenlet.Greenlet{greenlet.Spawn(main, a), greenlet.Spawn(main, b)}
	t0 := time.Now()
	if _, err := greenlet.JoinAll(main, gs, greenlet.StopOnError()); err != nil {
		return 0, err
	}
	el := time.Since(t0)
	return el, failed(gs)
}

func failed(gs []*greenlet.Greenlet) error {
	for i, g := range gs {
		if !g.Dead() {
			return fmt.Errorf("greenlet %d of %d is not dead", i, len(gs))
		}
		if !g.Successful() {
			return fmt.Errorf("greenlet %d of %d failed: %v", i, len(gs), g.Err())
		}
	}
	return nil
}

package sched

import "testing"

// TestRegistryForgetsEndedWorkers: the goroutine of a worker coroutine that
// ended (one beyond the idle pool when many Gs end at once) is no longer
// the hub's, while a parked G's is, on every core. Ended workers are marked
// rather than removed, and the runtime reuses goroutine identities, so a
// stale entry would make a foreign goroutine pass for the hub's own.
func TestRegistryForgetsEndedWorkers(t *testing.T) {
	for _, core := range Cores() {
		t.Run(core, func(t *testing.T) {
			h, err := New(WithCore(core))
			if err != nil {
				t.Fatal(err)
			}
			const n = maxIdleWorkers + 100
			gids := make([]uintptr, n)
			toks := make([]Token, n)
			err = h.Run(func(main *G) error {
				gs := make([]*G, n)
				for i := range gs {
					g := &G{}
					g.Init(h, func(g *G) {
						gids[i] = getg()
						toks[i] = g.Token()
						g.Park()
					})
					gs[i] = g
					h.Start(g)
				}
				if err := main.Yield(); err != nil {
					return err
				}
				for i, gid := range gids {
					if !h.ownGoroutine(gid) {
						t.Fatalf("parked G %d: its goroutine is not the hub's", i)
					}
				}
				for _, tok := range toks {
					h.Wake(tok)
				}
				if err := main.Yield(); err != nil {
					return err
				}
				ended := 0
				for i, gid := range gids {
					if !gs[i].Dead() {
						t.Fatalf("G %d did not end", i)
					}
					if h.ownGoroutine(gid) {
						continue // its worker is idle, kept for reuse
					}
					ended++
				}
				if ended < n-maxIdleWorkers {
					t.Errorf("%d ended workers still count as the hub's goroutines, want at most %d kept", n-ended, maxIdleWorkers)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

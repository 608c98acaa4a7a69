//go:build cgo && !purego

package greenlet_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ccore "github.com/gevent-go/gevent/cgo"
	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// The tests of this file check what backing a *Greenlet by its C greenlet
// (no stand-in Go greenlet) could break. The blocking calls go through the
// helpers below, so that a change of their signatures is one edit here.

func cJoin(cur, g *greenlet.Greenlet) error { return g.Join(cur) }

func cKillWait(cur, g *greenlet.Greenlet, err error) error {
	if err == nil {
		return g.Kill(cur)
	}
	return g.Kill(cur, greenlet.WithError(err))
}

func cKillNowait(g *greenlet.Greenlet, err error) {
	if err == nil {
		g.KillNowait()
		return
	}
	g.KillNowait(greenlet.WithError(err))
}

func cJoinAll(cur *greenlet.Greenlet, gs []*greenlet.Greenlet) ([]*greenlet.Greenlet, error) {
	return greenlet.JoinAll(cur, gs)
}

func mustSpawnC(t *testing.T, on *greenlet.Greenlet, b ccore.Body, arg uintptr) *greenlet.Greenlet {
	t.Helper()
	g, err := greenlet.SpawnC(on, cbody(b), arg)
	require.NoError(t, err)
	return g
}

// Many C greenlets joined at once, through JoinAll, a Group and a Pool, all
// end with their own outcome, once.
func TestSpawnCJoinMany(t *testing.T) {
	const n = 2000
	failures := runOnC(t, func(main *greenlet.Greenlet) error {
		gs := make([]*greenlet.Greenlet, n)
		for i := range gs {
			switch i % 4 {
			case 0, 1:
				gs[i] = mustSpawnC(t, main, ccore.BodyYield, uintptr(i%3))
			case 2:
				gs[i] = mustSpawnC(t, main, ccore.BodySleep, 1)
			case 3:
				gs[i] = mustSpawnC(t, main, ccore.BodyFail, 5)
			}
		}
		done, err := cJoinAll(main, gs)
		require.NoError(t, err)
		assert.ElementsMatch(t, gs, done)
		for i, g := range gs {
			require.True(t, g.Ready() && g.Dead() && !g.Started(), "greenlet %d: %v", i, g)
			switch i % 4 {
			case 0, 1:
				assert.Equal(t, uintptr(i%3), g.Value())
			case 2:
				assert.Equal(t, uintptr(1), g.Value())
			case 3:
				assert.Equal(t, hub.CError(5), g.Err())
			}
		}

		grp := greenlet.NewGroup(main.Hub())
		for range n / 4 {
			grp.Add(mustSpawnC(t, main, ccore.BodyYield, 1))
		}
		empty, err := grp.Join(main)
		require.NoError(t, err)
		assert.True(t, empty)
		assert.Zero(t, grp.Len())

		pool := greenlet.NewPool(main.Hub(), 8)
		var members []*greenlet.Greenlet
		for range 64 {
			g := mustSpawnC(t, main, ccore.BodySleep, 1)
			require.NoError(t, pool.Add(main, g)) // waits for a slot
			members = append(members, g)
		}
		_, err = cJoinAll(main, members)
		require.NoError(t, err)
		require.NoError(t, greenlet.Sleep(main, 0)) // the membership links run
		assert.Equal(t, 8, pool.FreeCount())
		return nil
	})
	assert.Len(t, failures, n/4, "each failing body is reported once")
}

// A kill before the loop turn that starts a C greenlet withdraws its spawn:
// the body never runs (a failing body would fail), the kill's error is the
// outcome at once, the links fire once at the next pass, and greenlets
// spawned around it run normally.
func TestSpawnCKillBeforeStartIsExact(t *testing.T) {
	custom := errors.New("never mind")
	gs0 := ccore.LiveGreenlets()
	var fired []string
	failures := runOnC(t, func(main *greenlet.Greenlet) error {
		before := mustSpawnC(t, main, ccore.BodySleep, 2)
		mid := mustSpawnC(t, main, ccore.BodyFail, 77) // its SPAWN sits between two others
		after := mustSpawnC(t, main, ccore.BodySleep, 3)
		last := mustSpawnC(t, main, ccore.BodyFail, 78) // its SPAWN is the last command
		mid.Rawlink(func(*greenlet.Greenlet) { fired = append(fired, "mid") })
		last.Rawlink(func(*greenlet.Greenlet) { fired = append(fired, "last") })

		cKillNowait(mid, nil)
		require.NoError(t, cKillWait(main, last, custom)) // returns without yielding
		assert.Empty(t, fired, "links fire at the next pass, never synchronously")
		assert.True(t, mid.Ready() && mid.Dead() && mid.Successful())
		assert.True(t, greenlet.IsExit(mid.Value().(error)))
		assert.True(t, last.Ready() && last.Dead())
		assert.Equal(t, custom, last.Err())
		assert.Equal(t, 2, main.Hub().CGreenlets(), "the withdrawn spawns are gone at once")

		_, err := cJoinAll(main, []*greenlet.Greenlet{before, mid, after, last})
		require.NoError(t, err)
		assert.Equal(t, uintptr(2), before.Value())
		assert.Equal(t, uintptr(3), after.Value())
		require.NoError(t, greenlet.Sleep(main, 5*time.Millisecond))
		assert.Equal(t, []string{"mid", "last"}, fired)
		assert.True(t, mid.Successful(), "the body never ran: it would have failed with 77")
		assert.Equal(t, custom, last.Err())
		return nil
	})
	assert.Equal(t, []error{custom}, failures, "only the failing kill is reported")
	assert.Equal(t, gs0, ccore.LiveGreenlets())
}

// Kills of C greenlets parked in C: a non-blocking kill then a join, a
// blocking kill, and the states on the way.
func TestSpawnCKillParkedInC(t *testing.T) {
	custom := errors.New("custom")
	failures := runOnC(t, func(main *greenlet.Greenlet) error {
		gs := make([]*greenlet.Greenlet, 100)
		for i := range gs {
			gs[i] = mustSpawnC(t, main, ccore.BodyPark, 0)
		}
		require.NoError(t, greenlet.Sleep(main, time.Millisecond)) // all parked in C now
		for _, g := range gs {
			assert.True(t, g.Started() && !g.Dead() && !g.Ready())
		}
		for _, g := range gs[:50] {
			cKillNowait(g, nil)
			assert.False(t, g.Ready(), "a running C body ends at its blocking call, later")
		}
		for _, g := range gs[50:] {
			require.NoError(t, cKillWait(main, g, custom))
			assert.True(t, g.Ready() && g.Dead())
			assert.Equal(t, custom, g.Err())
		}
		_, err := cJoinAll(main, gs[:50])
		require.NoError(t, err)
		for _, g := range gs[:50] {
			assert.True(t, g.Successful() && greenlet.IsExit(g.Value().(error)))
		}
		// Killing a dead C greenlet does nothing.
		require.NoError(t, cKillWait(main, gs[0], custom))
		assert.True(t, gs[0].Successful())
		return nil
	})
	assert.Len(t, failures, 50)
}

// Every kind of link of a C greenlet fires exactly once, in the order added,
// also one added after its end; an unlinked one never fires.
func TestSpawnCLinksFireOnce(t *testing.T) {
	counts := map[string]int{}
	var order []string
	runOnC(t, func(main *greenlet.Greenlet) error {
		for _, c := range []struct {
			name string
			body ccore.Body
			arg  uintptr
		}{{"ok", ccore.BodySleep, 1}, {"fail", ccore.BodySleepFail, 9}} {
			g := mustSpawnC(t, main, c.body, c.arg)
			g.Rawlink(func(*greenlet.Greenlet) { counts[c.name+"/raw"]++; order = append(order, c.name+"/raw") })
			g.Link(func(_, _ *greenlet.Greenlet) error { counts[c.name+"/link"]++; return nil })
			g.LinkValue(func(_, _ *greenlet.Greenlet) error { counts[c.name+"/value"]++; return nil })
			g.LinkException(func(_, _ *greenlet.Greenlet) error { counts[c.name+"/exc"]++; return nil })
			gone := g.Rawlink(func(*greenlet.Greenlet) { counts[c.name+"/unlinked"]++ })
			g.Rawlink(func(*greenlet.Greenlet) { order = append(order, c.name+"/raw2") })
			assert.True(t, g.Unlink(gone))
			require.NoError(t, cJoin(main, g))
			g.Rawlink(func(*greenlet.Greenlet) { counts[c.name+"/late"]++ })
			for range 3 {
				require.NoError(t, greenlet.Sleep(main, 0))
			}
			require.NoError(t, greenlet.Sleep(main, time.Millisecond))
			assert.Zero(t, g.HasLinks())
		}
		return nil
	})
	assert.Equal(t, map[string]int{
		"ok/raw": 1, "ok/link": 1, "ok/value": 1, "ok/late": 1,
		"fail/raw": 1, "fail/link": 1, "fail/exc": 1, "fail/late": 1,
	}, counts)
	assert.Equal(t, []string{"ok/raw", "ok/raw2", "fail/raw", "fail/raw2"}, order)
}

// A C greenlet still alive when the hub shuts down ends with
// ErrHubDestroyed, fires no link, and leaks nothing (runOnC's census).
func TestSpawnCAliveAtShutdown(t *testing.T) {
	var g *greenlet.Greenlet
	fired := 0
	runOnC(t, func(main *greenlet.Greenlet) error {
		g = mustSpawnC(t, main, ccore.BodyPark, 0)
		g.Rawlink(func(*greenlet.Greenlet) { fired++ })
		require.NoError(t, greenlet.Sleep(main, time.Millisecond))
		assert.Equal(t, 1, main.Hub().CGreenlets())
		return nil
	})
	assert.True(t, g.Ready() && g.Dead())
	assert.ErrorIs(t, g.Err(), hub.ErrHubDestroyed)
	assert.Zero(t, fired)
}

// A C-backed greenlet says what it runs.
func TestSpawnCString(t *testing.T) {
	runOnC(t, func(main *greenlet.Greenlet) error {
		g := mustSpawnC(t, main, ccore.BodyYield, 0)
		assert.True(t, strings.Contains(g.String(), "C function 0x"), g.String())
		return cJoin(main, g)
	})
}

// C greenlets that end in a turn run inside SpawnC (the flush of a full
// command array) have their outcome and their failure reported before
// SpawnC returns, as a Go greenlet that fails has its own before it
// switches away; their links, queued for the next pass, never fire when
// main returns at once, as a Go greenlet's would not. Those the C hub had
// not started when the hub shut down end with ErrHubDestroyed, unreported.
// Nothing is left queued or alive (runOnC's checks).
func TestSpawnCEndedJustBeforeShutdown(t *testing.T) {
	var gs []*greenlet.Greenlet
	fired, endedInSpawnC := 0, 0
	failures := runOnC(t, func(main *greenlet.Greenlet) error {
		for range 3000 {
			g := mustSpawnC(t, main, ccore.BodyFail, 3)
			g.Rawlink(func(*greenlet.Greenlet) { fired++ })
			gs = append(gs, g)
		}
		for _, g := range gs {
			if g.Ready() {
				endedInSpawnC++
			}
		}
		return nil
	})
	require.Positive(t, endedInSpawnC, "a full command array runs a turn inside SpawnC")
	require.Less(t, endedInSpawnC, len(gs), "the last spawns wait for a turn")
	ended := 0
	for _, g := range gs {
		require.True(t, g.Ready() && g.Dead(), "%v", g)
		if errors.Is(g.Err(), hub.ErrHubDestroyed) {
			continue
		}
		ended++
		require.Equal(t, hub.CError(3), g.Err())
	}
	assert.Equal(t, endedInSpawnC, ended)
	assert.Len(t, failures, ended, "each failure reported once")
	assert.Zero(t, fired)
}

// The error handler may reach the C hub again while it reports a failure
// seen by a turn that SpawnC ran: here it spawns a C greenlet per failure,
// and those spawns fill the command array again, so turns run inside the
// reports of an earlier turn's ends. Every greenlet ends once, with its own
// outcome, and nothing leaks.
func TestSpawnCFailureReportMaySpawn(t *testing.T) {
	const n = 3000
	gs0 := ccore.LiveGreenlets()
	var extra []*hub.CGreenlet
	reported := 0
	var h *hub.Hub
	h, err := hub.New(hub.WithCore("c"), hub.WithErrorStream(nil),
		hub.WithErrorHandler(func(_ *hub.Hub, _ any, err error) {
			reported++
			c, serr := h.SpawnC(cbody(ccore.BodyYield), 1)
			if serr != nil {
				t.Error(serr)
				return
			}
			extra = append(extra, c)
		}))
	require.NoError(t, err)
	gs := make([]*greenlet.Greenlet, n)
	err = greenlet.RunOn(h, func(main *greenlet.Greenlet) error {
		for i := range gs {
			gs[i] = mustSpawnC(t, main, ccore.BodyFail, 7)
		}
		if _, err := greenlet.JoinAll(main, gs); err != nil {
			return err
		}
		for len(extra) > 0 {
			c := extra[0]
			extra = extra[1:]
			if err := c.Wait(); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	for _, g := range gs {
		require.Equal(t, hub.CError(7), g.Err())
	}
	assert.Equal(t, n, reported)
	assert.Zero(t, h.CGreenlets())
	assert.Equal(t, gs0, ccore.LiveGreenlets(), "C greenlet structs leaked")
}

// A C-backed greenlet has no Go stack to block on: naming it as the
// calling greenlet of a blocking call is a misuse, refused before anything
// happens.
func TestSpawnCIsNotACallingGreenlet(t *testing.T) {
	runOnC(t, func(main *greenlet.Greenlet) error {
		g := mustSpawnC(t, main, ccore.BodyPark, 0)
		other := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { return nil, nil })
		for name, f := range map[string]func(){
			"Join":  func() { _ = other.Join(g) },
			"Sleep": func() { _ = greenlet.Sleep(g, 0) },
			"Kill":  func() { _ = other.Kill(g) },
		} {
			func() {
				defer func() {
					r := recover()
					assert.True(t, strings.HasPrefix(fmt.Sprint(r), "greenlet: "), "%s: %v", name, r)
				}()
				f()
			}()
		}
		assert.False(t, other.Ready(), "the misuse changed nothing")
		if err := g.Kill(main); err != nil {
			return err
		}
		return other.Join(main)
	})
}

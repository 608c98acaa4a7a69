package greenlet

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gevent-go/gevent/internal/sched"
)

// TestWaitListRemovalKeepsOrder removes random entries of a waitList, in
// random order and interleaved with adds and pops, and checks it against a
// plain slice: the survivors keep their FIFO order, whatever is dead inside.
func TestWaitListRemovalKeepsOrder(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 1))
		var l waitList
		var model []LinkID
		for range 3000 {
			switch op := r.IntN(10); {
			case op < 4:
				model = append(model, l.add(waitEntry{}))
			case op < 5 && len(model) > 0:
				if e := l.pop(); e.id != model[0] {
					t.Fatalf("seed %d: pop %d, want %d", seed, e.id, model[0])
				}
				model = model[1:]
			case len(model) > 0:
				i := r.IntN(len(model))
				if !l.remove(model[i]) {
					t.Fatalf("seed %d: remove %d failed", seed, model[i])
				}
				if l.remove(model[i]) {
					t.Fatalf("seed %d: second remove of %d succeeded", seed, model[i])
				}
				model = slices.Delete(model, i, i+1)
			}
			if l.len() != len(model) {
				t.Fatalf("seed %d: len %d, want %d", seed, l.len(), len(model))
			}
			if dead := l.q.n - l.live; dead > 32 && dead > l.live {
				t.Fatalf("seed %d: %d dead entries for %d live ones", seed, dead, l.live)
			}
		}
		for len(model) > 0 {
			if e := l.pop(); e.id != model[0] {
				t.Fatalf("seed %d: final pop %d, want %d", seed, e.id, model[0])
			}
			model = model[1:]
		}
		if l.q.n != 0 {
			t.Fatalf("seed %d: %d entries left in an empty list", seed, l.q.n)
		}
	}
}

// TestUnlinkKeepsOrder does the same for a greenlet's links.
func TestUnlinkKeepsOrder(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 2))
		g := &Greenlet{h: &sched.Hub{}} // only its link ids are used
		var model []LinkID
		for range 3000 {
			if r.IntN(10) < 4 || len(model) == 0 {
				model = append(model, g.addLink(link{kind: lkRaw}))
				continue
			}
			i := r.IntN(len(model))
			if !g.Unlink(model[i]) || g.Unlink(model[i]) {
				t.Fatalf("seed %d: Unlink %d", seed, model[i])
			}
			model = slices.Delete(model, i, i+1)
			if g.HasLinks() != len(model) {
				t.Fatalf("seed %d: HasLinks %d, want %d", seed, g.HasLinks(), len(model))
			}
			if dead := len(g.links) - int(g.nlinks); dead > 32 && dead > int(g.nlinks) {
				t.Fatalf("seed %d: %d dead links for %d live ones", seed, dead, g.nlinks)
			}
		}
		var got []LinkID
		for _, l := range g.links {
			if !l.dead {
				got = append(got, l.id)
			}
		}
		if !slices.Equal(got, model) {
			t.Fatalf("seed %d: links %v, want %v", seed, got, model)
		}
	}
}

//go:build cgo && !purego

package sched

import (
	"testing"

	ccore "github.com/gevent-go/gevent/cgo"
)

// BenchmarkCGreenletSwitch: two C greenlets of a hub on the C core yield
// (gev_hub_sleep(h, 0)) to each other through the C hub's ready queue; one op
// is one yield, i.e. one switch greenlet -> hub -> greenlet inside C. The Go
// side only spawns them and waits: the hub crosses into C once per turn, and
// a turn drains for up to the switch interval.
func BenchmarkCGreenletSwitch(b *testing.B) {
	h, err := New(WithCore("c"))
	if err != nil {
		b.Fatal(err)
	}
	err = h.Run(func(main *G) error {
		half := uintptr(b.N/2 + 1)
		calls0 := h.CgoCalls()
		b.ResetTimer()
		c1, err := h.SpawnC(cfn(ccore.BodyYield), half)
		if err != nil {
			return err
		}
		c2, err := h.SpawnC(cfn(ccore.BodyYield), half)
		if err != nil {
			return err
		}
		if err := c1.Wait(main); err != nil {
			return err
		}
		if err := c2.Wait(main); err != nil {
			return err
		}
		b.StopTimer()
		b.ReportMetric(float64(h.CgoCalls()-calls0)*1000/float64(2*half), "cgo-calls/1000switches")
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCGreenletSpawnJoin: Go spawns C greenlets (a body that returns at
// once) in batches of 100 and waits for each; one op is one spawn+join, all
// of it through the command and event arrays, with cgo-calls/op to show the
// crossings are per batch, not per greenlet.
func BenchmarkCGreenletSpawnJoin(b *testing.B) {
	h, err := New(WithCore("c"))
	if err != nil {
		b.Fatal(err)
	}
	err = h.Run(func(main *G) error {
		cs := make([]*CGreenlet, 0, 100)
		calls0 := h.CgoCalls()
		b.ResetTimer()
		for done := 0; done < b.N; {
			cs = cs[:0]
			for i := 0; i < 100 && done+i < b.N; i++ {
				c, err := h.SpawnC(cfn(ccore.BodyFail), 0)
				if err != nil {
					return err
				}
				cs = append(cs, c)
			}
			for _, c := range cs {
				if err := c.Wait(main); err != nil {
					return err
				}
			}
			done += len(cs)
		}
		b.StopTimer()
		b.ReportMetric(float64(h.CgoCalls()-calls0)/float64(b.N), "cgo-calls/op")
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

//go:build cgo && !purego

package greenlet_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The differential fuzz target: bytes decode into a program of the
// differential test (diffProg), which must give the same trace on the Go
// core and on the C core. The seed corpus is the differential test's own
// programs, encoded, so that the fuzzer starts from programs known to run.
//
// Encoding (a missing byte reads as 0, so every input decodes):
//
//	n-1 (mod 5)
//	per greenlet: ops-1 (mod 5) | 0x80 if started later; [start key]
//	per op: kind + 6*target (kind mod 6, target mod n); one key per slot
//	        it needs; a timeout adds a byte whose low bit swaps its slots
//
// Keys only order the slots: every slot of the program gets the rank of
// its key (ties in input order), and each greenlet takes its slots in
// increasing order, as genDiffProg does, so every decoded program keeps
// the differential test's rule that no two timed steps share a slot.

const (
	fuzzMaxGreenlets = 5
	fuzzMaxOps       = 5
)

// decodeDiffProg turns any input into a valid diffProg.
func decodeDiffProg(data []byte) diffProg {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	type need struct {
		key      byte
		greenlet int
	}
	var needs []need
	n := 1 + int(next())%fuzzMaxGreenlets
	p := diffProg{later: make([]int, n), ops: make([][]diffOp, n)}
	swaps := make([][]bool, n)
	for i := range n {
		h := next()
		nops := 1 + int(h&0x7f)%fuzzMaxOps
		if h&0x80 != 0 {
			p.later[i] = -1
			needs = append(needs, need{next(), i})
		}
		for range nops {
			b := next()
			op := diffOp{kind: diffOpKind(b % 6), target: int(b/6) % n}
			switch op.kind {
			case opSleep, opJoin, opKillBlock:
				needs = append(needs, need{next(), i})
			case opTimeout:
				needs = append(needs, need{next(), i}, need{next(), i})
				swaps[i] = append(swaps[i], next()&1 != 0)
			}
			p.ops[i] = append(p.ops[i], op)
		}
	}
	order := make([]int, len(needs))
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(needs[a].key) - int(needs[b].key) })
	slots := make([][]int, n)
	for rank, j := range order {
		slots[needs[j].greenlet] = append(slots[needs[j].greenlet], rank+1)
	}
	p.assignSlots(slots, func(i int) bool {
		sw := swaps[i][0]
		swaps[i] = swaps[i][1:]
		return sw
	})
	return p
}

// encodeDiffProg is the inverse of decodeDiffProg for the programs
// genDiffProg draws with at most fuzzMaxGreenlets greenlets of at most
// fuzzMaxOps ops, whose slots are 1..total: a slot is its own key.
func encodeDiffProg(p diffProg) []byte {
	n := len(p.ops)
	out := []byte{byte(n - 1)}
	for i, ops := range p.ops {
		h := byte(len(ops) - 1)
		if p.later[i] > 0 {
			h |= 0x80
		}
		out = append(out, h)
		if p.later[i] > 0 {
			out = append(out, byte(p.later[i]))
		}
		for _, op := range ops {
			out = append(out, byte(op.kind)+6*byte(op.target))
			switch op.kind {
			case opSleep, opJoin, opKillBlock:
				out = append(out, byte(op.a))
			case opTimeout:
				swap := byte(0)
				if op.a > op.b {
					swap = 1
				}
				out = append(out, byte(min(op.a, op.b)), byte(max(op.a, op.b)), swap)
			}
		}
	}
	return out
}

// diffSeedProgs are the programs of TestDifferentialCores.
func diffSeedProgs(seeds int) []diffProg {
	var ps []diffProg
	for seed := range seeds {
		ps = append(ps, genDiffProg(rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), fuzzMaxGreenlets, fuzzMaxOps))
	}
	return ps
}

// TestDiffProgCodec checks that the fuzz seeds are exactly the differential
// test's programs: decoding an encoded program gives it back.
func TestDiffProgCodec(t *testing.T) {
	for i, p := range diffSeedProgs(200) {
		if got := decodeDiffProg(encodeDiffProg(p)); !reflect.DeepEqual(got, p) {
			t.Fatalf("seed %d: round trip differs\nwant:\n%s\ngot:\n%s", i, p, got)
		}
	}
	// Any input decodes to a program; a short one to a small program.
	if p := decodeDiffProg(nil); len(p.ops) != 1 || len(p.ops[0]) != 1 {
		t.Fatalf("empty input: %s", p)
	}
}

// FuzzDifferentialCores runs a decoded program on both cores and requires
// the same trace. A machine stalled for a whole tick can reorder two timers
// on either core (on a loaded machine a time slice is longer than a tick),
// so each core runs the program up to fuzzAttempts times and any trace seen
// on both cores passes; a real difference never shows on both.
func FuzzDifferentialCores(f *testing.F) {
	for _, p := range diffSeedProgs(12) {
		f.Add(encodeDiffProg(p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := decodeDiffProg(data)
		var goTrs, cTrs [][]string
		for range fuzzAttempts {
			goTrs = append(goTrs, runDiffProg(t, "go", p))
			cTrs = append(cTrs, runDiffProg(t, "c", p))
			for _, g := range goTrs {
				for _, c := range cTrs {
					if slices.Equal(g, c) {
						return
					}
				}
			}
		}
		t.Fatalf("traces differ in %d runs per core\nprogram:\n%s\ngo (first run):\n  %s\nc (first run):\n  %s", fuzzAttempts, p,
			strings.Join(goTrs[0], "\n  "), strings.Join(cTrs[0], "\n  "))
	})
}

const fuzzAttempts = 6

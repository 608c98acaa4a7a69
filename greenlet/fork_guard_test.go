package greenlet_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// forgetEnv makes the test binary act, from TestMain on, as a program whose
// main forgot ForkMain and forks unconditionally; its value is
// "<mode>:<depth>", mode "run" (greenlet.Run, then Fork) or "fork" (Fork
// from a greenlet of a hub.Run, which Run's own check does not see).
const forgetEnv = "GEVENT_TEST_FORGET_FORKMAIN"

// forgetMaxDepth caps the chain of processes even if the guard regresses:
// the process at that depth does not fork and says so.
const forgetMaxDepth = 3

// forgetForkMainChild is that program's main. It returns at once unless
// forgetEnv is set; otherwise it exits the process.
func forgetForkMainChild() {
	v, ok := os.LookupEnv(forgetEnv)
	if !ok {
		return
	}
	mode, d, _ := strings.Cut(v, ":")
	depth, _ := strconv.Atoi(d)
	if depth >= forgetMaxDepth {
		fmt.Println("FORK BOMB: depth", depth)
		os.Exit(42)
	}
	os.Setenv(forgetEnv, mode+":"+strconv.Itoa(depth+1))
	forkAndWait := func(main *greenlet.Greenlet) error {
		p, err := greenlet.Fork(main, "test-child", nil)
		if err != nil {
			return err
		}
		st, err := p.Wait(main)
		if err != nil {
			return err
		}
		if st.ExitCode() != 0 {
			return fmt.Errorf("fork child exited with status %d", st.ExitCode())
		}
		return nil
	}
	var err error
	if mode == "run" {
		err = greenlet.Run(forkAndWait)
	} else {
		h, herr := hub.New()
		if herr != nil {
			panic(herr)
		}
		err = sched.Of(h).Run(func(*sched.G) error {
			g := greenlet.NewOn(h, func(g *greenlet.Greenlet) (any, error) { return nil, forkAndWait(g) })
			g.Start()
			for !g.Ready() {
				if err := sched.Of(h).Main().Yield(); err != nil {
					return err
				}
			}
			return g.Err()
		})
	}
	if err != nil {
		fmt.Printf("depth %d: %v\n", depth, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// A Fork child whose main forgot ForkMain stops at its first Run or Fork
// with a message and status 2, instead of running main again and forking
// without end. Run in a subprocess, with the chain capped and a time limit.
func TestForkChildWithoutForkMainStops(t *testing.T) {
	for _, core := range hub.Cores() {
		for _, mode := range []string{"run", "fork"} {
			t.Run(core+"/"+mode, func(t *testing.T) {
				s, code := runFailingChild(t, []string{forgetEnv + "=" + mode + ":1", hub.CoreEnv + "=" + core})
				require.NotContains(t, s, "FORK BOMB")
				require.Equal(t, 1, code, "%s", s)
				what := map[string]string{"run": "Run", "fork": "Fork"}[mode]
				require.Contains(t, s, "greenlet: "+what+` in a child started by Fork (entry "test-child") whose main did not call greenlet.ForkMain`)
				require.Contains(t, s, "depth 1: fork child exited with status 2")
			})
		}
	}
}

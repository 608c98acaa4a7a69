package greenlet_test

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// requireChildEnv makes TestRequireInGreenletChild run: it is the child of
// TestRequireInGreenletFailsTest, and must fail.
const requireChildEnv = "GEVENT_TEST_REQUIRE_CHILD"

func init() {
	greenlet.RegisterFork("test-panic-entry", func(*greenlet.Greenlet, []string) error { panic("entry went wrong") })
	greenlet.RegisterFork("test-goexit-entry", func(*greenlet.Greenlet, []string) error {
		runtime.Goexit()
		return nil
	})
}

// TestRequireInGreenletChild fails on purpose, through require inside a
// greenlet body, when run as the child of TestRequireInGreenletFailsTest.
func TestRequireInGreenletChild(t *testing.T) {
	core := os.Getenv(requireChildEnv)
	if core == "" {
		t.Skip("run by TestRequireInGreenletFailsTest")
	}
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			require.Equal(t, 1, 2, "require inside a greenlet body")
			return nil, nil
		})
		_ = g.Join(main)
		if !errors.Is(g.Err(), greenlet.ErrGoexit) {
			return g.Err()
		}
		t.Log("CHILD: the hub went on after require")
		return nil
	}, hub.WithCore(core), hub.WithErrorStream(nil))
	t.Logf("CHILD: Run returned %v", err)
}

// testify's require (t.FailNow, runtime.Goexit) inside a greenlet body fails
// the test cleanly: the test is marked failed, the hub goes on, Run returns
// and so does the test function, on every core.
func TestRequireInGreenletFailsTest(t *testing.T) {
	if os.Getenv(requireChildEnv) != "" {
		t.Skip("in the child")
	}
	for _, core := range hub.Cores() {
		t.Run(core, func(t *testing.T) {
			s, code := runFailingChild(t, []string{requireChildEnv + "=" + core},
				"-test.run=^TestRequireInGreenletChild$", "-test.count=1", "-test.v", "-test.timeout=100s")
			require.Equal(t, 1, code, "%s", s)
			require.Contains(t, s, "require inside a greenlet body")
			require.Contains(t, s, "CHILD: the hub went on after require")
			require.Contains(t, s, "CHILD: Run returned <nil>")
			require.Contains(t, s, "--- FAIL: TestRequireInGreenletChild")
			require.False(t, strings.Contains(s, "panic:"), "%s", s)
		})
	}
}

// A Fork child whose entry panics, or calls runtime.Goexit, exits non-zero.
func (s *Conformance) TestForkEntryPanicExitsNonZero() {
	s.run(func(main *greenlet.Greenlet) error {
		for _, entry := range []string{"test-panic-entry", "test-goexit-entry"} {
			p, err := greenlet.Fork(main, entry, nil)
			s.Require().NoError(err)
			st, err := p.Wait(main)
			s.Require().NoError(err)
			s.Equal(1, st.ExitCode(), entry)
		}
		return nil
	})
}

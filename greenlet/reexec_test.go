package greenlet_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// runFailingChild runs this test binary again, with args and env added to
// this process's environment, and returns its combined output and exit
// status; the child must exit with a non-zero status. The time limit is
// generous: it only keeps a hung child from stalling the test.
func runFailingChild(t *testing.T, env []string, args ...string) (out string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), env...)
	b, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "the child must fail: %v\n%s", err, b)
	return string(b), exit.ExitCode()
}

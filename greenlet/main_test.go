package greenlet_test

import (
	"os"
	"testing"

	"github.com/gevent-go/gevent/greenlet"
)

// TestMain dispatches Fork children: a re-executed test binary runs the
// registered entry instead of the tests.
func TestMain(m *testing.M) {
	forgetForkMainChild() // a program that forgot ForkMain (fork_guard_test.go)
	greenlet.ForkMain()
	os.Exit(m.Run())
}

package greenletvet_test

import (
	"testing"

	"github.com/gevent-go/gevent/greenletvet"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestCurrent covers check 1, the greenlet passed as the current one.
func TestCurrent(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), greenletvet.Analyzer, "current")
}

// TestDiscard covers check 2, discarded errors of blocking calls.
func TestDiscard(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), greenletvet.Analyzer, "discard")
}

// TestThread covers check 3, calls that block the hub's OS thread.
func TestThread(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), greenletvet.Analyzer, "thread")
}

// TestIgnore covers the //greenletvet:ignore directive.
func TestIgnore(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), greenletvet.Analyzer, "ignore")
}

// TestStubsClean checks that the stubs of the greenlet API, which implement
// the blocking calls, report nothing.
func TestStubsClean(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), greenletvet.Analyzer,
		"github.com/gevent-go/gevent/greenlet", "github.com/gevent-go/gevent/hub",
		"github.com/gevent-go/gevent/internal/sched")
}

// TestRaw covers checks 1 and 3 on the raw G of the module's internal
// scheduler, which only the module's own code uses.
func TestRaw(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), greenletvet.Analyzer, "github.com/gevent-go/gevent/internal/rawuse")
}

// TestClean checks that correct code in the shapes users write, the
// README's first program among them, reports nothing.
func TestClean(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), greenletvet.Analyzer, "clean")
}

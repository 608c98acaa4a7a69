package sched

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"
)

// A Loop is the event loop under a hub: the part that differs between the
// cores. The hub keeps everything else (greenlet states, the run-callback
// queue, waiters, error handling) in Go and shared.
//
// The interface is shaped so that a cgo implementation crosses into C once
// per hub turn: timers are named by ids the hub chooses, Arm and Cancel only
// record commands (a C loop batches them into a ring), and Run returns what
// fired as plain ids appended to a slice the hub owns, so C never calls back
// into Go.
//
// All methods except Wake are called only from the hub's goroutine.
type Loop interface {
	// Now returns the loop's clock in nanoseconds, as cached by the last
	// UpdateNow or Run. The clock is monotonic; its zero is arbitrary.
	Now() int64

	// UpdateNow refreshes the cached clock from the system's monotonic clock.
	UpdateNow()

	// Arm starts the timer id so that it fires once the clock reaches
	// deadline (a value on the Now scale). Arming an armed id moves its
	// deadline. Ids are small non-negative integers, dense from 0, chosen by
	// the hub; an id is reused only after it fired or was cancelled, so a
	// loop may index an array by id. Timers with equal deadlines fire in
	// the order they were armed (re-arming an id counts as arming it anew):
	// every core guarantees it, within one Run and across Runs, so that
	// timers set for the same instant, as a virtual clock makes common, run
	// first come, first served.
	Arm(id uint64, deadline int64)

	// Cancel stops the timer id. Cancelling an id that is not armed does
	// nothing. After Cancel returns, the next Run does not report id.
	Cancel(id uint64)

	// Run runs one loop iteration and appends the ids of the timers that
	// fired to fired, returning the extended slice. With block, it waits
	// until the earliest timer is due or Wake is called (without timers, only
	// Wake ends the wait); without block it only polls. A fired timer is
	// disarmed. A non-nil error means the loop itself failed.
	Run(block bool, fired []uint64) ([]uint64, error)

	// Watch starts the io watcher id on fd for events (Readable, Writable
	// or both): a later Run finds it ready once the fd is, and ReadyIO
	// reports it. Readiness is level-triggered: a watcher stays ready, and
	// keeps being reported, until Unwatch. Watching a watched id replaces
	// its fd and events. Io ids are a namespace of their own, small and
	// dense from 0, chosen by the hub like timer ids. A watch that the
	// loop cannot make (a closed fd, a file the kernel cannot poll) is
	// reported by ReadyIO with an error, never silently dropped, and a Run
	// that has such a report to make does not block.
	Watch(id uint64, fd int, events IOEvents)

	// Unwatch stops the io watcher id; unknown ids do nothing. After
	// Unwatch returns, ReadyIO does not report id for its earlier watch.
	Unwatch(id uint64)

	// ReadyIO appends to ready the io watchers that the last Run found
	// ready (or failed to watch) and that are still watched, and returns
	// the extended slice. Each watcher appears at most once per Run.
	ReadyIO(ready []IOReady) []IOReady

	// ForgetFD tells the loop that fd is about to be closed and none of
	// its watchers is active: a loop that keeps kernel registrations
	// across watches drops fd's now, so that a new file that reuses the
	// number is registered afresh.
	ForgetFD(fd int)

	// Wake makes a blocked Run return soon, or the next Run not block. It is
	// safe to call from any goroutine, any number of times, also after Close
	// (then it does nothing).
	Wake()

	// Reinit re-creates the loop's kernel resources after a fork of the
	// process. Armed timers stay armed.
	Reinit() error

	// Close releases the loop's resources. The loop must not be used after
	// Close, except for Wake.
	Close() error
}

// CoreEnv is the environment variable that selects a core when no WithCore
// option is given: GEVENT_CORE=go or GEVENT_CORE=c.
const CoreEnv = "GEVENT_CORE"

var (
	coresMu sync.Mutex
	cores   = map[string]func() (Loop, error){}
)

// RegisterCore makes a core available under name. It is meant to be called
// from an init function, one line per core (the C core's cgo-tagged file
// adds "c" this way). It panics if name is empty or already registered.
func RegisterCore(name string, newLoop func() (Loop, error)) {
	coresMu.Lock()
	defer coresMu.Unlock()
	if name == "" || newLoop == nil {
		panic("hub: RegisterCore: empty name or nil constructor")
	}
	if _, dup := cores[name]; dup {
		panic(fmt.Sprintf("hub: RegisterCore: core %q registered twice", name))
	}
	cores[name] = newLoop
}

// Cores returns the names of the cores this build offers, sorted.
func Cores() []string {
	coresMu.Lock()
	defer coresMu.Unlock()
	names := make([]string, 0, len(cores))
	for n := range cores {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DefaultCore returns the core a hub uses when neither WithCore nor
// GEVENT_CORE names one: "c" when this build registered it, otherwise "go".
func DefaultCore() string {
	if slices.Contains(Cores(), "c") {
		return "c"
	}
	return "go"
}

// newLoop builds the loop of the named core; an empty name means GEVENT_CORE
// and then DefaultCore. An unknown core is an error, never a silent
// fallback: a user who asked for the C core must learn that this build
// lacks it.
func newLoop(name string) (Loop, string, error) {
	if name == "" {
		name = os.Getenv(CoreEnv)
	}
	if name == "" {
		name = DefaultCore()
	}
	coresMu.Lock()
	f := cores[name]
	coresMu.Unlock()
	if f == nil {
		return nil, name, fmt.Errorf("hub: core %q is not available in this build (available: %v; the C core needs a cgo build)", name, Cores())
	}
	l, err := f()
	if err != nil {
		return nil, name, fmt.Errorf("hub: core %q: %w", name, err)
	}
	return l, name, nil
}

//go:build cgo && !purego

package cgo

/*
#cgo CFLAGS: -std=gnu11 -O2 -I${SRCDIR}/../csrc -I${SRCDIR}
#cgo LDFLAGS: -lev -lm -lpthread
#include <stdlib.h>
#include "gev_coro.h"
#include "gev_hub.h"
#include "turn.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// A Hub is one C hub (gev_hub): a libev loop, its host timers, and its C
// greenlets, with the host window (command and event arrays) it shares with
// Go. Create it with NewHub and free it with Destroy; the zero value is not
// usable.
//
// Ownership: the gev_hub, its command array and its event array are C memory
// owned by the C hub and freed by Destroy, and so is the census buffer that
// NewHub allocates for TurnCensus. Go holds pointers into them for the hub's
// life; nothing in them ever points into Go memory.
//
// Threads: every method except Interrupt, Post and ForeignCalls must be called
// by the one goroutine that drives the hub, which must be locked to its OS
// thread before the first Turn (see the package comment).
type Hub struct {
	p     *C.gev_hub
	host  *C.gev_hub_host
	cen   *C.gev_hub_census // C memory for TurnCensus (calloc'd by NewHub)
	cmds  []Cmd             // the command array, a Go view of C memory (cmd_cap slots)
	calls uint64            // cgo calls made by the owning goroutine on this hub

	// mu guards p against Destroy for the calls other goroutines make
	// (Interrupt, Post); the owner never takes it except in Destroy.
	mu      sync.RWMutex
	dead    bool
	foreign atomic.Uint64 // cgo calls made by Interrupt and Post
}

// Cmd is one host command, laid out exactly as C's gev_hub_cmd (64 bytes on
// 64-bit targets; the layout is checked at compile time). Go writes commands in place into the
// hub's command array through Push; Fn is a C function pointer (a Body) and
// Arg an integer, never a Go pointer.
type Cmd struct {
	ID       uint64  // host id of the timer or C greenlet
	Op       uint32  // one of the Op constants
	Code     int32   // Kill: the kill code; IOStart: the fd; 0 for the others
	Events   int32   // IOStart: EV_READ|EV_WRITE
	_        int32   // padding, as in C
	Seconds  float64 // TimerStart: after how long; Spawn: start delay (0 = now)
	Repeat   float64 // TimerStart, TimerAt: period, 0 = one-shot
	Fn       Body    // Spawn: the body
	Arg      uintptr // Spawn: the body's argument
	Deadline int64   // TimerAt: the absolute deadline on the Now clock
}

// A TimerAt command arms its timer at an absolute deadline on the Now clock
// (CLOCK_MONOTONIC nanoseconds); the C hub converts it against libev's own
// clock at the turn, so the timer fires at exactly that time there and
// deadlines flushed in different turns keep their order exactly, whatever the
// Go scheduler does between the push and the call.

// Now returns the clock of absolute timer deadlines: CLOCK_MONOTONIC in
// nanoseconds, the clock libev's timers run on, read without a cgo call (the
// Go runtime's nanotime). Safe from any goroutine.
func Now() int64 { return nanotime() }

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Command operations (enum gev_hub_cmd_op).
const (
	OpTimerStart = C.GEV_HUB_CMD_TIMER_START // arm timer ID after Seconds (re-arms if armed)
	OpTimerAt    = C.GEV_HUB_CMD_TIMER_AT    // arm timer ID at Deadline (re-arms if armed)
	OpTimerStop  = C.GEV_HUB_CMD_TIMER_STOP  // disarm timer ID; unknown ids: no-op
	OpIOStart    = C.GEV_HUB_CMD_IO_START    // watch fd Code for Events as io ID
	OpIOStop     = C.GEV_HUB_CMD_IO_STOP     // stop io ID
	OpSpawn      = C.GEV_HUB_CMD_SPAWN       // spawn Fn(Arg) as C greenlet ID
	OpKill       = C.GEV_HUB_CMD_KILL        // kill C greenlet ID with Code (0: Exit)
	OpNop        = C.GEV_HUB_CMD_NOP         // nothing: a command withdrawn after it was written
)

// Event is one event of a turn, laid out exactly as C's gev_hub_event (24
// bytes).
type Event struct {
	ID     uint64
	Kind   int32   // one of the Ev constants
	Status int32   // EvIO: revents; EvGreenletDone: the status; EvCmdError: the error
	Value  uintptr // EvGreenletDone: the body's value; EvCmdError: the failed Op
}

// Event kinds (enum gev_hub_event_kind).
const (
	EvTimer        = C.GEV_HUB_EV_TIMER         // host timer ID fired (a one-shot id is free)
	EvIO           = C.GEV_HUB_EV_IO            // io ID ready
	EvWake         = C.GEV_HUB_EV_WAKE          // Post(ID) from some goroutine
	EvGreenletDone = C.GEV_HUB_EV_GREENLET_DONE // C greenlet ID finished; the id is free
	EvCmdError     = C.GEV_HUB_EV_CMD_ERROR     // a command failed
)

// Status codes of the C hub (enum gev_hub_err). Kill codes chosen by callers
// are any other non-zero int32.
const (
	ENOMEM    = C.GEV_HUB_ENOMEM
	EINVAL    = C.GEV_HUB_EINVAL
	Exit      = C.GEV_HUB_EXIT // GreenletExit: the default kill code, counts as success
	ETIMEOUT  = C.GEV_HUB_ETIMEOUT
	ETIMEDOUT = C.GEV_HUB_ETIMEDOUT
	EBLOCKING = C.GEV_HUB_EBLOCKING
	ELOOPEXIT = C.GEV_HUB_ELOOPEXIT
	ENOTFOUND = C.GEV_HUB_ENOTFOUND
	EEXIST    = C.GEV_HUB_EEXIST
	EBUSY     = C.GEV_HUB_EBUSY
	EBADF     = C.GEV_HUB_EBADF
)

// Compile-time layout checks: Cmd and Event must match the C structs byte for
// byte, since Go reads and writes the C arrays through them.
var (
	_ [unsafe.Sizeof(Cmd{}) - unsafe.Sizeof(C.gev_hub_cmd{})]byte
	_ [unsafe.Sizeof(C.gev_hub_cmd{}) - unsafe.Sizeof(Cmd{})]byte
	_ [unsafe.Offsetof(Cmd{}.Seconds) - unsafe.Offsetof(C.gev_hub_cmd{}.seconds)]byte
	_ [unsafe.Offsetof(C.gev_hub_cmd{}.seconds) - unsafe.Offsetof(Cmd{}.Seconds)]byte
	_ [unsafe.Offsetof(Cmd{}.Fn) - unsafe.Offsetof(C.gev_hub_cmd{}.fn)]byte
	_ [unsafe.Offsetof(C.gev_hub_cmd{}.fn) - unsafe.Offsetof(Cmd{}.Fn)]byte
	_ [unsafe.Offsetof(Cmd{}.Arg) - unsafe.Offsetof(C.gev_hub_cmd{}.arg)]byte
	_ [unsafe.Offsetof(C.gev_hub_cmd{}.arg) - unsafe.Offsetof(Cmd{}.Arg)]byte
	_ [unsafe.Offsetof(Cmd{}.Deadline) - unsafe.Offsetof(C.gev_hub_cmd{}.deadline)]byte
	_ [unsafe.Offsetof(C.gev_hub_cmd{}.deadline) - unsafe.Offsetof(Cmd{}.Deadline)]byte
	_ [unsafe.Sizeof(Event{}) - unsafe.Sizeof(C.gev_hub_event{})]byte
	_ [unsafe.Sizeof(C.gev_hub_event{}) - unsafe.Sizeof(Event{})]byte
	_ [unsafe.Offsetof(Event{}.Value) - unsafe.Offsetof(C.gev_hub_event{}.value)]byte
	_ [unsafe.Offsetof(C.gev_hub_event{}.value) - unsafe.Offsetof(Event{}.Value)]byte
)

// An Error is a status code of the C hub, as an error.
type Error int32

// Error returns the C hub's description of the code, prefixed "cgo: ".
func (e Error) Error() string { return "cgo: " + Strerror(int32(e)) }

// Strerror returns the C hub's description of code (gev_hub_strerror): one
// cgo call, on the calling goroutine's thread; the returned string is a Go
// copy of static C memory.
func Strerror(code int32) string {
	return C.GoString(C.gev_hub_strerror(C.int(code)))
}

// Name returns the C hub's description of code (gev_hub_strerror) if it is
// one of the C hub's own codes (enum gev_hub_err: zero or negative), else "".
// At most two cgo calls.
func Name(code int32) string {
	if code > 0 {
		return "" // a caller's kill code
	}
	s := Strerror(code)
	if s == Strerror(1) {
		return "" // described as every code the C hub does not define
	}
	return s
}

// NewHub creates a C hub (gev_hub_new) whose command array holds cmdCap
// commands (0: the C default, 256), with keep-alive on so that a blocking
// Turn waits for Interrupt even when no timer is armed, as a host loop must.
// It runs on the calling goroutine's thread; nothing of the hub is bound to
// that thread until the first Turn. The hub is C memory owned by the returned
// Hub until Destroy.
func NewHub(cmdCap int) (*Hub, error) {
	if cmdCap < 0 {
		return nil, fmt.Errorf("cgo: NewHub: negative command capacity %d", cmdCap)
	}
	if err := InstallOverflowReport(); err != nil {
		return nil, err
	}
	var p *C.gev_hub
	if rc := C.gev_hub_new(&p, C.size_t(cmdCap)); rc != 0 {
		return nil, fmt.Errorf("cgo: NewHub: %w", Error(rc))
	}
	C.gev_hub_set_keepalive(p, 1)
	host := C.gev_hub_host_of(p)
	cen := (*C.gev_hub_census)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gev_hub_census{}))))
	if cen == nil {
		C.gev_hub_destroy(p)
		return nil, fmt.Errorf("cgo: NewHub: %w", Error(ENOMEM))
	}
	h := &Hub{p: p, host: host, cen: cen, calls: 4}
	h.cmds = unsafe.Slice((*Cmd)(unsafe.Pointer(host.cmds)), int(host.cmd_cap))
	return h, nil
}

// Destroy frees the hub (gev_hub_destroy): its loop, its timers, and every C
// greenlet it still has, whose stacks are dropped without unwinding. After it
// the Hub must not be used, except Interrupt and Post, which then do nothing.
// Owner goroutine, on the hub's thread; one cgo call. Destroying twice is a
// no-op.
func (h *Hub) Destroy() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dead {
		return
	}
	h.dead = true
	h.calls++
	C.gev_hub_destroy(h.p)
	C.free(unsafe.Pointer(h.cen))
	h.p, h.host, h.cmds, h.cen = nil, nil, nil, nil
}

// Push returns the next free command slot, zeroed and counted in NCmds, or
// nil when the command array is full (then run Turn(0) first: commands are
// never dropped). Pure Go: it writes C memory in place, no cgo call. The
// pointer is valid until the next Turn.
func (h *Hub) Push() *Cmd {
	h.mustLive("Push")
	n := h.host.ncmds
	if n >= h.host.cmd_cap {
		return nil
	}
	c := &h.cmds[n]
	*c = Cmd{}
	h.host.ncmds = n + 1
	return c
}

// Cmds returns the commands pushed since the last Turn, in order, as a view
// of C memory that the caller may edit in place (rewrite a command, or turn
// it into a no-op such as a TimerStop of an id C does not know). Valid until
// the next Turn or SetNCmds.
func (h *Hub) Cmds() []Cmd { return h.cmds[:h.host.ncmds] }

// SetNCmds drops the commands from index n on (n at most NCmds).
func (h *Hub) SetNCmds(n int) {
	if n < 0 || n > int(h.host.ncmds) {
		panic(fmt.Sprintf("cgo: SetNCmds(%d) outside [0, %d]", n, h.host.ncmds))
	}
	h.host.ncmds = C.uint32_t(n)
}

// CmdCap returns the capacity of the command array.
func (h *Hub) CmdCap() int { return int(h.host.cmd_cap) }

// Turn runs one hub turn (gev_hub_turn, through gevgo_turn, which first
// converts absolute timer deadlines: see Cmd): apply the pushed commands, take
// posts, run ready C greenlets and callbacks, then one libev iteration that
// blocks at most maxWait seconds (< 0: until something happens; 0: never).
// It returns the number of events, which Events then holds. It is the one
// cgo call per hub turn, made on the owner goroutine's (locked) thread; C
// greenlets run inside it on their own C stacks and call nothing in Go.
//
// Errors: ELOOPEXIT cannot happen while keep-alive is on; EBLOCKING or
// EINVAL mean misuse by the caller.
func (h *Hub) Turn(maxWait float64) (int, error) {
	h.calls++
	rc := C.gevgo_turn(h.p, C.double(maxWait))
	if rc < 0 {
		return 0, Error(rc)
	}
	return int(rc), nil
}

// TurnCensus is Turn followed, within the same cgo call, by Census: for a
// host that must know after every turn whether the C side can still make
// progress on its own. The census is read from C memory the Hub owns, so it
// allocates nothing.
func (h *Hub) TurnCensus(maxWait float64) (int, Census, error) {
	h.calls++
	rc := C.gevgo_turn_census(h.p, C.double(maxWait), h.cen)
	c := censusOf(h.cen)
	if rc < 0 {
		return 0, c, Error(rc)
	}
	return int(rc), c, nil
}

// Events returns the events of the last Turn, a view of C memory valid until
// the next Turn (the hub may move the array at every turn). Pure Go.
func (h *Hub) Events() []Event {
	n := int(h.host.nevents)
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*Event)(unsafe.Pointer(h.host.events)), n)
}

// HasReady reports whether C greenlets or hub callbacks were still ready
// after the last Turn (then the next Turn will not block). Pure Go.
func (h *Hub) HasReady() bool { return h.host.has_ready != 0 }

// Alive returns how many C greenlets were not dead after the last Turn. Pure
// Go.
func (h *Hub) Alive() uint64 { return uint64(h.host.nalive) }

// Turns returns how many turns the hub has run. Pure Go.
func (h *Hub) Turns() uint64 { return uint64(h.host.turns) }

// Calls returns how many cgo calls the owner goroutine has made on this hub
// (NewHub's included). Pure Go.
func (h *Hub) Calls() uint64 { return h.calls }

// ForeignCalls returns how many cgo calls Interrupt and Post have made on
// this hub. Safe from any goroutine.
func (h *Hub) ForeignCalls() uint64 { return h.foreign.Load() }

// Interrupt wakes a blocked Turn, or makes the next one not block
// (gev_hub_interrupt). Safe from any goroutine at any time, also during and
// after Destroy (then it does nothing). One cgo call on the caller's thread;
// it never blocks on the hub.
func (h *Hub) Interrupt() {
	h.mu.RLock()
	if !h.dead {
		h.foreign.Add(1)
		C.gev_hub_interrupt(h.p)
	}
	h.mu.RUnlock()
}

// mustLive panics if the hub was destroyed: its C memory is gone.
func (h *Hub) mustLive(op string) {
	if h.p == nil {
		panic("cgo: " + op + " after the hub was destroyed")
	}
}

// ErrDestroyed is returned by Post, SetSwitchInterval and Reinit after
// Destroy; Push, SetStackSize and Verify panic then, and Census is zero.
var ErrDestroyed = errors.New("cgo: hub destroyed")

// Post queues an EvWake event with id for the next turn and wakes a blocked
// Turn (gev_hub_post). Safe from any goroutine; one cgo call.
func (h *Hub) Post(id uint64) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.dead {
		return ErrDestroyed
	}
	h.foreign.Add(1)
	if rc := C.gev_hub_post(h.p, C.uint64_t(id)); rc != 0 {
		return Error(rc)
	}
	return nil
}

// SetSwitchInterval bounds how long one drain of C greenlets may run before
// the loop polls (gev_hub_set_switch_interval; seconds > 0). One cgo call.
func (h *Hub) SetSwitchInterval(seconds float64) error {
	if h.p == nil {
		return ErrDestroyed
	}
	h.calls++
	if rc := C.gev_hub_set_switch_interval(h.p, C.double(seconds)); rc != 0 {
		return Error(rc)
	}
	return nil
}

// SetStackSize sets the usable stack of C greenlets spawned from now on (0:
// the default, 64 KiB). One cgo call.
func (h *Hub) SetStackSize(bytes int) {
	h.mustLive("SetStackSize")
	h.calls++
	C.gev_hub_set_stack_size(h.p, C.size_t(bytes))
}

// Reinit re-creates the hub's per-process resources after fork
// (gev_hub_reinit). One cgo call.
func (h *Hub) Reinit() error {
	if h.p == nil {
		return ErrDestroyed
	}
	h.calls++
	if rc := C.gev_hub_reinit(h.p); rc != 0 {
		return Error(rc)
	}
	return nil
}

// Verify checks every invariant of the C hub and aborts the process with a
// message naming a broken one (gev_hub_verify). Tests call it; one cgo call.
func (h *Hub) Verify() {
	h.mustLive("Verify")
	h.calls++
	C.gev_hub_verify(h.p)
}

// Census counts the live objects of one C hub (gev_hub_census).
type Census struct {
	Greenlets     int // greenlet structs not yet freed
	Alive         int // greenlets not dead
	Ready         int // nodes in the ready queue
	Timers        int // armed C-side timers (sleeps, join timeouts, timeouts)
	FdWaits       int
	HostTimers    int // armed host timers
	HostIOs       int
	HostGreenlets int // host-spawned greenlets whose done event is not yet emitted
	Posts         int // posts not yet taken
}

// Census reports what the hub holds now. One cgo call.
func (h *Hub) Census() Census {
	if h.p == nil {
		return Census{} // a destroyed hub holds nothing
	}
	h.calls++
	C.gev_hub_get_census(h.p, h.cen)
	return censusOf(h.cen)
}

func censusOf(c *C.gev_hub_census) Census {
	return Census{
		Greenlets: int(c.greenlets), Alive: int(c.alive), Ready: int(c.ready),
		Timers: int(c.timers), FdWaits: int(c.fd_waits), HostTimers: int(c.host_timers),
		HostIOs: int(c.host_ios), HostGreenlets: int(c.host_greenlets), Posts: int(c.posts),
	}
}

// LiveHubs and LiveGreenlets count, process-wide, C hubs and C greenlet
// structs not yet freed (gev_hub_live_hubs, gev_hub_live_greenlets): the leak
// check of tests. Safe from any goroutine; one cgo call each.
func LiveHubs() int { return int(C.gev_hub_live_hubs()) }

// LiveGreenlets counts C greenlet structs not yet freed, process-wide; see LiveHubs.
func LiveGreenlets() int { return int(C.gev_hub_live_greenlets()) }

// CoroCensus counts the C coroutines of the calling thread
// (gev_coro_get_census). Call it on a hub's thread (the hub goroutine, locked)
// to see that hub's coroutines.
type CoroCensus struct {
	Live, PooledStacks, MappedStacks, GuardedStacks int
	// ReleasedStacks are the pooled stacks whose memory went back to the kernel
	// (gev_coro_pool_release); they stay mapped and reusable.
	ReleasedStacks int
}

// ThreadCoroCensus returns the coroutine census of the calling goroutine's
// current thread; meaningful only on a locked thread. One cgo call.
func ThreadCoroCensus() CoroCensus {
	var c C.gev_coro_census
	C.gev_coro_get_census(&c)
	return CoroCensus{int(c.live), int(c.pooled_stacks), int(c.mapped_stacks), int(c.guarded_stacks),
		int(c.released_stacks)}
}

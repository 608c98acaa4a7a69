package greenlet

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"

	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/sched"
)

// Fork support. A Go runtime cannot continue in a forked child (its other
// threads are gone; golang/go#14767), so Fork does what gevent's fork is
// used for by re-executing the program: the child is the same executable,
// started with an environment marker that names a function registered with
// RegisterFork; ForkMain, called first thing in main (or TestMain), runs that
// function as the main greenlet of a fresh hub and exits. Files are shared
// through ExtraFiles. Unlike os.fork, the child starts from a clean state:
// greenlets and timers of the parent do not run in it (gevent #957 is the
// opposite, by design of fork).

const (
	forkEnv      = "GEVENT_FORK_ENTRY"
	forkArgsEnv  = "GEVENT_FORK_ARGS"
	forkFilesEnv = "GEVENT_FORK_FILES"
)

var (
	forkMu      sync.Mutex
	forkEntries = map[string]func(main *Greenlet, args []string) error{}
)

// RegisterFork registers entry as the child function named name. Call it
// from an init function, so that the parent and the re-executed child have
// the same registry. It panics on an empty or duplicate name.
func RegisterFork(name string, entry func(main *Greenlet, args []string) error) {
	forkMu.Lock()
	defer forkMu.Unlock()
	if name == "" || entry == nil {
		panic("greenlet: RegisterFork with an empty name or nil entry")
	}
	if _, dup := forkEntries[name]; dup {
		panic(fmt.Sprintf("greenlet: RegisterFork: %q registered twice", name))
	}
	forkEntries[name] = entry
}

// ForkMain returns at once in a normal process. In a child started by Fork,
// it runs the registered entry as the main greenlet of a new hub (options
// opts) and exits the process: status 0 if the entry returned nil, 1 after
// printing its error otherwise (a panic, with its stack, and a
// runtime.Goexit count as errors), 2 if the entry is not registered. Call it
// at the top of main, or of TestMain for tests that fork: a child whose main
// does not call it stops at its first Run or Fork (see Fork).
func ForkMain(opts ...hub.Option) {
	name, ok := os.LookupEnv(forkEnv)
	if !ok {
		return
	}
	var args []string
	if a := os.Getenv(forkArgsEnv); a != "" {
		if err := json.Unmarshal([]byte(a), &args); err != nil {
			fmt.Fprintf(os.Stderr, "greenlet: fork child: bad %s: %v\n", forkArgsEnv, err)
			os.Exit(2)
		}
	}
	os.Unsetenv(forkEnv)
	os.Unsetenv(forkArgsEnv)
	forkMu.Lock()
	entry := forkEntries[name]
	forkMu.Unlock()
	if entry == nil {
		fmt.Fprintf(os.Stderr, "greenlet: fork child: no entry %q registered (RegisterFork must run at init)\n", name)
		os.Exit(2)
	}
	if err := Run(func(main *Greenlet) error { return entry(main, args) }, opts...); err != nil {
		if p, ok := err.(*PanicError); ok {
			fmt.Fprintf(os.Stderr, "greenlet: fork child %q: %v\n\n%s\n", name, p, p.Stack)
		} else {
			fmt.Fprintf(os.Stderr, "greenlet: fork child %q: %v\n", name, err)
		}
		os.Exit(1)
	}
	os.Exit(0)
}

// exitIfUnclaimedForkChild ends the process, saying why, with status 2 when
// it runs in a child started by Fork whose main did not call ForkMain (which
// removes the marker before it runs the entry): such a child runs main again
// instead of the entry, and a program that forks unconditionally would fork
// without end. Run and Fork call it first.
func exitIfUnclaimedForkChild(op string) {
	name, ok := os.LookupEnv(forkEnv)
	if !ok {
		return
	}
	fmt.Fprintf(os.Stderr, "greenlet: %s in a child started by Fork (entry %q) whose main did not call greenlet.ForkMain: "+
		"call it first thing in main (or TestMain); exiting with status 2\n", op, name)
	os.Exit(2)
}

// ForkFiles returns, in a Fork child, the files the parent passed (in
// order); nil elsewhere.
func ForkFiles() []*os.File {
	n, _ := strconv.Atoi(os.Getenv(forkFilesEnv))
	files := make([]*os.File, 0, n)
	for i := 0; i < n; i++ {
		files = append(files, os.NewFile(uintptr(3+i), fmt.Sprintf("fork-file-%d", i)))
	}
	return files
}

// A Process is a child started by Fork.
type Process struct {
	// Pid is the child's process id.
	Pid int

	h       *sched.Hub
	done    bool
	state   *os.ProcessState
	err     error
	waiters []sched.Token
}

// Fork starts the program again as a child that runs the entry registered
// under name with args, sharing files (they become the child's descriptors
// 3, 4, ... and ForkFiles returns them), with the parent's stdin, stdout,
// stderr and environment. It returns once the child is started; Wait waits
// for it cooperatively. The hub keeps a reference while the child runs, so
// a main greenlet waiting for it does not get LoopExit.
//
// In a child started by Fork whose main did not call ForkMain, Fork (like
// Run) prints why and exits the process with status 2, so that a program
// that forgot ForkMain cannot fork without end.
func Fork(cur *Greenlet, name string, args []string, files ...*os.File) (*Process, error) {
	exitIfUnclaimedForkChild("Fork")
	forkMu.Lock() //greenletvet:ignore a registry lock held for a map read, never across a park
	_, ok := forkEntries[name]
	forkMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("greenlet: Fork: no entry %q registered", name)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("greenlet: Fork: %w", err)
	}
	enc, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("greenlet: Fork: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), forkEnv+"="+name, forkArgsEnv+"="+string(enc), forkFilesEnv+"="+strconv.Itoa(len(files)))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = files
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("greenlet: Fork: %w", err)
	}
	h := cur.h
	p := &Process{Pid: cmd.Process.Pid, h: h}
	h.Ref()
	go func() {
		err := cmd.Wait()
		if h.Post(func() { p.exited(cmd.ProcessState, err) }) != nil {
			h.Unref() // the hub is gone; nobody waits
		}
	}()
	return p, nil
}

func (p *Process) exited(state *os.ProcessState, err error) {
	p.done, p.state = true, state
	if _, isExit := err.(*exec.ExitError); !isExit {
		p.err = err
	}
	for _, t := range p.waiters {
		p.h.Wake(t)
	}
	p.waiters = nil
	p.h.Unref()
}

// Wait parks cur until the child has exited and returns its state (a
// non-zero exit status is in the state, not an error). Several greenlets may
// wait; an error delivered to cur while it waits is returned instead.
func (p *Process) Wait(cur *Greenlet) (*os.ProcessState, error) {
	if err := cur.check("Process.Wait", nil); err != nil {
		return nil, err
	}
	for !p.done {
		p.waiters = append(p.waiters, cur.raw.Token())
		if err := cur.raw.ParkFor("greenlet: Process.Wait"); err != nil {
			return nil, err
		}
	}
	return p.state, p.err
}

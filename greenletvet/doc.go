// Package greenletvet is a static checker for code that uses
// github.com/gevent-go/gevent/greenlet: an analysis.Analyzer, run by
// cmd/greenletvet under go vet:
//
//	go install github.com/gevent-go/gevent/cmd/greenletvet@latest
//	go vet -vettool=$(which greenletvet) ./...
//
// It knows the greenlet API by shape, not by name, so it follows renames:
//
//   - A greenlet handle is a *greenlet.Greenlet, or the raw *sched.G under
//     it (the module's internal scheduler, which only its own code uses).
//   - A call takes the calling greenlet in a slot: a *greenlet.Greenlet
//     parameter named cur or main, in any package (a helper shaped like the
//     API is used like it); or, in the gevent-go module's raw layer and only
//     for a callee returning an error, the *sched.G receiver of a method or
//     else the only *sched.G parameter. A *Greenlet parameter with another
//     name is a target (the receiver of g.Join, the g of Pool.Add, the src of
//     Receive) or only names the hub (the on of Spawn), and may be any
//     greenlet.
//   - A blocking call is such a call whose last result is an error: kills
//     and timeouts arrive through it.
//   - A greenlet body is a function whose first parameter is a
//     *greenlet.Greenlet and whose last result is an error (a Func, Run's
//     body, a Link callback, Map's function, a named function passed as one),
//     or whose first parameter is a *sched.G (a raw G's body). That parameter is the
//     body's own greenlet. A function literal of that shape that is called in
//     place, directly or through the variable holding it, is a helper and runs
//     as part of the body around it. Function literals without a greenlet
//     parameter (Timeout.Do, Scope, defer) run as part of the body around
//     them too; a function started with a go statement runs outside it.
//     Rawlink and AddSpawnCallback callbacks, which return nothing, are not
//     bodies.
//
// # Check 1: the current greenlet
//
// A call inside a body that takes the calling greenlet (a blocking call, or
// one such as an iterator's Next or StartNew that records it) must be passed
// the innermost body's own greenlet. Passing another greenlet parks or
// times out the wrong one (a blocking call panics at run time when the
// greenlet it is passed is not the running one):
//
//	greenlet.Run(func(main *greenlet.Greenlet) error {
//		greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
//			return nil, greenlet.Sleep(main, time.Second) // reported: pass g
//		})
//		...
//	})
//
// Reported: the slot holds a greenlet variable declared outside the innermost
// body (captured from an enclosing body, a function or the package); a
// greenlet parameter of the body other than its own (the src of a Link
// callback); or a local of the body that only ever holds greenlets created
// there (every assignment to it is the *Greenlet result of a call taking a
// body-shaped function: Spawn, New, a Pool's Spawn), as in child.Join(child).
// Not judged: other locals of the body (c := cur), fields, calls such as
// greenlet.Current(h), and a greenlet passed in any other slot (t.Join(cur)
// may join any t).
//
// On a goroutine (a function literal started by a go statement, with no body
// nearer) no greenlet runs: reported there is a greenlet variable declared
// outside the goroutine's function in the slot, and so is a go statement
// whose own call takes one (go helper(cur)). The way for a goroutine to hand
// work to greenlets is (*hub.Hub).Post.
//
// # Check 2: discarded errors
//
// The error of a blocking call is how a kill or a timeout reaches the
// greenlet parked in it. Dropping it makes the greenlet unkillable there: it
// goes on as if nothing had been delivered. Reported anywhere: a blocking call
// used as a statement, and one whose error result is assigned to the blank
// identifier (_ = g.Join(cur), v, _ := q.Get(cur)). Not reported, because
// nothing is lost:
//   - defer and go statements, whose results Go discards by construction;
//   - a call passed nil as the current greenlet, which cannot park;
//   - a statement followed by a panic or by a return of an error that is not
//     nil: the greenlet is leaving with a failure already (Scope's kill of g
//     before it returns the body's error);
//   - the only statement of a func() literal handed to other code (not
//     called in place), whose type leaves the error nowhere to go, as in a
//     test's assert.Panics(t, func() { _ = q.Get(main) }).
//
// # Check 3: blocking the OS thread
//
// A hub runs all its greenlets on one OS thread, so inside a body a call that
// blocks the thread stops every greenlet of the hub, and its timers, until it
// returns. Reported inside bodies (and the helpers and closures they run,
// but not goroutines they start):
//
//   - time.Sleep, and receiving from time.After or time.Tick: use
//     greenlet.Sleep.
//   - channel send, channel receive, range over a channel, and select
//     without a default case: use a greenlet Channel or Queue.
//   - (*sync.Mutex).Lock, (*sync.RWMutex).Lock and RLock,
//     (*sync.WaitGroup).Wait, (*sync.Cond).Wait: if a greenlet of the same
//     hub holds the lock while parked, the hub deadlocks. Greenlets of one
//     hub need no lock, and wait for each other with a Semaphore, an Event or
//     Join; state shared with other hubs or goroutines may keep a mutex held
//     only around code that does not park, with //greenletvet:ignore.
//   - net: Dial, DialTimeout, DialTCP/UDP/IP/Unix, (*Dialer).Dial and
//     DialContext, Accept of a Listener, Read and Write of a Conn (including
//     TCPConn, UDPConn, ...), ReadFrom and WriteTo of a PacketConn and of a
//     UDPConn, and the Lookup functions of the package and of a *Resolver;
//     net/http: Get, Head, Post, PostForm, the methods of those names and Do
//     of a *Client, ListenAndServe(TLS) and Serve of the package and of a
//     *Server.
//   - os: ReadFile, WriteFile, ReadDir, Open, OpenFile, Create, and the
//     reading, writing, Sync and directory-listing methods of *os.File;
//     (*os.Process).Wait and Run, Wait, Output, CombinedOutput of
//     *exec.Cmd.
//   - io.ReadAll, ReadFull, ReadAtLeast, Copy, CopyN, CopyBuffer and
//     WriteString when an argument is an *os.File or a value of package net.
//
// The hint for I/O is greenlet.Blocking, which runs the call on a goroutine
// and parks only the greenlet; the function literal given to it (or to the
// module's internal Offload under it) is checked as a goroutine, not as part
// of the body.
//
// A body's call to a function declared in the same package (not itself a
// body) is reported too when that function, or one of the package it calls,
// makes one of these operations other than a lock; the message names the
// operation and where it is. Locks are not followed, since a thread-safe
// function holds its mutex around a few statements; nor are calls into
// other packages, method calls through interfaces, function values, or I/O
// through an io.Reader or io.Writer interface.
//
// # Silencing a finding
//
// A comment //greenletvet:ignore, optionally followed by a reason, silences
// every finding on its line when it ends a line of code, or on the next line
// when it stands alone:
//
//	//greenletvet:ignore the test parks main on purpose
//	_ = g.Join(main)
package greenletvet

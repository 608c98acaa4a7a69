package greenlet_test

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// Run is the entry point: the body is the main greenlet of a new hub.
func ExampleRun() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return "hello from " + g.Name(), nil
		})
		g.SetName("worker")
		v, err := g.Get(main)
		fmt.Println(v, err)
		return nil
	})
	fmt.Println("Run:", err)
	// Output:
	// hello from worker <nil>
	// Run: <nil>
}

// A Greenlet is built unstarted, started, and inspected after it ran.
func ExampleGreenlet() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.New(main, func(*greenlet.Greenlet) (any, error) { return 42, nil })
		fmt.Println("started:", g.Started(), "ready:", g.Ready())
		g.Start()
		fmt.Println("started:", g.Started(), "ready:", g.Ready())
		if err := g.Join(main); err != nil {
			return err
		}
		fmt.Println("dead:", g.Dead(), "successful:", g.Successful(), "value:", g.Value(), "err:", g.Err())
		return nil
	})
	// Output:
	// started: false ready: false
	// started: true ready: false
	// dead: true successful: true value: 42 err: <nil>
}

// Spawn creates and starts a greenlet; greenlets run in spawn order and
// interleave at blocking calls.
func ExampleSpawn() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		step := func(name string) greenlet.Func {
			return func(g *greenlet.Greenlet) (any, error) {
				fmt.Println(name, "A")
				if err := greenlet.Sleep(g, 0); err != nil {
					return nil, err
				}
				fmt.Println(name, "B")
				return nil, nil
			}
		}
		a, b := greenlet.Spawn(main, step("1")), greenlet.Spawn(main, step("2"))
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{a, b}, greenlet.StopOnError())
		return err
	})
	// Output:
	// 1 A
	// 2 A
	// 1 B
	// 2 B
}

// SpawnLater starts a greenlet after a delay.
func ExampleSpawnLater() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		say := func(s string) greenlet.Func {
			return func(*greenlet.Greenlet) (any, error) { fmt.Println(s); return nil, nil }
		}
		late := greenlet.SpawnLater(main, 20*time.Millisecond, say("later"))
		soon := greenlet.Spawn(main, say("now"))
		_, err := greenlet.JoinAll(main, []*greenlet.Greenlet{late, soon})
		return err
	})
	// Output:
	// now
	// later
}

// SpawnLink (gevent 0.13.6) links the new greenlet to the caller: its end
// arrives as a LinkedExited error at the caller's blocking call.
func ExampleSpawnLink() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		greenlet.SpawnLink(main, func(*greenlet.Greenlet) (any, error) { return "done", nil })
		err := greenlet.Sleep(main, time.Second)
		var c *greenlet.LinkedCompleted
		fmt.Println(errors.As(err, &c), errors.Is(err, greenlet.LinkedExited))
		return nil
	})
	// Output:
	// true true
}

// SpawnLinkValue fires only on success; a greenlet killed with GreenletExit
// succeeded, and the caller gets a LinkedKilled.
func ExampleSpawnLinkValue() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.SpawnLinkValue(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, greenlet.Sleep(g, time.Hour)
		})
		if err := greenlet.Sleep(main, 0); err != nil {
			return err
		}
		g.KillNowait()
		err := greenlet.Sleep(main, time.Second)
		var k *greenlet.LinkedKilled
		fmt.Println(errors.As(err, &k))
		return nil
	})
	// Output:
	// true
}

// SpawnLinkException fires only on failure: a LinkedFailed that unwraps to
// the cause.
func ExampleSpawnLinkException() {
	boom := errors.New("boom")
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		greenlet.SpawnLinkException(main, func(*greenlet.Greenlet) (any, error) { return nil, boom })
		err := greenlet.Sleep(main, time.Second)
		var f *greenlet.LinkedFailed
		fmt.Println(errors.As(err, &f), errors.Is(err, boom))
		return nil
	}, hub.WithErrorStream(nil))
	// Output:
	// true true
}

// JoinAll returns the greenlets that finished, in completion order.
func ExampleJoinAll() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		sleep := func(d time.Duration) *greenlet.Greenlet {
			return greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				return int(d), greenlet.Sleep(g, d*time.Millisecond)
			})
		}
		// Spawned shortest first, so the finishing order does not depend on
		// how long each took to start; listed in another order.
		g10, g20, g30 := sleep(10), sleep(20), sleep(30)
		gs := []*greenlet.Greenlet{g30, g10, g20}
		done, err := greenlet.JoinAll(main, gs, greenlet.StopOnError())
		for _, g := range done {
			fmt.Print(g.Value(), " ")
		}
		fmt.Println(err)
		return nil
	})
	// Output:
	// 10 20 30 <nil>
}

// KillAll kills greenlets and waits for them; its own timeout is an error.
func ExampleKillAll() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		var gs []*greenlet.Greenlet
		for range 3 {
			gs = append(gs, greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
				return nil, greenlet.Sleep(g, time.Hour)
			}))
		}
		err := greenlet.KillAll(main, gs, greenlet.Within(time.Second))
		fmt.Println(err, gs[0].Dead(), gs[0].Successful(), gs[0].Value())
		return nil
	})
	// Output:
	// <nil> true true GreenletExit
}

// KillNowait (gevent.kill) does not wait: the victim dies at the next hub
// pass, at its blocking call.
func ExampleGreenlet_KillNowait() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			err := greenlet.Sleep(g, time.Hour)
			fmt.Println("sleep returned:", err)
			return nil, err
		})
		if err := greenlet.Sleep(main, 0); err != nil {
			return err
		}
		g.KillNowait(greenlet.WithError(&greenlet.GreenletExit{Msg: "stop"}))
		fmt.Println("dead right after KillNowait:", g.Dead())
		if err := greenlet.Sleep(main, 0); err != nil {
			return err
		}
		fmt.Println("dead after a pass:", g.Dead())
		return nil
	})
	// Output:
	// dead right after KillNowait: false
	// sleep returned: GreenletExit: stop
	// dead after a pass: true
}

// Greenlet.Kill blocks until the victim is gone; killing a greenlet that has
// not run yet never runs it.
func ExampleGreenlet_Kill() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) {
			fmt.Println("never printed")
			return nil, nil
		})
		err := g.Kill(main)
		fmt.Println(err, g.Dead(), g.Value())
		return nil
	})
	// Output:
	// <nil> true GreenletExit
}

// Join waits until the greenlet has finished; its error is one delivered
// to the caller, never the greenlet's outcome (that is Get's).
func ExampleGreenlet_Join() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, errors.New("failed")
		})
		fmt.Println(g.Join(main), g.Ready(), g.Err())
		return nil
	}, hub.WithErrorStream(nil)) // the failure is looked at: no report
	// Output:
	// <nil> true failed
}

// JoinTimeout reports whether the greenlet finished in time.
func ExampleGreenlet_JoinTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, greenlet.Sleep(g, time.Hour)
		})
		fmt.Println(g.JoinTimeout(main, 10*time.Millisecond))
		return g.Kill(main)
	})
	// Output:
	// false <nil>
}

// Get returns the value or the failure; its own timeout is a *Timeout.
func ExampleGreenlet_Get() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		slow := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return "slow", greenlet.Sleep(g, 50*time.Millisecond)
		})
		fmt.Println("ready:", slow.Ready())
		_, err := slow.GetTimeout(main, 5*time.Millisecond)
		fmt.Println("timed:", err)
		v, err := slow.Get(main)
		fmt.Println(v, err)
		return nil
	})
	// Output:
	// ready: false
	// timed: timeout after 5ms
	// slow <nil>
}

// Rawlink callbacks run in the hub, in the order added, exactly once.
func ExampleGreenlet_Rawlink() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { return 7, nil })
		g.Rawlink(func(src *greenlet.Greenlet) { fmt.Println("first", src.Value()) })
		g.Rawlink(func(src *greenlet.Greenlet) { fmt.Println("second") })
		return g.Join(main)
	})
	// Output:
	// first 7
	// second
}

// Link runs a callback in a new greenlet (it may block); LinkValue and
// LinkException filter by outcome; Unlink removes a link.
func ExampleGreenlet_Link() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { return nil, errors.New("bad") })
		g.Link(func(cur, src *greenlet.Greenlet) error {
			fmt.Println("link:", src.Err())
			return nil
		})
		g.LinkValue(func(cur, src *greenlet.Greenlet) error { fmt.Println("value"); return nil })
		g.LinkException(func(cur, src *greenlet.Greenlet) error {
			if err := greenlet.Sleep(cur, time.Millisecond); err != nil {
				return err
			}
			fmt.Println("exception, after blocking")
			return nil
		})
		id := g.Link(func(cur, src *greenlet.Greenlet) error { fmt.Println("unlinked"); return nil })
		g.Unlink(id)
		_ = g.Join(main)
		return greenlet.Sleep(main, 20*time.Millisecond)
	}, hub.WithErrorStream(nil))
	// Output:
	// link: bad
	// exception, after blocking
}

// LinkTo is gevent 0.13.6's link to a greenlet: the target receives a
// LinkedExited error at its blocking call.
func ExampleGreenlet_LinkTo() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		watcher := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			err := greenlet.Sleep(g, time.Hour)
			fmt.Println("watcher woke:", errors.Is(err, greenlet.LinkedExited))
			return nil, nil
		})
		src := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { return nil, nil })
		src.LinkTo(watcher, greenlet.OnAny)
		return watcher.Join(main)
	})
	// Output:
	// watcher woke: true
}

// Scope is gevent's "with spawn(f) as g:": the block ends with g.
func ExampleGreenlet_Scope() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			return nil, greenlet.Sleep(g, 5*time.Millisecond)
		})
		err := g.Scope(main, func() error {
			fmt.Println("in scope, ready:", g.Ready())
			return nil
		})
		fmt.Println(err, "after scope, ready:", g.Ready())
		return nil
	})
	// Output:
	// in scope, ready: false
	// <nil> after scope, ready: true
}

// GreenletExit ends a greenlet successfully; it is the value, not an error.
func ExampleGreenletExit() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) {
			return nil, &greenlet.GreenletExit{Msg: "bye"}
		})
		v, err := g.Get(main)
		fmt.Println(v, err, g.Successful())
		return nil
	})
	// Output:
	// GreenletExit: bye <nil> true
}

// A Timeout interrupts the greenlet that started it; the error is the
// Timeout itself, so identity tells whose it is.
func ExampleTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		t := greenlet.NewTimeout(10*time.Millisecond, nil)
		t.Start(main)
		defer t.Close()
		err := greenlet.Sleep(main, time.Hour)
		fmt.Println(err == t, err, t.Pending())
		return nil
	})
	// Output:
	// true timeout after 10ms false
}

// Do is "with Timeout(...)"; a silent timeout is swallowed by its own Do.
func ExampleTimeout_Do() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		err := greenlet.NewSilentTimeout(5*time.Millisecond).Do(main, func() error {
			return greenlet.Sleep(main, time.Hour)
		})
		fmt.Println("silent:", err)
		t := greenlet.NewTimeout(5*time.Millisecond, errors.New("too slow"))
		err = t.Do(main, func() error { return greenlet.Sleep(main, time.Hour) })
		fmt.Println("custom:", err)
		return nil
	})
	// Output:
	// silent: <nil>
	// custom: too slow
}

// WithTimeout runs a function under a timeout; WithTimeoutValue returns a
// default instead of the timeout error.
func ExampleWithTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		slow := func() (string, error) { return "slow", greenlet.Sleep(main, time.Hour) }
		_, err := greenlet.WithTimeout(main, 5*time.Millisecond, slow)
		fmt.Println(err)
		v, err := greenlet.WithTimeoutValue(main, 5*time.Millisecond, "default", slow)
		fmt.Println(v, err)
		return nil
	})
	// Output:
	// timeout after 5ms
	// default <nil>
}

// Current is gevent's getcurrent: the greenlet a hub runs now.
func ExampleCurrent() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		fmt.Println(greenlet.Current(main.Hub()) == main, greenlet.Current(main.Hub()).Name())
		return nil
	})
	// Output:
	// true main
}

// Sleep(0) yields; a positive Sleep waits; a negative one is an error.
func ExampleSleep() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { fmt.Println("other ran"); return nil, nil })
		fmt.Println("before yield")
		if err := greenlet.Sleep(main, 0); err != nil {
			return err
		}
		fmt.Println(greenlet.Sleep(main, time.Millisecond), greenlet.Sleep(main, -1))
		return nil
	})
	// Output:
	// before yield
	// other ran
	// <nil> hub: negative sleep duration
}

// Idle waits until the hub has nothing else to do.
func ExampleIdle() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		greenlet.Spawn(main, func(*greenlet.Greenlet) (any, error) { fmt.Println("busy work"); return nil, nil })
		if err := greenlet.Idle(main); err != nil {
			return err
		}
		fmt.Println("idle")
		return nil
	})
	// Output:
	// busy work
	// idle
}

// Signal runs a handler in a new greenlet for each delivery of a signal; a
// failing handler's error reaches the main greenlet.
func ExampleSignal() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		sig := greenlet.Signal(main, syscall.SIGUSR1, func(g *greenlet.Greenlet) error {
			fmt.Println("got SIGUSR1")
			return errors.New("stop main")
		})
		defer sig.Cancel()
		go func() {
			time.Sleep(10 * time.Millisecond)
			_ = syscall.Kill(os.Getpid(), syscall.SIGUSR1)
		}()
		fmt.Println("main's sleep:", greenlet.Sleep(main, 5*time.Second))
		return nil
	}, hub.WithErrorStream(nil))
	// Output:
	// got SIGUSR1
	// main's sleep: stop main
}

func init() {
	greenlet.RegisterFork("example-child", func(main *greenlet.Greenlet, args []string) error {
		fmt.Println("child got", args)
		return nil
	})
}

// Fork re-executes the program, running a function registered with
// RegisterFork (ForkMain in main or TestMain dispatches it); the parent waits
// cooperatively.
func ExampleFork() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		p, err := greenlet.Fork(main, "example-child", []string{"x", "y"})
		if err != nil {
			return err
		}
		st, err := p.Wait(main)
		fmt.Println("exit", st.ExitCode(), err)
		return nil
	})
	// Output:
	// child got [x y]
	// exit 0 <nil>
}

// Shutdown runs the hub until nothing is left to do (gevent 0.13.6's
// shutdown); the hub stays usable.
func ExampleShutdown() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		greenlet.SpawnLater(main, 10*time.Millisecond, func(*greenlet.Greenlet) (any, error) {
			fmt.Println("timer greenlet ran")
			return nil, nil
		})
		fmt.Println(greenlet.Shutdown(main))
		return nil
	})
	// Output:
	// timer greenlet ran
	// <nil>
}

// Reinit re-creates the loop's kernel resources; the pure-Go loop has none.
func ExampleReinit() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		fmt.Println(greenlet.Reinit(main.Hub()), main.Hub().Core())
		return nil
	}, hub.WithCore("go"))
	// Output:
	// <nil> go
}

// AddSpawnCallback observes every Start, synchronously.
func ExampleAddSpawnCallback() {
	id := greenlet.AddSpawnCallback(func(g *greenlet.Greenlet) { fmt.Println("spawning", g.Name()) })
	defer greenlet.RemoveSpawnCallback(id)
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.New(main, func(*greenlet.Greenlet) (any, error) { return nil, nil })
		g.SetName("job")
		g.Start()
		return g.Join(main)
	})
	// Output:
	// spawning job
}

// SpawnTyped gives a typed Get; the rest of the API takes t.Greenlet.
func ExampleSpawnTyped() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		t := greenlet.SpawnTyped(main, func(g *greenlet.Greenlet) (int, error) { return 6 * 7, nil })
		n, err := t.Get(main)
		fmt.Println(n+1, err)
		k := greenlet.SpawnTyped(main, func(g *greenlet.Greenlet) (string, error) {
			return "never", greenlet.Sleep(g, time.Hour)
		})
		greenlet.KillAllNowait([]*greenlet.Greenlet{k.Greenlet})
		s, err := k.Get(main)
		fmt.Printf("%q %v\n", s, greenlet.IsExit(err))
		return nil
	})
	// Output:
	// 43 <nil>
	// "" true
}

// StartLater schedules an unstarted greenlet after a delay; a second Start
// does nothing (the later schedule wins).
func ExampleGreenlet_StartLater() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		g := greenlet.New(main, func(*greenlet.Greenlet) (any, error) { fmt.Println("ran"); return nil, nil })
		g.StartLater(10 * time.Millisecond)
		g.Start()
		if err := greenlet.Sleep(main, 0); err != nil {
			return err
		}
		fmt.Println("after a yield, ready:", g.Ready())
		return g.Join(main)
	})
	// Output:
	// after a yield, ready: false
	// ran
}

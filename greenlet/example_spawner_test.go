package greenlet_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// A Spawner is a Group or a Pool: code that spawns members need not know
// which, as long as it passes the calling greenlet and handles the error.
func ExampleSpawner() {
	spawnBoth := func(cur *greenlet.Greenlet, s greenlet.Spawner) error {
		for _, word := range []string{"one", "two"} {
			if _, err := s.Spawn(cur, nap(0, word)); err != nil {
				return err
			}
		}
		return nil
	}
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		grp := greenlet.NewGroup(main.Hub())
		pool := greenlet.NewPool(main.Hub(), 1)
		for _, s := range []greenlet.Spawner{grp, pool} {
			if err := spawnBoth(main, s); err != nil {
				return err
			}
		}
		_, err := grp.Join(main)
		fmt.Println("group:", grp.Len(), err)
		_, err = pool.Join(main)
		fmt.Println("pool:", pool.Len(), err)
		return nil
	})
	// Output:
	// group: 0 <nil>
	// pool: 0 <nil>
}

// SpawnTypedIn spawns a typed body in a Group or a Pool; on a full Pool
// it waits for a slot first.
func ExampleSpawnTypedIn() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		pool := greenlet.NewPool(main.Hub(), 1)
		var ts []greenlet.Typed[string]
		for _, w := range []string{"go", "greenlet"} {
			t, err := greenlet.SpawnTypedIn(main, pool, func(g *greenlet.Greenlet) (string, error) {
				return strings.ToUpper(w), greenlet.Sleep(g, time.Millisecond)
			})
			if err != nil {
				return err
			}
			ts = append(ts, t)
		}
		for _, t := range ts {
			s, err := t.Get(main)
			fmt.Println(s, err)
		}
		return nil
	})
	// Output:
	// GO <nil>
	// GREENLET <nil>
}

// Group.Spawn never waits: its error is always nil, and it has Pool.Spawn's
// shape.
func ExampleGroup_Spawn() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		grp := greenlet.NewGroup(main.Hub())
		g, err := grp.Spawn(main, nap(0, "member"))
		fmt.Println(err, grp.Contains(g))
		v, err := g.Get(main)
		fmt.Println(v, err, grp.Contains(g))
		return nil
	})
	// Output:
	// <nil> true
	// member <nil> false
}

// Pool.Add waits for a slot, then makes the greenlet a member (it does not
// start it; Start does both).
func ExamplePool_Add() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		pool := greenlet.NewPool(main.Hub(), 1)
		first := greenlet.New(main, nap(5*time.Millisecond, nil))
		if err := pool.Start(main, first); err != nil {
			return err
		}
		second := greenlet.New(main, nap(0, "second"))
		err := pool.Add(main, second) // waits until first has left
		fmt.Println(err, first.Dead(), pool.Contains(second), second.Started())
		second.Start()
		v, err := second.Get(main)
		fmt.Println(v, err)
		return nil
	})
	// Output:
	// <nil> true true false
	// second <nil>
}

// Pool.Start is Add followed by Start.
func ExamplePool_Start() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		pool := greenlet.NewPool(main.Hub(), 2)
		g := greenlet.New(main, nap(0, "started"))
		if err := pool.Start(main, g); err != nil {
			return err
		}
		fmt.Println(g.Started(), pool.FreeCount())
		fmt.Println(g.Get(main))
		return nil
	})
	// Output:
	// true 1
	// started <nil>
}

// AddTimeout reports false, with no error, when no slot frees up in time
// (gevent's PoolFull).
func ExamplePool_AddTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		pool := greenlet.NewPool(main.Hub(), 1)
		busy, err := pool.Spawn(main, nap(time.Hour, nil))
		if err != nil {
			return err
		}
		g := greenlet.New(main, nap(0, nil))
		fmt.Println(pool.AddTimeout(main, g, 5*time.Millisecond))
		return busy.Kill(main)
	})
	// Output:
	// false <nil>
}

// StartTimeout starts the greenlet only if it got a slot in time.
func ExamplePool_StartTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		pool := greenlet.NewPool(main.Hub(), 1)
		g := greenlet.New(main, nap(0, "ran"))
		ok, err := pool.StartTimeout(main, g, time.Minute)
		fmt.Println(ok, err, g.Started())
		return g.Join(main)
	})
	// Output:
	// true <nil> true
}

// TryAdd takes a free slot now or reports false; it never waits.
func ExamplePool_TryAdd() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		pool := greenlet.NewPool(main.Hub(), 1)
		a, b := greenlet.New(main, nap(0, nil)), greenlet.New(main, nap(0, nil))
		fmt.Println(pool.TryAdd(a), pool.TryAdd(b))
		a.Start()
		return a.Join(main)
	})
	// Output:
	// true false
}

// WaitAvailable waits for a free slot and returns how many are free.
func ExamplePool_WaitAvailable() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		pool := greenlet.NewPool(main.Hub(), 1)
		if _, err := pool.Spawn(main, nap(time.Millisecond, nil)); err != nil {
			return err
		}
		fmt.Println(pool.WaitAvailable(main))
		return nil
	})
	// Output:
	// 1 <nil>
}

// WaitAvailableTimeout returns 0 free slots when none frees up in time.
func ExamplePool_WaitAvailableTimeout() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		pool := greenlet.NewPool(main.Hub(), 1)
		busy, err := pool.Spawn(main, nap(time.Hour, nil))
		if err != nil {
			return err
		}
		fmt.Println(pool.WaitAvailableTimeout(main, 5*time.Millisecond))
		return busy.Kill(main)
	})
	// Output:
	// 0 <nil>
}

// MapIter.Next takes the iterating greenlet; Imap yields in input order,
// whatever order the items finish in.
func ExampleMapIter_Next() {
	_ = greenlet.Run(func(main *greenlet.Greenlet) error {
		pool := greenlet.NewPool(main.Hub(), 3)
		it := greenlet.Imap(main, pool, []int{30, 10, 20}, func(g *greenlet.Greenlet, ms int) (int, error) {
			return ms, greenlet.Sleep(g, time.Duration(ms)*time.Millisecond)
		})
		for it.Next(main) {
			fmt.Print(it.Result().Value, " ")
		}
		fmt.Println()
		if err := it.Err(); err != nil {
			_ = it.Close(main) //greenletvet:ignore the first error is the one to return
			return err
		}
		return it.Close(main)
	})
	// Output:
	// 30 10 20
}

package greenlet_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

func init() {
	greenlet.RegisterFork("test-child", func(main *greenlet.Greenlet, args []string) error {
		files := greenlet.ForkFiles()
		if len(files) != 1 && len(files) != 2 {
			return fmt.Errorf("got %d files", len(files))
		}
		if len(files) == 2 {
			// A go-ahead from the parent: it comes from a greenlet of the
			// parent's that must run while the parent waits for this child.
			if _, err := files[1].Read(make([]byte, 1)); err != nil {
				return err
			}
		}
		g := greenlet.Spawn(main, sleeper(time.Millisecond, strings.Join(args, "+")))
		v, err := g.Get(main)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(files[0], "child says %v", v)
		files[0].Close()
		if len(args) > 0 && args[0] == "fail" {
			return errors.New("child failed on purpose")
		}
		return err
	})
}

// Fork re-executes the program with a registered entry and a fresh hub;
// files are shared; the parent waits cooperatively, greenlets keep running.
func (s *Conformance) TestFork() {
	s.realTime("the child waits for a tick of the parent's timer while the parent holds a Ref for the child's exit")
	s.run(func(main *greenlet.Greenlet) error {
		r, w, err := os.Pipe()
		s.Require().NoError(err)
		defer r.Close()
		goR, goW, err := os.Pipe()
		s.Require().NoError(err)
		defer goW.Close()
		p, err := greenlet.Fork(main, "test-child", []string{"a", "b"}, w, goR)
		s.Require().NoError(err)
		w.Close()
		goR.Close()
		// The child ends only after the ticker's first tick: its timer must
		// fire while main waits, whatever the machine's speed.
		ticks := 0
		ticker := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			for {
				if err := greenlet.Sleep(g, time.Millisecond); err != nil {
					return nil, err
				}
				if ticks++; ticks == 1 {
					if _, err := goW.Write([]byte{1}); err != nil {
						return nil, err
					}
				}
			}
		})
		st, err := p.Wait(main)
		s.Require().NoError(err)
		s.Equal(0, st.ExitCode())
		s.Positive(ticks, "the parent's greenlets ran while it waited")
		out, _ := io.ReadAll(r)
		s.Equal("child says a+b", string(out))
		// a failing entry exits 1
		r2, w2, _ := os.Pipe()
		defer r2.Close()
		p, err = greenlet.Fork(main, "test-child", []string{"fail"}, w2)
		s.Require().NoError(err)
		w2.Close()
		st, err = p.Wait(main)
		s.NoError(err)
		s.Equal(1, st.ExitCode())
		_, err = greenlet.Fork(main, "nope", nil)
		s.ErrorContains(err, `no entry "nope"`)
		return ticker.Kill(main)
	})
}

// §4.9 signal: the handler runs in a new greenlet; its failure reaches main
// at its blocking call, twice in a row; Cancel stops delivery; a handler does
// not keep the loop alive.
func (s *Conformance) TestSignal() {
	s.realTime("the signal comes from a goroutine that holds no Ref, after a real-time sleep")
	expected := errors.New("TestSignal")
	s.run(func(main *greenlet.Greenlet) error {
		var ran []bool
		sig := greenlet.Signal(main, syscall.SIGUSR1, func(g *greenlet.Greenlet) error {
			ran = append(ran, greenlet.Current(g.Hub()) == g && g != main)
			return expected
		})
		for range 2 {
			go func() {
				time.Sleep(20 * time.Millisecond)
				syscall.Kill(os.Getpid(), syscall.SIGUSR1)
			}()
			err := greenlet.Sleep(main, 5*time.Second)
			s.Same(expected, err)
		}
		s.Equal([]bool{true, true}, ran)
		var w struct{ never *greenlet.Greenlet }
		w.never = greenlet.New(main, ret(nil))
		s.ErrorIs(w.never.Join(main), greenlet.ErrLoopExit, "signal handlers do not count")
		sig.Cancel()
		sig.Cancel()
		return nil
	})
	s.Len(s.takeHandled(), 2)
}

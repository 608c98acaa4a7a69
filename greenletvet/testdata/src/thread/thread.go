// Package thread holds cases of check 3: calls that block the hub's OS
// thread inside a greenlet body.
package thread

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

type guarded struct {
	sync.Mutex
	n int
}

func body(main *greenlet.Greenlet, ch chan int, mu *sync.Mutex, rw *sync.RWMutex, wg *sync.WaitGroup, gd *guarded) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		time.Sleep(time.Millisecond) // want `time.Sleep blocks the hub's OS thread inside a greenlet body; use greenlet.Sleep`
		<-time.After(time.Second)    // want `receiving from time.After blocks the hub's OS thread inside a greenlet body; use greenlet.Sleep`
		ch <- 1                      // want `channel send blocks the hub's OS thread inside a greenlet body; use a greenlet Channel or Queue`
		v := <-ch                    // want `channel receive blocks`
		v, ok := <-ch                // want `channel receive blocks`
		for x := range ch {          // want `range over a channel blocks`
			v += x
		}
		select { // want `select without a default case blocks`
		case ch <- v:
		case v = <-ch:
		}
		select { // with a default case nothing blocks
		case ch <- v:
		case <-ch:
		default:
		}
		mu.Lock()        // want `\(\*sync.Mutex\).Lock blocks the hub.s OS thread inside a greenlet body; it deadlocks the hub if a greenlet of the same hub holds it while parked`
		mu.Unlock()      // not blocking
		_ = mu.TryLock() // not blocking
		rw.RLock()       // want `\(\*sync.RWMutex\).RLock blocks`
		wg.Wait()        // want `\(\*sync.WaitGroup\).Wait blocks`
		gd.Lock()        // want `\(\*thread.guarded\).Lock blocks`
		_, _ = ok, v
		return nil, nil
	})
}

func io_(main *greenlet.Greenlet, conn net.Conn, tcp *net.TCPConn, ln net.Listener, f *os.File, buf []byte) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		c, err := net.Dial("tcp", "x") // want `net.Dial blocks the hub's OS thread inside a greenlet body; run it through greenlet.Blocking, which parks only the greenlet while a goroutine does it`
		if err != nil {
			return nil, err
		}
		c.Write(buf)     // want `\(net.Conn\).Write blocks`
		conn.Read(buf)   // want `\(net.Conn\).Read blocks`
		tcp.Read(buf)    // want `\(\*net.TCPConn\).Read blocks`
		ln.Accept()      // want `\(net.Listener\).Accept blocks`
		os.ReadFile("x") // want `os.ReadFile blocks`
		f.Read(buf)      // want `\(\*os.File\).Read blocks`
		io.ReadAll(conn) // want `io.ReadAll on a file or connection blocks`
		io.Copy(f, conn) // want `io.Copy on a file or connection blocks`
		io.ReadAll(strings.NewReader("in memory"))
		http.Get("http://x")       // want `http.Get blocks`
		exec.Command("true").Run() // want `\(\*exec.Cmd\).Run blocks the hub's OS thread inside a greenlet body; wait for a child process in a goroutine`
		_ = f.Name()
		return nil, nil
	})
}

func offHub(main *greenlet.Greenlet, h *hub.Hub, ch chan int, conn net.Conn) {
	// Outside any body: not reported.
	time.Sleep(time.Millisecond)
	ch <- 1
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		// A goroutine started by the body blocks its own thread: the way to
		// do blocking work today.
		go func() {
			buf := make([]byte, 1)
			n, _ := conn.Read(buf)
			time.Sleep(time.Millisecond)
			ch <- n
			_ = h.Post(func() {})
		}()
		go conn.Read(nil)
		go time.Sleep(time.Duration(<-ch)) // want `channel receive blocks`
		return nil, nil
	})
	// Callbacks that are not bodies are not judged.
	greenlet.AddSpawnCallback(func(g *greenlet.Greenlet) { time.Sleep(0) })
}

func named(g *greenlet.Greenlet) error {
	time.Sleep(time.Millisecond) // want `time.Sleep blocks`
	return nil
}

func closure(main *greenlet.Greenlet, t *greenlet.Timeout, mu *sync.Mutex) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		return nil, t.Do(g, func() error {
			defer func() { mu.Lock() }() // want `\(\*sync.Mutex\).Lock blocks`
			return nil
		})
	})
}

// Functions of the package are followed, except for their locks.
func nap()                       { time.Sleep(time.Millisecond) }
func napTwice()                  { nap(); nap() }
func locked(mu *sync.Mutex)      { mu.Lock(); defer mu.Unlock() }
func spawns(ch chan int)         { go func() { ch <- 1 }() }
func recvHelper(ch chan int) int { return <-ch }
func recvAny[T any](ch chan T) T { return <-ch }
func tryRecv(ch chan int) int {
	select {
	case v := <-ch:
		return v
	default:
		return 0
	}
}

type box struct{ ch chan int }

func (b *box) get() int { return <-b.ch }

func helpers(main *greenlet.Greenlet, mu *sync.Mutex, ch chan int, b *box) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		nap()      // want `nap blocks the hub's OS thread inside a greenlet body \(through the time.Sleep at thread.go:\d+\); use greenlet.Sleep`
		napTwice() // want `napTwice blocks the hub's OS thread inside a greenlet body \(through the time.Sleep at thread.go:\d+\)`
		locked(mu)
		spawns(ch)
		v := recvHelper(ch) // want `recvHelper blocks .* \(through the channel receive at thread.go:\d+\); use a greenlet Channel or Queue`
		v += recvAny(ch)    // want `recvAny blocks`
		v += b.get()        // want `get blocks`
		v += tryRecv(ch)
		return v, nil
	})
}

// offloaded: the function given to greenlet.Blocking runs on a goroutine,
// where blocking is fine and the greenlet outside is not running.
func offloaded(main *greenlet.Greenlet, buf []byte) {
	greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
		return greenlet.Blocking(g, func(ctx context.Context) (int, error) {
			time.Sleep(time.Millisecond)
			c, err := net.Dial("tcp", "x")
			if err != nil {
				return 0, err
			}
			if err := greenlet.Sleep(g, time.Millisecond); err != nil { // want `Sleep is passed g from a goroutine`
				return 0, err
			}
			return c.Read(buf)
		})
	})
}

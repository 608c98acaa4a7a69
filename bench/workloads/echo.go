package workloads

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gevent-go/gevent/bench/stats"
)

// echo_100 and echo_1000: an echo server over loopback TCP, driven by one
// load client for every server. The client (this process) opens C
// connections to a server in a separate process and, on each connection
// in turn-taking fashion, writes a 64-byte request and waits for its
// 64-byte echo. On two CPUs the client saturates first, so the headline is
// the server's CPU time per request (user + system, all its threads),
// which does not depend on how fast the client drives it; requests/s and
// the latency percentiles stand beside it.
//
// n is the number of timed requests, spread evenly over the connections
// (at least one each); a warm-up of a tenth of that runs first on the same
// connections and server, untimed. The client runs pinned to one CPU with
// GOMAXPROCS=1 and the server pinned to another, so neither steals the
// other's CPU.

// echoMsg is the size of a request and of its response.
const echoMsg = 64

// echoReadBuf is how much every server asks for per read: as much as a
// real echo server would, so a read that returns less tells a greenlet
// socket the connection is drained (it then waits before its next read
// instead of reading EAGAIN), as an epoll loop knows from its events.
const echoReadBuf = 4096

// echoDialBatch is how many connections the client opens before it waits
// for the server to have accepted them: below the smallest listen backlog
// in use (128, SOMAXCONN in Go's syscall package).
const echoDialBatch = 64

// EchoLimit bounds one echo sample: the server exits by itself after it,
// and the client's connections fail after it, so nothing outlives a run.
const EchoLimit = 2 * time.Minute

// The metrics of an echo sample.
const (
	echoServerCPU = "server-cpu-us/req"
	echoReqPerSec = "req/s"
	echoP50       = "p50-us"
	echoP99       = "p99-us"
	echoClientCPU = "client-cpu-us/req"
	echoBusy      = "server-busy-%"
)

// EchoConns are the connection counts of the echo workloads, one workload
// each (echo_100, echo_1000).
var EchoConns = []int{100, 1000}

// GeventImpl is the implementation key of real gevent, whose echo server
// (gevent_bench.py echo_server) this package's client drives like the
// others.
const GeventImpl Impl = "gevent"

// Environment variables through which the command tells a child where real
// gevent is (defaults: /usr/bin/python3, and gevent_bench.py found from
// the working directory).
const (
	EnvPython       = "GEVENT_BENCH_PYTHON"
	EnvGeventScript = "GEVENT_BENCH_GEVENT_SCRIPT"
)

// echoServerEnv names the server a re-executed process runs
// (ServeEchoIfAsked).
const echoServerEnv = "GEVENT_BENCH_ECHO_SERVER"

// ourEchoMissing says why one of our echo rows cannot run in this build.
var ourEchoMissing = map[Impl]string{
	CoreGo:    "missing: our echo server needs package socket on Linux",
	CoreC:     "missing: our echo server needs package socket on Linux",
	HubPerCPU: "missing: our echo server needs package socket on Linux",
}

func init() {
	for _, c := range EchoConns {
		w := register(&Workload{
			Name:           fmt.Sprintf("echo_%d", c),
			Title:          fmt.Sprintf("echo server, %s connections, 64-byte request/response over loopback TCP (server CPU per request), N requests", commas(c)),
			Primary:        echoServerCPU,
			Secondary:      []string{echoReqPerSec, echoP50, echoP99, echoClientCPU, echoBusy},
			Baseline:       Epoll,
			FasterIsBetter: true,
			Sizes:          []int{50_000},
			QuickSizes:     []int{2_000},
			PythonServer:   true,
		})
		w.add(Epoll, echoRow(c, goEchoServer("epoll", 1, true)), "")
		w.add(Goroutines, echoRow(c, goEchoServer("goroutines", 1, true)), "")
		w.add(Goroutines2, echoRow(c, goEchoServer("goroutines", 2, false)), "")
		for _, impl := range []Impl{CoreGo, CoreC, HubPerCPU} {
			if _, ok := echoServer(string(impl)); ok {
				procs, pin := 1, true
				if impl == HubPerCPU {
					procs, pin = 2, false
				}
				w.add(impl, echoRow(c, goEchoServer(string(impl), procs, pin)), "")
			} else {
				w.add(impl, nil, ourEchoMissing[impl])
			}
		}
		w.impls[GeventImpl] = echoRow(c, geventEchoServer)
		for _, impl := range []Impl{IterPull, CGreenletAPI, CGreenletHub, CGreenlet} {
			w.hide(impl)
		}
	}
}

// commas writes n with thousands separators.
func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// An echoCmd is how to start one echo server: a process that prints its
// address on its first line of output (or the addresses of its listeners,
// separated by spaces), serves until its standard input
// closes (or EchoLimit passes) and then exits.
type echoCmd struct {
	argv []string
	env  []string
	// pin is true when the server runs on one CPU; false leaves it every
	// CPU (the client still keeps to its own).
	pin bool
}

// goEchoServer re-executes this binary as the named server of
// echoServers with GOMAXPROCS=procs.
func goEchoServer(name string, procs int, pin bool) func() (echoCmd, error) {
	return func() (echoCmd, error) {
		self, err := os.Executable()
		if err != nil {
			return echoCmd{}, err
		}
		env := append(withoutEnv(os.Environ(), "GOMAXPROCS", echoServerEnv),
			echoServerEnv+"="+name, fmt.Sprintf("GOMAXPROCS=%d", procs))
		return echoCmd{argv: []string{self}, env: env, pin: pin}, nil
	}
}

// geventEchoServer runs gevent_bench.py's echo_server (a gevent
// StreamServer) under the python3 that has gevent.
func geventEchoServer() (echoCmd, error) {
	py := os.Getenv(EnvPython)
	if py == "" {
		py = "/usr/bin/python3"
	}
	script := os.Getenv(EnvGeventScript)
	if script == "" {
		for _, d := range []string{".", "bench", ".."} {
			if _, err := os.Stat(filepath.Join(d, "gevent_bench.py")); err == nil {
				script = filepath.Join(d, "gevent_bench.py")
				break
			}
		}
	}
	if script == "" {
		return echoCmd{}, fmt.Errorf("gevent_bench.py not found (set %s)", EnvGeventScript)
	}
	limit := fmt.Sprint(int(EchoLimit / time.Second))
	return echoCmd{argv: []string{py, script, "echo_server", limit}, env: withoutEnv(os.Environ(), "PYTHONPATH"), pin: true}, nil
}

// echoRow is the Func of one echo row: conns connections to the server
// that start makes.
func echoRow(conns int, start func() (echoCmd, error)) Func {
	return func(n int) (Metrics, error) {
		cmd, err := start()
		if err != nil {
			return nil, err
		}
		return runEcho(cmd, conns, n)
	}
}

// withoutEnv returns env without the variables named.
func withoutEnv(env []string, names ...string) []string {
	out := env[:0:0]
	for _, kv := range env {
		keep := true
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

// runEcho starts the server, connects, warms up, times n requests and
// stops the server.
func runEcho(sc echoCmd, conns, n int) (m Metrics, err error) {
	cpus, err := allowedCPUs()
	if err != nil {
		return nil, err
	}
	if len(cpus) < 2 {
		return nil, fmt.Errorf("needs two CPUs, one for the client and one for the server; this process may use %v", cpus)
	}
	clientCPU, serverCPU := cpus[0], cpus[1]
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if err := pinTasks(os.Getpid(), clientCPU); err != nil {
		return nil, fmt.Errorf("pinning the client: %w", err)
	}
	defer pinTasks(os.Getpid(), cpus...)

	ctx, cancel := context.WithTimeout(context.Background(), EchoLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, sc.argv[0], sc.argv[1:]...)
	cmd.Env = sc.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	serverErr := func(e error) error {
		if s := strings.TrimSpace(stderr.String()); s != "" {
			return fmt.Errorf("%w (server: %s)", e, lastLineOf(s))
		}
		return e
	}
	defer func() {
		// Closing stdin asks the server to exit; it is killed if it has
		// not within a few seconds.
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case werr := <-done:
			if werr != nil && err == nil {
				m, err = nil, serverErr(fmt.Errorf("server exited: %w", werr))
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
			if err == nil {
				m, err = nil, serverErr(errors.New("server did not exit when its input closed"))
			}
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return nil, serverErr(fmt.Errorf("no address from the server: %w", err))
	}
	// One address, or one per listener of a server with several: the
	// connections go to them in turn.
	addrs := strings.Fields(line)
	if len(addrs) == 0 {
		return nil, serverErr(fmt.Errorf("no address from the server: %q", line))
	}
	for _, a := range addrs {
		if host, _, err := net.SplitHostPort(a); err != nil || host != "127.0.0.1" {
			return nil, serverErr(fmt.Errorf("server address %q is not on 127.0.0.1", a))
		}
	}
	pid := cmd.Process.Pid
	if sc.pin {
		err = pinTasks(pid, serverCPU)
	} else {
		err = pinTasks(pid, cpus...)
	}
	if err != nil {
		return nil, fmt.Errorf("pinning the server: %w", err)
	}

	cs := make([]net.Conn, 0, conns)
	defer func() {
		for _, c := range cs {
			c.Close()
		}
	}()
	// Connect in batches, each finished by one exchange per new
	// connection, so that no more than a batch waits to be accepted: a
	// listen backlog smaller than the connection count would otherwise
	// drop SYNs, which the kernel retries only after a second.
	deadline := time.Now().Add(EchoLimit)
	for len(cs) < conns {
		first := len(cs)
		for range min(echoDialBatch, conns-first) {
			addr := addrs[len(cs)%len(addrs)]
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return nil, serverErr(fmt.Errorf("dial %s after %d connections: %w", addr, len(cs), err))
			}
			c.SetDeadline(deadline)
			cs = append(cs, c)
		}
		if _, err := echoPhase(cs[first:], 1, false); err != nil {
			return nil, serverErr(fmt.Errorf("connecting: %w", err))
		}
	}

	per := max(1, n/conns)
	total := per * conns
	if _, err := echoPhase(cs, max(1, per/10), false); err != nil {
		return nil, serverErr(fmt.Errorf("warm-up: %w", err))
	}
	cpu0, err := procCPU(pid)
	if err != nil {
		return nil, err
	}
	own0 := cpuTime()
	t0 := time.Now()
	lat, err := echoPhase(cs, per, true)
	el := time.Since(t0)
	own := cpuTime() - own0
	if err != nil {
		return nil, serverErr(err)
	}
	cpu1, err := procCPU(pid)
	if err != nil {
		return nil, err
	}
	srv := cpu1 - cpu0
	us := stats.Micros(lat)
	return Metrics{
		echoServerCPU: float64(srv) / 1e3 / float64(total),
		echoReqPerSec: float64(total) / el.Seconds(),
		echoP50:       stats.Percentile(us, 50),
		echoP99:       stats.Percentile(us, 99),
		echoClientCPU: float64(own) / 1e3 / float64(total),
		echoBusy:      100 * float64(srv) / float64(el),
	}, nil
}

// echoPhase runs per request/response exchanges on every connection at
// once, one goroutine per connection, and returns each exchange's round
// trip when record is set. The first error closes every connection, so
// that the others stop too.
func echoPhase(cs []net.Conn, per int, record bool) ([]time.Duration, error) {
	var lat []time.Duration
	if record {
		lat = make([]time.Duration, len(cs)*per)
	}
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	fail := func(err error) {
		once.Do(func() {
			first = err
			for _, c := range cs {
				c.Close()
			}
		})
	}
	for i, c := range cs {
		wg.Go(func() {
			var req, resp [echoMsg]byte
			for j := range req {
				req[j] = byte(i + j)
			}
			for k := range per {
				t := time.Now()
				if _, err := c.Write(req[:]); err != nil {
					fail(fmt.Errorf("connection %d: write: %w", i, err))
					return
				}
				if _, err := io.ReadFull(c, resp[:]); err != nil {
					fail(fmt.Errorf("connection %d: read: %w", i, err))
					return
				}
				if record {
					lat[i*per+k] = time.Since(t)
				}
				if resp != req {
					fail(fmt.Errorf("connection %d: the response differs from the request", i))
					return
				}
			}
		})
	}
	wg.Wait()
	return lat, first
}

// lastLineOf returns the last line of s.
func lastLineOf(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

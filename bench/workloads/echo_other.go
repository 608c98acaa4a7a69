//go:build !linux

package workloads

import (
	"errors"
	"time"
)

// errEchoLinux is why the echo workloads do not run here: pinning, the
// server's CPU time and the floor's epoll loop are Linux interfaces.
var errEchoLinux = errors.New("the echo workloads need Linux (CPU affinity, /proc, epoll)")

func allowedCPUs() ([]int, error)            { return nil, errEchoLinux }
func pinTasks(pid int, cpus ...int) error    { return errEchoLinux }
func procCPU(pid int) (time.Duration, error) { return 0, errEchoLinux }
func serveEpoll(limit time.Duration) error   { return errEchoLinux }

// oursEchoServers is empty here: our servers' rows say why.
var oursEchoServers = map[string]func(limit time.Duration) error{}

//go:build unix

package socket

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// listenBacklog is the accept queue length Listen asks for: the system's
// limit, as package net asks for, rather than syscall.SOMAXCONN (128 on
// Linux), which drops the SYNs of a burst of connects beyond it and makes
// each of those clients retry a second later.
var listenBacklog = sync.OnceValue(func() int {
	b, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	if err != nil {
		return syscall.SOMAXCONN
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n <= 0 {
		return syscall.SOMAXCONN
	}
	// Kernels before 4.1 keep the backlog in 16 bits.
	return min(n, 1<<16-1)
})

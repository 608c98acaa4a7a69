package workloads

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// echoServers are the echo servers written in Go, by the name a
// re-executed process is given in its environment. Each listens on
// 127.0.0.1, prints its address as its first line of output, echoes what
// each connection sends, reading up to echoReadBuf bytes at a time, and
// returns when its input closes, or with an error after limit.
var echoServers = map[string]func(limit time.Duration) error{
	"epoll":      serveEpoll,
	"goroutines": serveGoroutines,
}

// echoServer returns the Go echo server called name: echoServers, or one
// of ours where this platform has them (oursEchoServers).
func echoServer(name string) (func(limit time.Duration) error, bool) {
	if f, ok := echoServers[name]; ok {
		return f, true
	}
	f, ok := oursEchoServers[name]
	return f, ok
}

// ServeEchoIfAsked makes this process an echo server when the command or
// a test re-executed it as one (the environment names the server); it then
// serves until its input closes and exits. Otherwise it returns at once.
// Call it first thing in main (and in TestMain).
func ServeEchoIfAsked() {
	name := os.Getenv(echoServerEnv)
	if name == "" {
		return
	}
	serve, ok := echoServer(name)
	if !ok {
		fmt.Fprintf(os.Stderr, "echo server: no server %q\n", name)
		os.Exit(2)
	}
	if err := serve(EchoLimit); err != nil {
		fmt.Fprintf(os.Stderr, "echo server %s: %v\n", name, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// errEchoLimit is the error of a server that outlived EchoLimit.
var errEchoLimit = errors.New("time limit reached before the client closed its input")

// waitInput blocks until standard input reaches its end (the client
// closed it or died), or returns errEchoLimit after limit.
func waitInput(limit time.Duration) error {
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(limit):
		return errEchoLimit
	}
}

// serveGoroutines is plain Go: package net, one goroutine per connection.
func serveGoroutines(limit time.Duration) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	fmt.Println(ln.Addr())
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go echoConn(c)
		}
	}()
	return waitInput(limit)
}

// echoConn echoes c until it ends.
func echoConn(c net.Conn) {
	defer c.Close()
	echoLoop(c)
}

// echoLoop echoes c until it ends, reading up to echoReadBuf bytes at a
// time as every echo server does; every server of the echo workloads but
// the bare epoll floor runs it.
func echoLoop(c io.ReadWriter) {
	var buf [echoReadBuf]byte
	for {
		n, err := c.Read(buf[:])
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

//go:build unix

package socket_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/socket"
)

// An echo over loopback TCP inside one hub: the server greenlet copies with
// io.Copy, the client writes JSON with encoding/json and reads the echo back
// with bufio. None of that code knows about greenlets: the Conn finds the
// running greenlet through its hub, and only that greenlet waits while the
// socket is not ready.
func Example() {
	err := greenlet.Run(func(main *greenlet.Greenlet) error {
		ln, err := socket.Listen(main.Hub(), "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		server := greenlet.Spawn(main, func(g *greenlet.Greenlet) (any, error) {
			c, err := ln.Accept(g)
			if err != nil {
				return nil, err
			}
			defer c.Close()
			n, err := io.Copy(c, c) // echo until the client half-closes
			return n, err
		})

		c, err := socket.Dial(main, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		if err := json.NewEncoder(c).Encode(map[string]int{"answer": 42}); err != nil {
			return err
		}
		c.CloseWrite()
		var echoed map[string]int
		if err := json.NewDecoder(bufio.NewReader(c)).Decode(&echoed); err != nil {
			return err
		}
		n, err := server.Get(main)
		fmt.Println(echoed["answer"], n, err)
		return nil
	})
	fmt.Println("run:", err)
	// Output:
	// 42 14 <nil>
	// run: <nil>
}

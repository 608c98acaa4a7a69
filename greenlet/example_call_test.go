package greenlet_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
)

// Call serves each request of a net/http server as a greenlet of one hub:
// the handlers share the hub's state without a lock, and a client that goes
// away (the request's context is cancelled) kills its greenlet.
func ExampleCall() {
	h, err := hub.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	// The hub runs on its own goroutine. The Ref says that requests will
	// come: the main greenlet's Shutdown waits until it is released.
	h.Ref()
	hubDone := make(chan error, 1)
	go func() { hubDone <- greenlet.RunOn(h, greenlet.Shutdown) }()

	visitors := 0 // the hub's: only its greenlets touch it
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		msg, err := greenlet.Call(r.Context(), h, func(g *greenlet.Greenlet) (string, error) {
			// A cooperative wait (a greenlet socket, a Queue, a Sleep)
			// parks this request only; the hub serves the others meanwhile.
			if err := greenlet.Sleep(g, time.Millisecond); err != nil {
				return "", err // killed: the client went away
			}
			visitors++
			return fmt.Sprintf("hello %s, visitor %d", name, visitors), nil
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, msg)
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	client := &http.Client{Timeout: 10 * time.Second}
	for _, name := range []string{"ann", "bob", "cy"} {
		resp, err := client.Get("http://" + ln.Addr().String() + "/hello?name=" + name)
		if err != nil {
			fmt.Println(err)
			break
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Print(resp.StatusCode, " ", string(body))
	}

	// Stop the server, then let the hub finish.
	if err := srv.Shutdown(context.Background()); err != nil {
		fmt.Println(err)
	}
	if err := <-served; err != http.ErrServerClosed {
		fmt.Println(err)
	}
	h.Unref()
	fmt.Println("hub:", <-hubDone)
	// Output:
	// 200 hello ann, visitor 1
	// 200 hello bob, visitor 2
	// 200 hello cy, visitor 3
	// hub: <nil>
}

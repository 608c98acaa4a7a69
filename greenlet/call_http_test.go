package greenlet_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gevent-go/gevent/greenlet"
	"github.com/gevent-go/gevent/hub"
	"github.com/gevent-go/gevent/internal/leakcheck"
)

// greenletServer is ExampleCall's server, for tests: an HTTP server on a
// loopback port whose requests are served by greenlets of one hub.
type greenletServer struct {
	h       *hub.Hub
	srv     *http.Server
	url     string
	served  chan error
	hubDone chan error
	handled chan error // failures reported to the hub's error handler
}

func startGreenletServer(t *testing.T, core string, route func(mux *http.ServeMux, h *hub.Hub)) *greenletServer {
	t.Helper()
	s := &greenletServer{served: make(chan error, 1), hubDone: make(chan error, 1), handled: make(chan error, 16)}
	h, err := hub.New(hub.WithCore(core), hub.WithErrorHandler(func(h *hub.Hub, ctx any, err error) {
		select {
		case s.handled <- err:
		default:
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	s.h = h
	h.Ref()
	go func() { s.hubDone <- greenlet.RunOn(h, greenlet.Shutdown) }()
	mux := http.NewServeMux()
	route(mux, h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: generous}
	go func() { s.served <- s.srv.Serve(ln) }()
	return s
}

// stop shuts the server and the hub down and checks that both ended cleanly
// and the hub holds nothing.
func (s *greenletServer) stop(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), generous)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		t.Errorf("server shutdown: %v", err)
	}
	if err := <-s.served; err != http.ErrServerClosed {
		t.Errorf("Serve: %v", err)
	}
	s.h.Unref()
	if err := <-s.hubDone; err != nil {
		t.Errorf("hub: %v", err)
	}
	if c := s.h.Census(); c != (hub.Census{}) {
		t.Errorf("hub census after Run: %+v", c)
	}
	select {
	case err := <-s.handled:
		t.Errorf("failure reported to the hub: %v", err)
	default:
	}
}

// waitGoroutines waits (generously) for the goroutine count to fall back to
// baseline, and fails with all stacks if it does not.
func waitGoroutines(t *testing.T, baseline int) {
	t.Helper()
	if n, dump := leakcheck.Settle(baseline, generous); dump != nil {
		t.Errorf("goroutine leak: %d, baseline %d\n%s", n, baseline, dump)
	}
}

// TestCallHTTP1000 drives a fixed 1,000 concurrent requests through a
// server whose every request is a greenlet of one hub, on each core: every
// answer is right, and afterwards the hub is empty and no goroutine is left.
func TestCallHTTP1000(t *testing.T) {
	const requests = 1000
	for _, core := range hub.Cores() {
		t.Run(core, func(t *testing.T) {
			baseline := runtime.NumGoroutine()
			inFlight, peak := 0, 0 // the hub's
			s := startGreenletServer(t, core, func(mux *http.ServeMux, h *hub.Hub) {
				mux.HandleFunc("/double", func(w http.ResponseWriter, r *http.Request) {
					n, err := strconv.Atoi(r.URL.Query().Get("n"))
					if err != nil {
						http.Error(w, err.Error(), http.StatusBadRequest)
						return
					}
					v, err := greenlet.Call(r.Context(), h, func(g *greenlet.Greenlet) (int, error) {
						inFlight++
						peak = max(peak, inFlight)
						defer func() { inFlight-- }()
						if err := greenlet.Sleep(g, time.Millisecond); err != nil {
							return 0, err
						}
						return 2 * n, nil
					})
					if err != nil {
						http.Error(w, err.Error(), http.StatusServiceUnavailable)
						return
					}
					fmt.Fprint(w, v)
				})
			})
			tr := &http.Transport{MaxIdleConnsPerHost: requests}
			client := &http.Client{Transport: tr, Timeout: generous}
			var wg sync.WaitGroup
			errs := make(chan error, requests)
			start := make(chan struct{})
			for i := range requests {
				wg.Go(func() {
					<-start
					resp, err := client.Get(s.url + "/double?n=" + strconv.Itoa(i))
					if err != nil {
						errs <- err
						return
					}
					defer resp.Body.Close()
					body, err := io.ReadAll(resp.Body)
					if err != nil {
						errs <- err
						return
					}
					if want := strconv.Itoa(2 * i); resp.StatusCode != http.StatusOK || string(body) != want {
						errs <- fmt.Errorf("request %d: %d %q, want 200 %q", i, resp.StatusCode, body, want)
					}
				})
			}
			close(start)
			wg.Wait()
			close(errs)
			n := 0
			for err := range errs {
				if n++; n <= 5 {
					t.Error(err)
				}
			}
			if n > 0 {
				t.Errorf("%d of %d requests failed", n, requests)
			}
			tr.CloseIdleConnections()
			s.stop(t)
			t.Logf("%s core: at most %d requests parked on the hub at once", core, peak)
			waitGoroutines(t, baseline)
		})
	}
}

// TestCallHTTPClientGone: a client that goes away cancels the request's
// context, which kills the request's greenlet at its blocking call with an
// exit error wrapping context.Canceled; on each core.
func TestCallHTTPClientGone(t *testing.T) {
	for _, core := range hub.Cores() {
		t.Run(core, func(t *testing.T) {
			baseline := runtime.NumGoroutine()
			entered := make(chan struct{}, 1)
			killed := make(chan error, 1)
			s := startGreenletServer(t, core, func(mux *http.ServeMux, h *hub.Hub) {
				mux.HandleFunc("/forever", func(w http.ResponseWriter, r *http.Request) {
					_, err := greenlet.Call(r.Context(), h, func(g *greenlet.Greenlet) (int, error) {
						entered <- struct{}{}
						err := greenlet.Sleep(g, greenlet.Forever)
						killed <- err
						return 0, err
					})
					if err != nil {
						http.Error(w, err.Error(), http.StatusServiceUnavailable)
					}
				})
			})
			tr := &http.Transport{}
			client := &http.Client{Transport: tr, Timeout: generous}
			ctx, cancel := context.WithCancel(context.Background())
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/forever", nil)
			if err != nil {
				t.Fatal(err)
			}
			got := make(chan error, 1)
			go func() {
				resp, err := client.Do(req)
				if err == nil {
					resp.Body.Close()
				}
				got <- err
			}()
			<-entered
			cancel() // the client goes away: its connection closes
			if err := <-got; !errors.Is(err, context.Canceled) {
				t.Errorf("client: %v, want context.Canceled", err)
			}
			select {
			case err := <-killed:
				if !greenlet.IsExit(err) || !errors.Is(err, context.Canceled) {
					t.Errorf("the greenlet's Sleep returned %v, want an exit wrapping context.Canceled", err)
				}
			case <-time.After(generous):
				t.Fatal("the greenlet was not killed when its client went away")
			}
			tr.CloseIdleConnections()
			s.stop(t)
			waitGoroutines(t, baseline)
		})
	}
}

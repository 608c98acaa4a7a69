//go:build unix

package socket

import (
	"errors"
	"net"
	"syscall"
	"time"

	"github.com/gevent-go/gevent/greenlet"
)

// A Handler serves one connection in a greenlet of its own (cur); the
// server closes c when the handler returns, also after a kill.
type Handler func(cur *greenlet.Greenlet, c *Conn)

// DefaultStopTimeout is how long Stop waits for the handlers to finish
// before it kills those left (gevent's StreamServer.stop_timeout).
const DefaultStopTimeout = time.Second

// A StreamServer is gevent's StreamServer: an accept loop that runs a
// Handler in a new greenlet for every connection, optionally bounded by a
// Pool, with a graceful Stop. It belongs to its listener's hub; only that
// hub's greenlets may use it.
type StreamServer struct {
	ln          *Listener
	handler     Handler
	pool        *greenlet.Pool
	stopTimeout time.Duration

	conns    map[*greenlet.Greenlet]*Conn // handlers alive (or spawned and not yet run)
	acceptor *greenlet.Greenlet           // the greenlet Start spawned, if any
	serving  bool
	stopping bool
}

// A ServerOption configures a StreamServer.
type ServerOption func(*StreamServer)

// WithPool bounds the handlers to the pool's size: while the pool is full
// the server accepts nothing (the connections wait in the kernel's backlog).
func WithPool(p *greenlet.Pool) ServerOption {
	if p == nil {
		panic("socket: WithPool: nil pool")
	}
	return func(s *StreamServer) { s.pool = p }
}

// WithStopTimeout sets how long Stop waits for the handlers (default
// DefaultStopTimeout); it must not be negative.
func WithStopTimeout(d time.Duration) ServerOption {
	if d < 0 {
		panic("socket: WithStopTimeout: negative duration")
	}
	return func(s *StreamServer) { s.stopTimeout = d }
}

// NewStreamServer returns a server of ln's connections, each served by
// handler. It does not accept until Serve or Start.
func NewStreamServer(ln *Listener, handler Handler, opts ...ServerOption) *StreamServer {
	if ln == nil || handler == nil {
		panic("socket: NewStreamServer: nil listener or handler")
	}
	s := &StreamServer{ln: ln, handler: handler, stopTimeout: DefaultStopTimeout, conns: map[*greenlet.Greenlet]*Conn{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Addr returns the listener's address.
func (s *StreamServer) Addr() net.Addr { return s.ln.Addr() }

// Len returns how many handlers are alive (or spawned and about to run).
func (s *StreamServer) Len() int { return len(s.conns) }

// Serve runs the accept loop in cur until Stop (then it returns nil) or an
// accept fails for good (then it returns that error; the listener stays
// open). A transient accept failure (out of file descriptors) makes it
// pause briefly and go on, as gevent does. An error delivered to cur (a kill)
// ends it with that error.
func (s *StreamServer) Serve(cur *greenlet.Greenlet) error {
	if s.serving {
		panic("socket: StreamServer.Serve: already serving")
	}
	s.serving = true
	defer func() { s.serving = false }()
	for !s.stopping {
		if s.pool != nil {
			if _, err := s.pool.WaitAvailable(cur); err != nil {
				return err
			}
		}
		c, err := s.ln.Accept(cur)
		if err != nil {
			if s.stopping || errors.Is(err, net.ErrClosed) && s.ln.closed {
				return nil
			}
			if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) || errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM) {
				if err := greenlet.Sleep(cur, 10*time.Millisecond); err != nil {
					return err
				}
				continue
			}
			return err
		}
		if err := s.spawn(cur, c); err != nil {
			return err
		}
	}
	return nil
}

func (s *StreamServer) spawn(cur *greenlet.Greenlet, c *Conn) error {
	body := func(me *greenlet.Greenlet) (any, error) {
		defer func() {
			delete(s.conns, me)
			c.Close()
		}()
		s.handler(me, c)
		return nil, nil
	}
	if s.pool == nil {
		s.conns[greenlet.Spawn(cur, body)] = c
		return nil
	}
	// The pool had a free slot before the accept (nothing ran since), so
	// this does not wait; it fails only for an error delivered to cur.
	g, err := s.pool.Spawn(cur, body)
	if err != nil {
		c.Close()
		return err
	}
	s.conns[g] = c
	return nil
}

// Start spawns the accept loop (Serve) in a greenlet of its own and returns
// at once.
func (s *StreamServer) Start(cur *greenlet.Greenlet) {
	if s.acceptor != nil {
		panic("socket: StreamServer.Start: already started")
	}
	s.acceptor = greenlet.Spawn(cur, func(g *greenlet.Greenlet) (any, error) { return nil, s.Serve(g) })
}

// Stop is StopTimeout with the server's stop timeout (WithStopTimeout).
func (s *StreamServer) Stop(cur *greenlet.Greenlet) error { return s.StopTimeout(cur, s.stopTimeout) }

// StopTimeout stops the server gracefully: it closes the listener (the
// accept loop ends), waits up to d for the handlers to finish, then kills
// the handlers left and waits for them to end; every connection is closed
// when it returns. It returns the accept loop's error, if it failed, or an
// error delivered to cur meanwhile.
func (s *StreamServer) StopTimeout(cur *greenlet.Greenlet, d time.Duration) error {
	s.stopping = true
	var serveErr error
	if !s.ln.closed {
		s.ln.Close()
	}
	if a := s.acceptor; a != nil {
		if err := a.Join(cur); err != nil {
			return err
		}
		serveErr = a.Err()
	}
	gs := s.handlersLeft()
	if len(gs) > 0 {
		if _, err := greenlet.JoinAll(cur, gs, greenlet.Within(d)); err != nil {
			return err
		}
	}
	if gs = s.handlersLeft(); len(gs) > 0 {
		if err := greenlet.KillAll(cur, gs); err != nil {
			return err
		}
	}
	// Handlers killed before they ran never closed their connections.
	for g, c := range s.conns {
		c.Close()
		delete(s.conns, g)
	}
	return serveErr
}

func (s *StreamServer) handlersLeft() []*greenlet.Greenlet {
	gs := make([]*greenlet.Greenlet, 0, len(s.conns))
	for g := range s.conns {
		gs = append(gs, g)
	}
	return gs
}

// Package greenlet is a stub of the real package with the shapes
// greenletvet relies on, in today's spelling and in the planned one
// (positional flags gone, methods renamed), which the checks must both know.
package greenlet

import (
	"context"
	"time"

	"github.com/gevent-go/gevent/hub"
)

const Forever time.Duration = -1

type Greenlet struct{}

type Func func(g *Greenlet) (any, error)

func Run(body func(main *Greenlet) error) error  { return nil }
func Spawn(on *Greenlet, fn Func) *Greenlet      { return nil }
func Sleep(cur *Greenlet, d time.Duration) error { return nil }
func Shutdown(main *Greenlet) error              { return nil }
func Kill(g *Greenlet, err error)                {}
func Current(h *hub.Hub) *Greenlet               { return nil }
func AddSpawnCallback(fn func(*Greenlet))        {}
func Blocking[T any](cur *Greenlet, fn func(ctx context.Context) (T, error)) (T, error) {
	return fn(context.Background())
}
func Map[In, Out any](cur *Greenlet, in []In, fn func(g *Greenlet, x In) (Out, error)) ([]Out, error) {
	return nil, nil
}

func (g *Greenlet) Get(cur *Greenlet, block bool, timeout time.Duration) (any, error) {
	return nil, nil
}
func (g *Greenlet) GetTimeout(cur *Greenlet, d time.Duration) (any, error)           { return nil, nil }
func (g *Greenlet) Join(cur *Greenlet) error                                         { return nil }
func (g *Greenlet) Kill(cur *Greenlet, err error, block bool, t time.Duration) error { return nil }
func (g *Greenlet) Err() error                                                       { return nil }
func (g *Greenlet) Link(fn func(cur, src *Greenlet) error)                           {}
func (g *Greenlet) Rawlink(fn func(src *Greenlet))                                   {}

type Queue[T any] struct{}

type QueueOption struct{}

func NewQueue[T any](h *hub.Hub, opts ...QueueOption) *Queue[T] { return nil }
func (q *Queue[T]) Get(cur *Greenlet) (T, error)                { var v T; return v, nil }
func (q *Queue[T]) Put(cur *Greenlet, v T) error                { return nil }
func (q *Queue[T]) PutNowait(v T) error                         { return nil }

type Group struct{}

func (grp *Group) Killone(cur *Greenlet, g *Greenlet, err error) error { return nil }

type Timeout struct{}

func (t *Timeout) Do(cur *Greenlet, fn func() error) error { return nil }

// Iter is a blocking iterator: it takes the current greenlet but reports
// errors apart.
type Iter struct{}

func IWait(cur *Greenlet, objects []any) *Iter { return nil }
func (it *Iter) Next(cur *Greenlet) bool       { return false }
func (it *Iter) Err() error                    { return nil }

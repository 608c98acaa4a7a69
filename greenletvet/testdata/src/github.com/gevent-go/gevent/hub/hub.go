// Package hub is a stub of the real package with the shapes greenletvet
// relies on.
package hub

import "time"

type Hub struct{}

type G struct{}

func (g *G) Park() error                               { return nil }
func (g *G) Yield() error                              { return nil }
func (g *G) SleepFor(d time.Duration, op string) error { return nil }
func (g *G) Dead() bool                                { return false }
func (g *G) Hub() *Hub                                 { return nil }
func (h *Hub) Run(body func(main *G) error) error      { return nil }
func (h *Hub) Throw(g *G, err error)                   {}
func (h *Hub) Post(fn func()) error                    { return nil }

type Waiter struct{}

func (w *Waiter) Get(g *G) (any, error) { return nil, nil }

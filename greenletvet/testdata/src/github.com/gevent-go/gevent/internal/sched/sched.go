// Package sched is a stub of the module's internal scheduler with the shapes
// greenletvet relies on: the raw G, whose blocking methods take no greenlet
// parameter (the receiver is the current greenlet).
package sched

import (
	"context"
	"time"
)

type Hub struct{}

type G struct{}

func (g *G) Init(h *Hub, fn func(g *G))                       {}
func (g *G) Park() error                                      { return nil }
func (g *G) Yield() error                                     { return nil }
func (g *G) SleepFor(d time.Duration, op string) error        { return nil }
func (g *G) Dead() bool                                       { return false }
func (g *G) Hub() *Hub                                        { return nil }
func (h *Hub) Run(body func(main *G) error) error             { return nil }
func (h *Hub) Main() *G                                       { return nil }
func (h *Hub) Start(g *G)                                     {}
func (h *Hub) Throw(g *G, err error)                          {}
func (h *Hub) Offload(g *G, work func(context.Context)) error { return nil }

type Waiter struct{}

func (w *Waiter) Get(g *G) (any, error) { return nil, nil }

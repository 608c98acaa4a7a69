package greenlet

import (
	"fmt"
	"time"
)

// Typed is a greenlet whose body returns a T: Get and Value give a T instead
// of an any. It embeds the *Greenlet, so everything else (Join, Kill, links,
// JoinAll and KillAll through t.Greenlet) is the untyped API, unchanged.
type Typed[T any] struct{ *Greenlet }

// SpawnTyped is Spawn for a body returning a T.
func SpawnTyped[T any](on *Greenlet, fn func(g *Greenlet) (T, error)) Typed[T] {
	if fn == nil {
		panic("greenlet: SpawnTyped with a nil body")
	}
	return Typed[T]{Spawn(on, func(g *Greenlet) (any, error) { return fn(g) })}
}

// SpawnTypedIn is SpawnTyped in a Group or Pool (any Spawner): it spawns
// through s.Spawn, so a Pool makes cur wait for a free slot and an error is
// one delivered to cur meanwhile (nothing was spawned then).
func SpawnTypedIn[T any](cur *Greenlet, s Spawner, fn func(g *Greenlet) (T, error)) (Typed[T], error) {
	if s == nil {
		panic("greenlet: SpawnTypedIn with a nil Spawner")
	}
	if fn == nil {
		panic("greenlet: SpawnTypedIn with a nil body")
	}
	g, err := s.Spawn(cur, func(g *Greenlet) (any, error) { return fn(g) })
	if err != nil {
		return Typed[T]{}, err
	}
	return Typed[T]{g}, nil
}

// Get is Greenlet.Get with the value as a T. A greenlet that ended with a
// GreenletExit (killed) has no T: Get returns the zero T and that exit error,
// which IsExit recognises; errors are otherwise those of Greenlet.Get.
func (t Typed[T]) Get(cur *Greenlet) (T, error) {
	v, err := t.Greenlet.Get(cur)
	return t.convert(v, err)
}

// GetTimeout is Get giving up after d, with the errors of
// Greenlet.GetTimeout (a *Timeout when d passes).
func (t Typed[T]) GetTimeout(cur *Greenlet, d time.Duration) (T, error) {
	v, err := t.Greenlet.GetTimeout(cur, d)
	return t.convert(v, err)
}

// Value is Greenlet.Value as a T: the zero T before a success, after a
// failure, or after a GreenletExit.
func (t Typed[T]) Value() T {
	v, _ := t.Greenlet.Value().(T)
	return v
}

func (t Typed[T]) convert(v any, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if v == nil {
		return zero, nil
	}
	if x, ok := v.(T); ok {
		return x, nil
	}
	if e, ok := v.(error); ok && IsExit(e) {
		return zero, e
	}
	panic(fmt.Sprintf("greenlet: Typed.Get: value %T is not a %T", v, zero))
}

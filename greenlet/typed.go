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

// Get is Greenlet.Get with the value as a T. A greenlet that ended with a
// GreenletExit (killed) has no T: Get returns the zero T and that exit error,
// which IsExit recognises; errors are otherwise those of Greenlet.Get.
func (t Typed[T]) Get(cur *Greenlet, block bool, timeout time.Duration) (T, error) {
	v, err := t.Greenlet.Get(cur, block, timeout)
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

package greenlet

// Scope runs body with g in scope, as gevent's "with spawn(f) as g:". When
// body returns nil, Scope joins g and then kills it (a no-op once g has
// finished): the block does not end before g. When body returns an error,
// g is killed with that error (g fails with it; no join) and Scope returns
// it. If body panics, g is killed with the panic as a *PanicError and the
// panic continues; if body calls runtime.Goexit, g is killed with ErrGoexit
// and the Goexit continues. Otherwise Scope returns the first error
// delivered to cur by the join or the kill.
func (g *Greenlet) Scope(cur *Greenlet, body func() error) (err error) {
	if e := cur.check("Scope", g); e != nil {
		return e
	}
	panicked := true
	defer func() {
		if panicked {
			r := recover()
			if r == nil {
				// runtime.Goexit (no panic is nil since Go 1.21): it cannot
				// be stopped, and g goes with it.
				_ = g.Kill(cur, WithError(ErrGoexit))
				return
			}
			_ = g.Kill(cur, WithError(&PanicError{Value: r}))
			panic(r)
		}
	}()
	berr := body()
	panicked = false
	if berr != nil {
		_ = g.Kill(cur, WithError(berr))
		return berr
	}
	jerr := g.Join(cur)
	kerr := g.Kill(cur)
	if jerr != nil {
		return jerr
	}
	return kerr
}

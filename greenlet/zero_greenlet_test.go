package greenlet_test

import (
	"strings"

	"github.com/gevent-go/gevent/greenlet"
)

// A zero Greenlet (declared, not made by New or Spawn) given to Kill, Join,
// Get or KillAllNowait is a misuse that panics with a message naming the
// call, before anything happens; nothing reads it as a greenlet of some
// kind.
func (s *Conformance) TestZeroGreenletMisuse() {
	s.run(func(main *greenlet.Greenlet) error {
		var zero greenlet.Greenlet
		z := &zero
		for name, f := range map[string]func(){
			"KillNowait":    func() { z.KillNowait() },
			"Kill":          func() { _ = z.Kill(main) },
			"Join":          func() { _ = z.Join(main) },
			"Get":           func() { _, _ = z.Get(main) },
			"KillAllNowait": func() { greenlet.KillAllNowait([]*greenlet.Greenlet{z}) },
		} {
			func() {
				defer func() {
					r := recover()
					msg, _ := r.(string)
					s.True(strings.HasPrefix(msg, "greenlet: "+name+": "), "%s: %v", name, r)
					s.Contains(msg, "zero Greenlet", name)
				}()
				f()
			}()
		}
		return nil
	})
}

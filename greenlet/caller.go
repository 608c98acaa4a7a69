package greenlet

// mustCaller panics if a blocking call op was not given its calling
// greenlet. The blocking calls check it first, so that the misuse shows on
// the fast path too, which would otherwise succeed without switching.
func mustCaller(cur *Greenlet, op string) {
	if cur == nil {
		panic("greenlet: " + op + ": nil calling greenlet (pass the greenlet making the call)")
	}
}

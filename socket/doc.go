// Package socket is gevent's socket module for greenlets: TCP and Unix
// stream sockets whose blocking calls park the calling greenlet, never the
// hub, so one hub serves thousands of connections on one thread; and a
// StreamServer that runs a greenlet per connection.
//
// # How a connection finds its greenlet
//
// Go has no greenlet-local state, and io.Reader/io.Writer code (bufio,
// io.Copy, encoding/json) passes no greenlet to Read and Write. So a Conn
// belongs to one hub (the hub of the greenlet that dialed or accepted it),
// and Read and Write ask that hub which greenlet it is running: that
// greenlet is the caller, since a hub runs one greenlet at a time. The hub first checks that the caller runs on its
// goroutine or one of its greenlets and panics otherwise, so a Conn handed
// to a plain goroutine fails loudly instead of corrupting the hub. From a
// hub callback, where nothing may block, Read and Write return
// hub.ErrBlockingSwitchOut (wrapped). Calls that are not io.Reader-shaped
// follow the package greenlet convention and take the calling greenlet
// first: Dial(cur, ...), Listener.Accept(cur).
//
// A Conn is a net.Conn: deadlines (SetDeadline and friends) bound every
// later wait, and a wait that passes its deadline returns an error for which
// errors.Is(err, os.ErrDeadlineExceeded) holds and net.Error's Timeout
// reports true. Closing a Conn first wakes every greenlet waiting on it with
// net.ErrClosed (greenlet.CancelWait), so none of them ever watches the file
// that reuses its number.
//
// Addresses are resolved by the net package (ResolveTCPAddr), which blocks
// the whole hub while it looks a name up: pass IP literals, or resolve
// names with greenlet.Blocking first.
//
// The package needs a Unix system; on the pure-Go core fd waits need Linux
// (epoll), the C core watches fds wherever libev runs.
package socket

package greenletvet

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// Hints of the thread-blocking check, by kind of operation.
const (
	hintSleep = "use greenlet.Sleep, which parks only the greenlet"
	hintChan  = "use a greenlet Channel or Queue, which park only the greenlet"
	hintLock  = "it deadlocks the hub if a greenlet of the same hub holds it while parked; greenlets of one hub need no lock between them, and wait for each other with a greenlet Semaphore, Event or Join"
	hintIO    = "run it through greenlet.Blocking, which parks only the greenlet while a goroutine does it"
	hintProc  = "wait for a child process in a goroutine and hand the result to the hub with (*hub.Hub).Post"
)

// threadBlocking lists the calls that block the OS thread they run on, by
// the full name of the function or method (types.Func.FullName), with the
// hint given for each. Inside a greenlet body they stop the whole hub: no
// other greenlet runs, and no timer fires, until they return.
var threadBlocking = map[string]string{
	"time.Sleep": hintSleep,

	"(*sync.Mutex).Lock":     hintLock,
	"(*sync.RWMutex).Lock":   hintLock,
	"(*sync.RWMutex).RLock":  hintLock,
	"(*sync.WaitGroup).Wait": hintLock,
	"(*sync.Cond).Wait":      hintLock,

	"net.Dial":                       hintIO,
	"net.DialTimeout":                hintIO,
	"net.DialTCP":                    hintIO,
	"net.DialUDP":                    hintIO,
	"net.DialIP":                     hintIO,
	"net.DialUnix":                   hintIO,
	"(*net.Dialer).Dial":             hintIO,
	"(*net.Dialer).DialContext":      hintIO,
	"(net.Listener).Accept":          hintIO,
	"(*net.TCPListener).Accept":      hintIO,
	"(*net.TCPListener).AcceptTCP":   hintIO,
	"(*net.UnixListener).Accept":     hintIO,
	"(*net.UnixListener).AcceptUnix": hintIO,
	"(net.Conn).Read":                hintIO,
	"(net.Conn).Write":               hintIO,
	"(net.PacketConn).ReadFrom":      hintIO,
	"(net.PacketConn).WriteTo":       hintIO,
	"(*net.conn).Read":               hintIO, // promoted into *net.TCPConn, *net.UDPConn, ...
	"(*net.conn).Write":              hintIO,
	"(*net.TCPConn).ReadFrom":        hintIO,
	"(*net.UDPConn).ReadFrom":        hintIO,
	"(*net.UDPConn).ReadFromUDP":     hintIO,
	"(*net.UDPConn).WriteTo":         hintIO,
	"(*net.UDPConn).WriteToUDP":      hintIO,
	"net.LookupHost":                 hintIO,
	"net.LookupIP":                   hintIO,
	"net.LookupAddr":                 hintIO,
	"net.LookupCNAME":                hintIO,
	"net.LookupMX":                   hintIO,
	"net.LookupNS":                   hintIO,
	"net.LookupSRV":                  hintIO,
	"net.LookupTXT":                  hintIO,
	"net.LookupPort":                 hintIO,
	"(*net.Resolver).LookupHost":     hintIO,
	"(*net.Resolver).LookupIP":       hintIO,
	"(*net.Resolver).LookupIPAddr":   hintIO,

	"net/http.Get":                         hintIO,
	"net/http.Head":                        hintIO,
	"net/http.Post":                        hintIO,
	"net/http.PostForm":                    hintIO,
	"net/http.ListenAndServe":              hintIO,
	"net/http.ListenAndServeTLS":           hintIO,
	"net/http.Serve":                       hintIO,
	"(*net/http.Client).Do":                hintIO,
	"(*net/http.Client).Get":               hintIO,
	"(*net/http.Client).Head":              hintIO,
	"(*net/http.Client).Post":              hintIO,
	"(*net/http.Client).PostForm":          hintIO,
	"(*net/http.Server).ListenAndServe":    hintIO,
	"(*net/http.Server).ListenAndServeTLS": hintIO,
	"(*net/http.Server).Serve":             hintIO,

	"os.ReadFile":                   hintIO,
	"os.WriteFile":                  hintIO,
	"os.ReadDir":                    hintIO,
	"os.Open":                       hintIO,
	"os.OpenFile":                   hintIO,
	"os.Create":                     hintIO,
	"(*os.File).Read":               hintIO,
	"(*os.File).ReadAt":             hintIO,
	"(*os.File).ReadFrom":           hintIO,
	"(*os.File).Write":              hintIO,
	"(*os.File).WriteAt":            hintIO,
	"(*os.File).WriteString":        hintIO,
	"(*os.File).WriteTo":            hintIO,
	"(*os.File).Sync":               hintIO,
	"(*os.File).ReadDir":            hintIO,
	"(*os.File).Readdir":            hintIO,
	"(*os.File).Readdirnames":       hintIO,
	"(*os.Process).Wait":            hintProc,
	"(*os/exec.Cmd).Run":            hintProc,
	"(*os/exec.Cmd).Wait":           hintProc,
	"(*os/exec.Cmd).Output":         hintProc,
	"(*os/exec.Cmd).CombinedOutput": hintProc,
}

// ioHelpers are the io functions that block exactly when one of their
// arguments is a file or a connection: they are reported only then.
var ioHelpers = map[string]bool{
	"io.ReadAll":     true,
	"io.ReadFull":    true,
	"io.ReadAtLeast": true,
	"io.Copy":        true,
	"io.CopyN":       true,
	"io.CopyBuffer":  true,
	"io.WriteString": true,
}

// threadBlockingCall returns the callee's name and a hint if call blocks the
// OS thread.
func threadBlockingCall(info *types.Info, call *ast.CallExpr) (name, hint string, ok bool) {
	fn, isFunc := typeutil.Callee(info, call).(*types.Func)
	if !isFunc {
		return "", "", false
	}
	full := fn.FullName()
	if hint, ok := threadBlocking[full]; ok {
		return displayName(info, call, fn), hint, true
	}
	if ioHelpers[full] {
		for _, arg := range call.Args {
			if isFileOrConn(info.TypeOf(arg)) {
				return displayName(info, call, fn) + " on a file or connection", hintIO, true
			}
		}
	}
	return "", "", false
}

// isFileOrConn reports whether t is *os.File or a type of package net (a
// connection or a listener).
func isFileOrConn(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	switch n.Obj().Pkg().Path() {
	case "os":
		return n.Obj().Name() == "File"
	case "net":
		return true
	}
	return false
}

// displayName names a standard library callee as a user reads it: time.Sleep,
// or a method by the type of the value it is called on, (*sync.Mutex).Lock or
// (*net.TCPConn).Read (not the unexported type that declares Read).
func displayName(info *types.Info, call *ast.CallExpr, fn *types.Func) string {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if fn.Type().(*types.Signature).Recv() == nil || !ok {
		return fn.Pkg().Name() + "." + fn.Name()
	}
	t := info.TypeOf(sel.X)
	if _, ptr := t.Underlying().(*types.Pointer); !ptr && !types.IsInterface(t) {
		t = types.NewPointer(t) // an addressable value: the method takes its address
	}
	return "(" + types.TypeString(t, func(p *types.Package) string { return p.Name() }) + ")." + fn.Name()
}

// isChan reports whether t is a channel type.
func isChan(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Chan)
	return ok
}

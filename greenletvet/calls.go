package greenletvet

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// modulePath is the module whose greenlet types the checks know. The types
// are recognised by package and name only, never by method name, so the
// checks survive renames of the API.
const modulePath = "github.com/gevent-go/gevent"

// inModule reports whether pkg belongs to the gevent-go module.
func inModule(pkg *types.Package) bool {
	if pkg == nil {
		return false
	}
	p := pkg.Path()
	return p == modulePath || strings.HasPrefix(p, modulePath+"/")
}

// isGreenletPtr reports whether t is *greenlet.Greenlet: the handle a
// greenlet body receives and passes to each blocking call.
func isGreenletPtr(t types.Type) bool {
	return isModulePtr(t, "greenlet", "Greenlet")
}

// isRawPtr reports whether t is *sched.G, the raw greenlet under a
// *greenlet.Greenlet. It lives in the module's internal scheduler package,
// so only the module's own code (greenlet and its tests) holds one; the
// package is matched by its name, not its path.
func isRawPtr(t types.Type) bool {
	return isModulePtr(t, "sched", "G")
}

// isModulePtr reports whether t is a pointer to the named type pkgName.name
// declared in the gevent-go module.
func isModulePtr(t types.Type, pkgName, name string) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	if !ok {
		return false
	}
	obj := n.Obj()
	return obj.Name() == name && inModule(obj.Pkg()) && obj.Pkg().Name() == pkgName
}

// isAnyGreenletPtr reports whether t is one of the two greenlet handles.
func isAnyGreenletPtr(t types.Type) bool { return isGreenletPtr(t) || isRawPtr(t) }

var errorType = types.Universe.Lookup("error").Type()

// returnsError reports whether the last result of sig is error.
func returnsError(sig *types.Signature) bool {
	r := sig.Results()
	return r.Len() > 0 && types.Identical(r.At(r.Len()-1).Type(), errorType)
}

// currentNames are the parameter names that mark the calling greenlet's
// slot: every blocking call of package greenlet names it cur, and the calls
// only the main greenlet may make name it main. A *Greenlet parameter with any
// other name is a target (g.Join's receiver, Pool.Add's g, Receive's src) or
// only picks the hub (Spawn's on) and may legitimately be another greenlet.
var currentNames = map[string]bool{"cur": true, "main": true}

// greenletCall describes a call that takes the calling greenlet: where it
// is passed (cur), what the callee is called (name), and whether the call
// blocks (returns an error, through which kills and timeouts arrive).
type greenletCall struct {
	name   string   // the callee, as written in messages: "Sleep", "(*Greenlet).Join"
	cur    ast.Expr // the argument (or receiver) in the calling greenlet's slot
	blocks bool
}

// classifyCall reports whether call takes the calling greenlet, identified
// by shape alone. The calling greenlet's slot is
//   - a *greenlet.Greenlet parameter named cur or main (any package: a
//     helper shaped like the API is used like it); the call blocks if its
//     last result is an error;
//   - for the raw layer of the gevent-go module, whose parameter names do
//     not follow that convention, and only in a call whose last result is
//     an error (the call blocks): the *sched.G receiver of a method, or
//     else its only *sched.G parameter.
func classifyCall(info *types.Info, call *ast.CallExpr) (greenletCall, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return greenletCall{}, false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok {
		return greenletCall{}, false
	}
	blocks := returnsError(sig)
	params := sig.Params()
	raw := -1
	nraw := 0
	for i := 0; i < params.Len() && i < len(call.Args); i++ {
		p := params.At(i)
		if sig.Variadic() && i == params.Len()-1 {
			break
		}
		if isGreenletPtr(p.Type()) && currentNames[p.Name()] {
			return greenletCall{name: calleeName(fn), cur: call.Args[i], blocks: blocks}, true
		}
		if isRawPtr(p.Type()) {
			raw, nraw = i, nraw+1
		}
	}
	if !blocks || !inModule(fn.Pkg()) {
		return greenletCall{}, false
	}
	if recv := sig.Recv(); recv != nil && isRawPtr(recv.Type()) {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			return greenletCall{name: calleeName(fn), cur: sel.X, blocks: true}, true
		}
	}
	if nraw == 1 {
		return greenletCall{name: calleeName(fn), cur: call.Args[raw], blocks: true}, true
	}
	return greenletCall{}, false
}

// calleeName names fn for a message: Sleep, or (*Greenlet).Join for a method.
func calleeName(fn *types.Func) string {
	sig := fn.Type().(*types.Signature)
	recv := sig.Recv()
	if recv == nil {
		return fn.Name()
	}
	t := recv.Type()
	ptr := ""
	if p, ok := t.(*types.Pointer); ok {
		t, ptr = p.Elem(), "*"
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return "(" + ptr + n.Obj().Name() + ")." + fn.Name()
	}
	return fn.Name()
}

// bodyHandle returns the greenlet handle of a function with signature sig if
// the function has the shape of a greenlet body: its first parameter is a
// *greenlet.Greenlet and its last result an error (Func, Run's body, a Link
// callback, Map's function), or its first parameter is a *sched.G (a raw G's body).
// A function taking a *Greenlet without returning an error (Rawlink,
// AddSpawnCallback) is a callback about a greenlet, not a body.
func bodyHandle(sig *types.Signature) (*types.Var, bool) {
	if sig.Params().Len() == 0 {
		return nil, false
	}
	p := sig.Params().At(0)
	if isGreenletPtr(p.Type()) && returnsError(sig) || isRawPtr(p.Type()) {
		return p, true
	}
	return nil, false
}

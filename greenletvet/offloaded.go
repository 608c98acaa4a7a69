package greenletvet

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// markOffloaded records the function literals that call hands to the
// blocking offload (greenlet.Blocking, and (*sched.Hub).Offload under it):
// they run on a goroutine of their own, so blocking there is what they are
// for, while a greenlet captured from outside is not running there (as in a
// go statement). The offload is recognised by package and name, the one place
// the checks need a function's name: nothing in its signature tells it
// apart from a callback that runs in the hub.
func (c *checker) markOffloaded(call *ast.CallExpr) {
	fn, ok := typeutil.Callee(c.info, call).(*types.Func)
	if !ok || !inModule(fn.Pkg()) {
		return
	}
	switch fn.Pkg().Name() + "." + fn.Name() {
	case "greenlet.Blocking", "sched.Offload":
	default:
		return
	}
	for _, a := range call.Args {
		if lit, ok := ast.Unparen(a).(*ast.FuncLit); ok {
			c.offloaded[lit] = true
		}
	}
}

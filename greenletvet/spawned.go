package greenletvet

import (
	"go/ast"
	"go/token"
	"go/types"
)

// findSpawned records the variables of f that only ever hold a greenlet
// just created: every assignment to them is the *Greenlet result of a call
// that takes a body-shaped function (Spawn, New, a Pool's Spawn). Such a
// greenlet is never the one running the code that created it, so passing it
// as the current greenlet there is a mistake (child.Join(child)).
func (c *checker) findSpawned(f *ast.File) {
	other := map[*types.Var]bool{}
	bind := func(lhs ast.Expr, spawned bool) {
		id, ok := ast.Unparen(lhs).(*ast.Ident)
		if !ok {
			return
		}
		v, ok := c.info.ObjectOf(id).(*types.Var)
		if !ok || !isGreenletPtr(v.Type()) {
			return
		}
		if spawned {
			c.spawned[v] = true
		} else {
			other[v] = true
		}
	}
	assign := func(lhs, rhs []ast.Expr) {
		if len(rhs) == 1 && len(lhs) > 1 {
			call, ok := ast.Unparen(rhs[0]).(*ast.CallExpr)
			for i, l := range lhs {
				bind(l, ok && i == 0 && c.spawns(call))
			}
			return
		}
		for i, l := range lhs {
			call, ok := ast.Unparen(rhs[i]).(*ast.CallExpr)
			bind(l, ok && c.spawns(call))
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) || len(n.Rhs) == 1 {
				assign(n.Lhs, n.Rhs)
			}
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, id := range n.Names {
				lhs[i] = id
			}
			if len(n.Values) == 0 {
				for _, l := range lhs {
					bind(l, false)
				}
			} else if len(lhs) == len(n.Values) || len(n.Values) == 1 {
				assign(lhs, n.Values)
			}
		case *ast.RangeStmt:
			if n.Key != nil {
				bind(n.Key, false)
			}
			if n.Value != nil {
				bind(n.Value, false)
			}
		case *ast.UnaryExpr:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND {
				bind(id, false) // its address is taken: anything may be stored
			}
		}
		return true
	})
	for v := range other {
		delete(c.spawned, v)
	}
}

// spawns reports whether call creates a greenlet: its callee takes a
// function shaped like a greenlet body and returns a *Greenlet first.
func (c *checker) spawns(call *ast.CallExpr) bool {
	sig, ok := c.info.TypeOf(call.Fun).Underlying().(*types.Signature)
	if !ok || sig.Results().Len() == 0 || !isGreenletPtr(sig.Results().At(0).Type()) {
		return false
	}
	for i := 0; i < sig.Params().Len(); i++ {
		if fsig, ok := sig.Params().At(i).Type().Underlying().(*types.Signature); ok {
			if _, isBody := bodyHandle(fsig); isBody {
				return true
			}
		}
	}
	return false
}

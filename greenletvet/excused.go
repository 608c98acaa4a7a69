package greenletvet

import (
	"go/ast"
	"go/types"
)

// errorIface is the error interface, for the results that carry an error.
var errorIface = errorType.Underlying().(*types.Interface)

// findExcused records the statements of f whose discarded error leaves
// nothing lost:
//   - a statement followed by a return of a non-nil error or by a panic: the
//     greenlet is leaving with a failure already, so it does not go on as if
//     nothing had happened (Scope kills g and returns the body's error);
//   - the only statement of a func() literal that is not called in place
//     (it is handed to other code, as an argument or in a table): that code
//     fixed a type that leaves the error nowhere to go, as in a test's
//     assert.Panics(t, func() { _ = q.Get(main) }).
func (c *checker) findExcused(f *ast.File) {
	list := func(stmts []ast.Stmt) {
		for i := 0; i+1 < len(stmts); i++ {
			if c.leavesWithFailure(stmts[i+1]) {
				c.excused[stmts[i]] = true
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			list(n.List)
		case *ast.CaseClause:
			list(n.Body)
		case *ast.CommClause:
			list(n.Body)
		case *ast.FuncLit:
			if n.Type.Params.NumFields() == 0 && n.Type.Results.NumFields() == 0 && len(n.Body.List) == 1 && !c.helpers[n] {
				c.excused[n.Body.List[0]] = true
			}
		}
		return true
	})
}

// leavesWithFailure reports whether s is a panic or returns an error that
// is not nil.
func (c *checker) leavesWithFailure(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		if len(s.Results) == 0 {
			return false
		}
		last := s.Results[len(s.Results)-1]
		t := c.info.TypeOf(last)
		return t != nil && !isNil(c.info, last) && types.Implements(t, errorIface)
	case *ast.ExprStmt:
		call, ok := ast.Unparen(s.X).(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok {
			return false
		}
		b, ok := c.info.Uses[id].(*types.Builtin)
		return ok && b.Name() == "panic"
	}
	return false
}

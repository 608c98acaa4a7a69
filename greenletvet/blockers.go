package greenletvet

import (
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"

	"golang.org/x/tools/go/types/typeutil"
)

// blocker is what makes a function of the package block the OS thread: the
// first such operation found in it or in the functions it calls.
type blocker struct {
	what string    // the operation: "time.Sleep", "channel receive"
	hint string    // the hint for that operation
	pos  token.Pos // where the operation is
}

// findBlockers records the functions declared in the package, other than
// greenlet bodies, that block the OS thread: directly (an operation check 3
// reports, outside function literals and go statements), or by calling
// such a function of the package. A body calling one blocks its hub as if
// it made the operation itself. Calls to other packages are not followed:
// their locks and waits (a log.Logger's mutex) are theirs to keep short.
func (c *checker) findBlockers(files []*ast.File) {
	calls := map[*types.Func][]*types.Func{}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := c.info.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			if _, isBody := bodyHandle(fn.Type().(*types.Signature)); isBody {
				continue
			}
			c.scanBlocker(fn, fd.Body, calls)
		}
	}
	for changed := true; changed; {
		changed = false
		for fn, callees := range calls {
			if _, done := c.blockers[fn]; done {
				continue
			}
			for _, callee := range callees {
				if b, ok := c.blockers[callee]; ok {
					c.blockers[fn] = b
					changed = true
					break
				}
			}
		}
	}
}

// scanBlocker looks for a thread-blocking operation in body, the body of fn,
// and records the functions of the package fn calls.
func (c *checker) scanBlocker(fn *types.Func, body ast.Node, calls map[*types.Func][]*types.Func) {
	found := func(what, hint string, pos token.Pos) {
		if _, done := c.blockers[fn]; !done {
			c.blockers[fn] = blocker{what: what, hint: hint, pos: pos}
		}
	}
	var scan func(n ast.Node)
	scan = func(root ast.Node) {
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.GoStmt:
				return false
			case *ast.SelectStmt:
				hasDefault := false
				for _, cl := range n.Body.List {
					cc := cl.(*ast.CommClause)
					if cc.Comm == nil {
						hasDefault = true
					}
					for _, s := range cc.Body {
						scan(s)
					}
				}
				if !hasDefault {
					found("select without a default case", hintChan, n.Pos())
				}
				return false
			case *ast.SendStmt:
				found("channel send", hintChan, n.Pos())
			case *ast.UnaryExpr:
				if n.Op == token.ARROW {
					found("channel receive", hintChan, n.Pos())
				}
			case *ast.RangeStmt:
				if isChan(c.info.TypeOf(n.X)) {
					found("range over a channel", hintChan, n.Pos())
				}
			case *ast.CallExpr:
				if name, hint, ok := threadBlockingCall(c.info, n); ok {
					if hint != hintLock {
						found(name, hint, n.Pos())
					}
				} else if callee := typeutil.StaticCallee(c.info, n); callee != nil && callee.Pkg() == fn.Pkg() {
					calls[fn] = append(calls[fn], callee.Origin())
				}
			}
			return true
		})
	}
	scan(body)
}

// blockingHelper reports a call in a body to a function of the package that
// blocks the OS thread.
func (c *checker) blockingHelper(call *ast.CallExpr) {
	callee := typeutil.StaticCallee(c.info, call)
	if callee == nil {
		return
	}
	b, ok := c.blockers[callee.Origin()]
	if !ok {
		return
	}
	pos := c.pass.Fset.Position(b.pos)
	c.report(call, "%s blocks the hub's OS thread inside a greenlet body (through the %s at %s:%d); %s",
		callee.Name(), b.what, filepath.Base(pos.Filename), pos.Line, b.hint)
}

package greenletvet

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// Analyzer reports the misuses of greenlets described in the package
// documentation: a call handed, as the current greenlet, one other than the
// body's own (or any captured one on a goroutine), a discarded error of a
// blocking call, and a call that blocks the hub's OS thread inside a
// greenlet body. It has no facts and no flags, and analyzes each package on
// its own.
var Analyzer = &analysis.Analyzer{
	Name: "greenletvet",
	Doc:  doc,
	URL:  "https://pkg.go.dev/github.com/gevent-go/gevent/greenletvet",
	Run:  run,
}

const doc = `check the use of gevent-go greenlets

greenletvet reports, in code using github.com/gevent-go/gevent/greenlet:
a call inside a greenlet body passed, as the current greenlet, one other
than the body's own (such as the main greenlet captured from Run's body),
or passed a captured greenlet on a goroutine; a
discarded error of a blocking call (it swallows a kill or a timeout); and
a call inside a greenlet body that blocks the hub's OS thread (time.Sleep,
channel operations, sync locks, net and file I/O). A //greenletvet:ignore
comment silences its line.`

// scope is what the walk knows about the code it is in.
type scope struct {
	// body is the innermost greenlet body around the code (a FuncLit or a
	// FuncDecl), or nil outside bodies and in goroutines started by one.
	body ast.Node
	// own is the body's greenlet handle, its first parameter (nil if blank).
	own *types.Var
	// params are the body's greenlet-typed parameters.
	params map[*types.Var]bool
	// inComm is set inside the communication of a select case, whose channel
	// operation the select statement itself accounts for.
	inComm bool
	// goroutine is the function literal of the innermost go statement around
	// the code when no body is nearer: that code runs on a goroutine of its
	// own, where no greenlet captured from outside it is running.
	goroutine *ast.FuncLit
}

// checker walks one package.
type checker struct {
	reporter
	info *types.Info
	// helpers are the function literals called in place (directly, or
	// through the variable they are assigned to): shaped like a body, such a
	// literal still runs as part of the greenlet that calls it.
	helpers map[*ast.FuncLit]bool
	// excused are the statements whose discarded error is not reported (see
	// findExcused).
	excused map[ast.Stmt]bool
	// blockers are the functions of the package that block the OS thread
	// (see findBlockers).
	blockers map[*types.Func]blocker
	// spawned are the variables that only hold greenlets just created (see
	// findSpawned).
	spawned map[*types.Var]bool
	// offloaded are the function literals run on a goroutine by the blocking
	// offload (see markOffloaded).
	offloaded map[*ast.FuncLit]bool
}

func run(pass *analysis.Pass) (any, error) {
	c := &checker{
		reporter: reporter{pass: pass, ignored: ignoredLines(pass)},
		info:     pass.TypesInfo,
		helpers:  map[*ast.FuncLit]bool{},
		excused:  map[ast.Stmt]bool{},
		blockers: map[*types.Func]blocker{},
		spawned:  map[*types.Var]bool{},

		offloaded: map[*ast.FuncLit]bool{},
	}
	c.findBlockers(pass.Files)
	for _, f := range pass.Files {
		c.findHelpers(f)
		c.findExcused(f)
		c.findSpawned(f)
	}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				c.walk(d, scope{})
				continue
			}
			sc := scope{}
			if obj, ok := c.info.Defs[fd.Name].(*types.Func); ok {
				sc = c.bodyScope(fd, obj.Type().(*types.Signature))
			}
			if fd.Body != nil {
				c.walk(fd.Body, sc)
			}
		}
	}
	return nil, nil
}

// findHelpers records the function literals of f that are called in place.
func (c *checker) findHelpers(f *ast.File) {
	lits := map[*types.Var][]*ast.FuncLit{}
	called := map[*types.Var]bool{}
	bind := func(lhs ast.Expr, rhs ast.Expr) {
		id, ok := lhs.(*ast.Ident)
		lit, isLit := ast.Unparen(rhs).(*ast.FuncLit)
		if !ok || !isLit {
			return
		}
		v, _ := c.info.ObjectOf(id).(*types.Var)
		if v != nil {
			lits[v] = append(lits[v], lit)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			switch fun := ast.Unparen(n.Fun).(type) {
			case *ast.FuncLit:
				c.helpers[fun] = true
			case *ast.Ident:
				if v, ok := c.info.Uses[fun].(*types.Var); ok {
					called[v] = true
				}
			}
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i := range n.Lhs {
					bind(n.Lhs[i], n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == len(n.Values) {
				for i := range n.Names {
					bind(n.Names[i], n.Values[i])
				}
			}
		}
		return true
	})
	for v := range called {
		for _, lit := range lits[v] {
			c.helpers[lit] = true
		}
	}
}

// bodyScope returns the scope of the function fn (a FuncLit or a FuncDecl)
// if it is a greenlet body, or the zero scope.
func (c *checker) bodyScope(fn ast.Node, sig *types.Signature) scope {
	own, ok := bodyHandle(sig)
	if !ok {
		return scope{}
	}
	sc := scope{body: fn, params: map[*types.Var]bool{}}
	if own.Name() != "" && own.Name() != "_" {
		sc.own = own
	}
	for i := 0; i < sig.Params().Len(); i++ {
		if p := sig.Params().At(i); isAnyGreenletPtr(p.Type()) {
			sc.params[p] = true
		}
	}
	return sc
}

// walk checks the code under root, which runs in scope sc.
func (c *checker) walk(root ast.Node, sc scope) {
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			if c.offloaded[n] {
				c.walk(n.Body, scope{goroutine: n})
				return false
			}
			inner := sc
			inner.inComm = false
			if sig, ok := c.info.TypeOf(n).(*types.Signature); ok && !c.helpers[n] {
				if bs := c.bodyScope(n, sig); bs.body != nil {
					inner = bs
				}
			}
			c.walk(n.Body, inner)
			return false
		case *ast.GoStmt:
			c.goStmt(n, sc)
			return false
		case *ast.SelectStmt:
			c.selectStmt(n, sc)
			return false
		case *ast.SendStmt:
			if sc.body != nil && !sc.inComm {
				c.report(n, "channel send blocks the hub's OS thread inside a greenlet body; %s", hintChan)
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && sc.body != nil && !sc.inComm {
				c.receive(n)
			}
		case *ast.RangeStmt:
			if sc.body != nil && isChan(c.info.TypeOf(n.X)) {
				c.report(n, "range over a channel blocks the hub's OS thread inside a greenlet body; %s", hintChan)
			}
		case *ast.CallExpr:
			c.markOffloaded(n)
			c.call(n, sc)
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok && !c.excused[n] {
				c.discarded(call)
			}
		case *ast.AssignStmt:
			if !c.excused[n] {
				c.assign(n.Lhs, n.Rhs)
			}
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, id := range n.Names {
				lhs[i] = id
			}
			c.assign(lhs, n.Values)
		}
		return true
	})
}

// goStmt walks a go statement: its arguments are evaluated in sc, but the
// function runs on a goroutine of its own, outside the body. Blocking the OS
// thread there is what a goroutine is for; passing it a greenlet as the
// current one is not.
func (c *checker) goStmt(n *ast.GoStmt, sc scope) {
	for _, a := range n.Call.Args {
		c.walk(a, sc)
	}
	switch fun := ast.Unparen(n.Call.Fun).(type) {
	case *ast.FuncLit:
		c.walk(fun.Body, scope{goroutine: fun})
		return
	case *ast.SelectorExpr:
		c.walk(fun.X, sc)
	}
	if gc, ok := classifyCall(c.info, n.Call); ok && !isNil(c.info, gc.cur) {
		c.report(gc.cur, "%s is started on a goroutine of its own but passed a greenlet as the current one; %s", gc.name, hintGoroutine)
	}
}

// hintGoroutine tells how a goroutine hands work to greenlets.
const hintGoroutine = "greenlet calls run in the greenlet they are passed, on its hub's thread: hand the work to the hub with (*hub.Hub).Post"

// fromGoroutine reports a call with a current-greenlet slot made on a
// goroutine and passed a greenlet variable declared outside it.
func (c *checker) fromGoroutine(call *ast.CallExpr, lit *ast.FuncLit) {
	gc, ok := classifyCall(c.info, call)
	if !ok {
		return
	}
	id, ok := ast.Unparen(gc.cur).(*ast.Ident)
	if !ok {
		return
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || !isAnyGreenletPtr(v.Type()) || lit.Pos() <= v.Pos() && v.Pos() < lit.End() {
		return
	}
	c.report(gc.cur, "%s is passed %s from a goroutine, where that greenlet is not running; %s", gc.name, v.Name(), hintGoroutine)
}

// selectStmt reports a select without a default case: the select as a
// whole blocks, not each of its channel operations.
func (c *checker) selectStmt(n *ast.SelectStmt, sc scope) {
	hasDefault := false
	for _, cl := range n.Body.List {
		if cl.(*ast.CommClause).Comm == nil {
			hasDefault = true
		}
	}
	if sc.body != nil && !hasDefault {
		c.report(n, "select without a default case blocks the hub's OS thread inside a greenlet body; %s", hintChan)
	}
	for _, cl := range n.Body.List {
		cc := cl.(*ast.CommClause)
		if cc.Comm != nil {
			comm := sc
			comm.inComm = true
			c.walk(cc.Comm, comm)
		}
		for _, s := range cc.Body {
			c.walk(s, sc)
		}
	}
}

// receive reports a channel receive, with the hint of time.Sleep for the
// receive of a timer channel made by time.After or time.Tick.
func (c *checker) receive(n *ast.UnaryExpr) {
	if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
		if fn, ok := c.info.Uses[calleeIdent(call)].(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "time" {
			c.report(n, "receiving from time.%s blocks the hub's OS thread inside a greenlet body; %s", fn.Name(), hintSleep)
			return
		}
	}
	c.report(n, "channel receive blocks the hub's OS thread inside a greenlet body; %s", hintChan)
}

// calleeIdent returns the identifier naming the function call calls, or nil.
func calleeIdent(call *ast.CallExpr) *ast.Ident {
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return fun
	case *ast.SelectorExpr:
		return fun.Sel
	}
	return nil
}

// call checks a call made in scope sc: the greenlet it passes as the current
// one, and whether it blocks the OS thread.
func (c *checker) call(call *ast.CallExpr, sc scope) {
	if sc.body == nil {
		if sc.goroutine != nil {
			c.fromGoroutine(call, sc.goroutine)
		}
		return
	}
	if bc, ok := classifyCall(c.info, call); ok {
		c.current(bc, sc)
	}
	if name, hint, ok := threadBlockingCall(c.info, call); ok {
		c.report(call, "%s blocks the hub's OS thread inside a greenlet body; %s", name, hint)
	} else {
		c.blockingHelper(call)
	}
}

// current reports a call whose current-greenlet slot holds a
// greenlet other than the innermost body's own: another parameter of the
// body, a variable declared outside it (a captured greenlet), or a local
// that only holds greenlets the body spawned. Other expressions (a field, a
// call) and other locals of the body are not judged.
func (c *checker) current(bc greenletCall, sc scope) {
	id, ok := ast.Unparen(bc.cur).(*ast.Ident)
	if !ok {
		return
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || v == sc.own || !isAnyGreenletPtr(v.Type()) {
		return
	}
	own := "its own greenlet (name the body's first parameter)"
	if sc.own != nil {
		own = "its own greenlet " + sc.own.Name()
	}
	switch {
	case sc.params[v]:
		c.report(bc.cur, "%s is passed %s as the current greenlet, but this body runs as %s", bc.name, v.Name(), own)
	case v.Pos() < sc.body.Pos() || v.Pos() >= sc.body.End():
		c.report(bc.cur, "%s is passed %s, a greenlet captured from outside this body, as the current greenlet; pass %s", bc.name, v.Name(), own)
	case c.spawned[v]:
		c.report(bc.cur, "%s is passed %s, a greenlet spawned by this body, as the current greenlet; pass %s", bc.name, v.Name(), own)
	}
}

// discarded reports a blocking call used as a statement, unless it passes
// nil as the current greenlet: with no greenlet to park the call cannot
// block, so its error is no kill or timeout.
func (c *checker) discarded(call *ast.CallExpr) {
	if bc, ok := classifyCall(c.info, call); ok && bc.blocks && !isNil(c.info, bc.cur) {
		c.reportDiscard(call, bc)
	}
}

// isNil reports whether e is the predeclared nil.
func isNil(info *types.Info, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	_, isNil := info.Uses[id].(*types.Nil)
	return isNil
}

// assign reports a blocking call whose error is assigned to the blank
// identifier.
func (c *checker) assign(lhs, rhs []ast.Expr) {
	switch {
	case len(rhs) == 1 && len(lhs) > 1:
		if call, ok := ast.Unparen(rhs[0]).(*ast.CallExpr); ok && isBlank(lhs[len(lhs)-1]) {
			c.discarded(call)
		}
	case len(lhs) == len(rhs):
		for i := range lhs {
			if call, ok := ast.Unparen(rhs[i]).(*ast.CallExpr); ok && isBlank(lhs[i]) {
				c.discarded(call)
			}
		}
	}
}

func (c *checker) reportDiscard(call *ast.CallExpr, bc greenletCall) {
	c.report(call, "the error of %s is discarded: kills and timeouts arrive as that error, so the greenlet goes on as if none had come; return or handle it", bc.name)
}

// isBlank reports whether e is the blank identifier.
func isBlank(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && id.Name == "_"
}

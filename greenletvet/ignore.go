package greenletvet

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// ignoreDirective silences every finding of greenletvet on one line.
const ignoreDirective = "//greenletvet:ignore"

// ignoredLines returns, per file name, the lines whose findings are
// silenced: the line of a directive that ends a line of code, or the line
// after a directive that stands alone on its line.
func ignoredLines(pass *analysis.Pass) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	for _, f := range pass.Files {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if c.Text != ignoreDirective && !strings.HasPrefix(c.Text, ignoreDirective+" ") {
					continue
				}
				pos := pass.Fset.Position(c.Slash)
				line := pos.Line
				if standsAlone(pass, pos) {
					line++
				}
				if out[pos.Filename] == nil {
					out[pos.Filename] = map[int]bool{}
				}
				out[pos.Filename][line] = true
			}
		}
	}
	return out
}

// standsAlone reports whether only blanks precede the comment at pos on its
// line.
func standsAlone(pass *analysis.Pass, pos token.Position) bool {
	src, err := pass.ReadFile(pos.Filename)
	if err != nil || pos.Offset > len(src) {
		return false
	}
	start := pos.Offset - (pos.Column - 1)
	return start >= 0 && strings.TrimSpace(string(src[start:pos.Offset])) == ""
}

// reporter reports findings except on silenced lines.
type reporter struct {
	pass    *analysis.Pass
	ignored map[string]map[int]bool
}

func (r *reporter) report(n ast.Node, format string, args ...any) {
	pos := r.pass.Fset.Position(n.Pos())
	if r.ignored[pos.Filename][pos.Line] {
		return
	}
	r.pass.Reportf(n.Pos(), format, args...)
}

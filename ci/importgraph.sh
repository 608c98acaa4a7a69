#!/usr/bin/env bash
# Checks the one-way import graph (docs/design.md, Layers): greenlet -> hub -> cgo -> csrc.
# hub never imports greenlet; cgo imports nothing of ours; only cgo imports "C" (in cgo builds).
set -uo pipefail
mod=$(go list -m)
rc=0
deps() { go list -deps "$@" 2>/dev/null | grep "^$mod/" ; }
if go list "./hub" >/dev/null 2>&1; then
	if deps ./hub | grep -q "^$mod/greenlet"; then echo "import graph: hub imports greenlet"; rc=1; fi
fi
if go list "./cgo" >/dev/null 2>&1; then
	other=$(deps ./cgo | grep -v "^$mod/cgo$")
	if [ -n "$other" ]; then echo "import graph: cgo imports $other"; rc=1; fi
fi
# Only the cgo package may use cgo.
for p in $(go list ./... 2>/dev/null); do
	[ "$p" = "$mod/cgo" ] && continue
	files=$(go list -f '{{join .CgoFiles " "}}' "$p")
	if [ -n "$files" ]; then echo "import graph: $p imports \"C\" ($files)"; rc=1; fi
done
[ $rc -eq 0 ] && echo "import graph: ok"
exit $rc

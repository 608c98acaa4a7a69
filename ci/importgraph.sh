#!/usr/bin/env bash
# Checks the one-way import graph (docs/design.md, Layers): socket -> greenlet -> hub -> internal/sched -> cgo -> csrc
# (greenlet also imports internal/sched, the scheduler it drives).
# hub never imports greenlet; internal/sched imports neither (it is the scheduler under both); cgo imports
# nothing of ours; the runtime never imports the checker or greenlettest; only cgo imports "C" (in cgo builds).
set -uo pipefail
# A go list that fails is a failure of the check, never a silent pass.
fail() { echo "import graph: $*" >&2; exit 1; }
mod=$(go list -m) || fail "go list -m failed"
rc=0
deps() { go list -deps "$@" || fail "go list -deps $* failed"; }
if [ -d hub ]; then
	d=$(deps ./hub) || exit 1
	if grep -q "^$mod/greenlet" <<<"$d"; then echo "import graph: hub imports greenlet"; rc=1; fi
fi
if [ -d internal/sched ]; then
	d=$(deps ./internal/sched) || exit 1
	up=$(grep -E "^$mod/(hub|greenlet)$" <<<"$d")
	if [ -n "$up" ]; then echo "import graph: internal/sched imports $up"; rc=1; fi
fi
if [ -d cgo ]; then
	d=$(deps ./cgo) || exit 1
	other=$(grep "^$mod/" <<<"$d" | grep -v "^$mod/cgo$")
	if [ -n "$other" ]; then echo "import graph: cgo imports $other"; rc=1; fi
fi
# The checker (greenletvet, cmd/greenletvet) sits beside the spine: the runtime never imports it.
if [ -d greenletvet ]; then
	d=$(deps ./greenlet ./hub ./internal/...) || exit 1
	if grep -q "^$mod/greenletvet$" <<<"$d"; then echo "import graph: the runtime imports greenletvet"; rc=1; fi
fi
# greenlettest imports testing: the runtime never imports it either.
if [ -d greenlettest ]; then
	d=$(deps ./greenlet ./hub ./internal/...) || exit 1
	if grep -q "^$mod/greenlettest$" <<<"$d"; then echo "import graph: the runtime imports greenlettest"; rc=1; fi
fi
# socket sits on top of greenlet: the runtime never imports it.
if [ -d socket ]; then
	d=$(deps ./greenlet ./hub ./internal/...) || exit 1
	if grep -q "^$mod/socket$" <<<"$d"; then echo "import graph: the runtime imports socket"; rc=1; fi
fi
# Only the cgo package may use cgo.
pkgs=$(go list ./...) || fail "go list ./... failed"
for p in $pkgs; do
	[ "$p" = "$mod/cgo" ] && continue
	files=$(go list -f '{{join .CgoFiles " "}}' "$p") || fail "go list $p failed"
	if [ -n "$files" ]; then echo "import graph: $p imports \"C\" ($files)"; rc=1; fi
done
[ $rc -eq 0 ] && echo "import graph: ok"
exit $rc

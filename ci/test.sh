#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what is missing, then the C core's
# tests (plain, ASan+UBSan, the ucontext fallback, valgrind), the Go checks (gofmt, vet, the import
# graph), `go test -race` on each core, and the pure-Go build with CGO_ENABLED=0.
# Every step runs even after a failure; the last line counts the steps; the exit status is
# non-zero if any step failed.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
# shellcheck source=ci/setup.sh
source ci/setup.sh || { echo "setup failed"; exit 1; }
set +e

passed=0
failed=0
failures=()
step() {
	local name=$1; shift
	echo
	echo "=== step: $name"
	local t0=$SECONDS
	if "$@"; then
		passed=$((passed + 1))
		echo "=== ok: $name ($((SECONDS - t0)) s)"
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "=== FAILED: $name ($((SECONDS - t0)) s)"
	fi
}

have_go_pkgs() { [ -n "$(go list ./... 2>/dev/null)" ]; }

c_tests() { make -C csrc test; }

go_static() {
	local bad
	bad=$(gofmt -l $(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go') 2>/dev/null)
	if [ -n "$bad" ]; then echo "gofmt would change:"; echo "$bad"; return 1; fi
	go vet ./... || return 1
	bash ci/importgraph.sh
}

go_race() { GEVENT_CORE=$1 go test -race -count=1 -timeout 15m ./...; }

go_pure() { CGO_ENABLED=0 GEVENT_CORE=go go test -count=1 -timeout 15m ./...; }

# cgo on, but the purego tag leaves the C core out: the pure-Go core must stand alone there too.
go_purego_tag() { GEVENT_CORE=go go test -tags purego -count=1 -timeout 15m ./...; }

bench_unit() { (cd bench && go vet ./... && go test -count=1 ./...); }

bench_quick() { bash ci/bench.sh -quick; }

[ -f csrc/Makefile ] && step "C core: make -C csrc test" c_tests
if have_go_pkgs; then
	step "Go: gofmt, go vet, import graph" go_static
	step "Go: go test -race (GEVENT_CORE=go)" go_race go
	# The C core joins the Go API through cgo/; until that package exists there is no C loop to test.
	[ -d cgo ] && step "Go: go test -race (GEVENT_CORE=c)" go_race c
	step "Go: CGO_ENABLED=0 go test" go_pure
	step "Go: go test -tags purego" go_purego_tag
fi
[ -f bench/go.mod ] && step "bench: go vet, go test (its own module)" bench_unit
[ -d bench ] && step "bench: quick run (proves the command works; asserts no speed)" bench_quick

echo
if [ "$failed" -gt 0 ]; then
	printf 'failed step: %s\n' "${failures[@]}"
fi
echo "ci: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

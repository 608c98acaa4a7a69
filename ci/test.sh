#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what is missing, then the C core's
# tests (plain, ASan+UBSan, the ucontext fallback, valgrind), the Go checks (gofmt, vet, the import
# graph), `go test -race` on each core, and the pure-Go build with CGO_ENABLED=0.
# Every step runs even after a failure, under a time limit (a hang fails the step instead of
# running forever); go test's own -timeout ends a hung package earlier, printing its goroutines.
# A lane that a step skips for a missing tool is counted as skipped, never as passed. The last line
# counts them: "ci: N passed, N failed, N skipped"; the exit status is non-zero if any step failed.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
# shellcheck source=ci/setup.sh
source ci/setup.sh || { echo "setup failed"; exit 1; }
set +e

# Time limits: a step's covers its whole command; go test's per package binary is shorter, so a
# hung package fails with its stacks printed before the step's limit kills everything.
c_limit=20m
go_limit=15m
go_pkg_timeout=8m
short_limit=10m

passed=0
failed=0
skipped=0
failures=()
skips=()
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# step NAME LIMIT FUNCTION ARGS...: runs the function in a child shell under timeout (which
# signals the whole process group, so make's and go's children end too), shows its output and
# keeps it in $out for count_skips.
step() {
	local name=$1 limit=$2
	shift 2
	echo
	echo "=== step: $name (time limit $limit)"
	local t0=$SECONDS rc
	timeout --kill-after=1m "$limit" bash -c '"$@"' step "$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "=== ok: $name ($((SECONDS - t0)) s)"
	else
		failed=$((failed + 1))
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			failures+=("$name (time limit $limit reached)")
			echo "=== FAILED: $name: time limit $limit reached ($((SECONDS - t0)) s)"
		else
			failures+=("$name")
			echo "=== FAILED: $name (exit $rc, $((SECONDS - t0)) s)"
		fi
	fi
	count_skips "$name"
}

# count_skips NAME: a lane the step left out for a missing tool, as its output says (the Makefile's
# "== LANE: skipped (why) ==", the benchmark's "real gevent is not measured: why", bench.sh's note
# that a quick run ignored a failed `make -C csrc bench`), counts as skipped.
count_skips() {
	local line
	while IFS= read -r line; do
		skipped=$((skipped + 1))
		skips+=("$1: $line")
		echo "=== skipped: $line"
	done < <(grep -E '^== .*: skipped|real gevent is not measured:|exited with status .* going on' "$out" |
		sed -E 's/^== (.*) ==$/\1/')
}

c_tests() { make -C csrc test; }

go_list() {
	local pkgs
	pkgs=$(go list ./...) || { echo "go list ./... failed: the Go steps below cannot be trusted"; return 1; }
	[ -n "$pkgs" ] || { echo "go list ./... found no package"; return 1; }
	echo "go list ./...: $(wc -l <<<"$pkgs") packages"
}

go_static() {
	local bad
	bad=$(gofmt -l $(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go') 2>&1)
	if [ -n "$bad" ]; then echo "gofmt would change (or failed on):"; echo "$bad"; return 1; fi
	go vet ./... || return 1
	bash ci/importgraph.sh
}

go_race() { GEVENT_CORE=$1 go test -race -count=1 -timeout "$go_pkg_timeout" ./...; }

go_pure() { CGO_ENABLED=0 GEVENT_CORE=go go test -count=1 -timeout "$go_pkg_timeout" ./...; }

# cgo on, but the purego tag leaves the C core out: the pure-Go core must stand alone there too.
go_purego_tag() { GEVENT_CORE=go go test -tags purego -count=1 -timeout "$go_pkg_timeout" ./...; }

# The analyzer that users are told to run, over the project's own examples.
go_greenletvet() { bash ci/greenletvet.sh ./greenlet/ ./hub/ ./internal/sched/ ./greenlettest/ ./examples/...; }

bench_unit() { (cd bench && go vet ./... && go test -count=1 -timeout "$go_pkg_timeout" ./...); }

bench_quick() { bash ci/bench.sh -quick; }

export go_pkg_timeout
export -f c_tests go_list go_static go_greenletvet go_race go_pure go_purego_tag bench_unit bench_quick

[ -f csrc/Makefile ] && step "C core: make -C csrc test" "$c_limit" c_tests
if [ -f go.mod ]; then
	# A failed go list is a failed step; the Go steps still run and fail loudly on their own.
	step "Go: go list ./..." "$short_limit" go_list
	step "Go: gofmt, go vet, import graph" "$short_limit" go_static
	step "Go: greenletvet over the examples" "$short_limit" go_greenletvet
	step "Go: go test -race (GEVENT_CORE=go)" "$go_limit" go_race go
	# The C core joins the Go API through cgo/; until that package exists there is no C loop to test.
	[ -d cgo ] && step "Go: go test -race (GEVENT_CORE=c)" "$go_limit" go_race c
	step "Go: CGO_ENABLED=0 go test" "$go_limit" go_pure
	step "Go: go test -tags purego" "$go_limit" go_purego_tag
fi
[ -f bench/go.mod ] && step "bench: go vet, go test (its own module)" "$short_limit" bench_unit
[ -d bench ] && step "bench: quick run (proves the command works; asserts no speed)" "$short_limit" bench_quick

echo
if [ "$failed" -gt 0 ]; then
	printf 'failed step: %s\n' "${failures[@]}"
fi
if [ "$skipped" -gt 0 ]; then
	printf 'skipped lane: %s\n' "${skips[@]}"
fi
echo "ci: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

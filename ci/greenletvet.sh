#!/usr/bin/env bash
# Runs the greenletvet analyzer (cmd/greenletvet) under go vet over the project's own greenlet code,
# test files and examples included: the examples are what users copy, so they must pass the checker
# they are told to run. Packages default to ./greenlet/ ./hub/ ./internal/sched/; pass others as arguments.
# Exits non-zero if the build fails or greenletvet reports anything in an example.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! go build -o "$tmp/greenletvet" ./cmd/greenletvet; then
	echo "greenletvet: build failed"
	exit 1
fi
[ $# -gt 0 ] || set -- ./greenlet/ ./hub/ ./internal/sched/
# The gate is the examples (example*_test.go, and the programs under examples/): they are what
# users copy. Findings elsewhere (the
# tests' deliberate misuse, benchmarks) are printed for information and do not fail the step.
# GREENLETVET_ALL=1 makes every finding fail.
out=$(go vet -vettool="$tmp/greenletvet" "$@" 2>&1)
rc=$?
if [ $rc -ne 0 ] && ! grep -q '\.go:[0-9]*:[0-9]*: ' <<<"$out"; then
	echo "$out"
	echo "greenletvet: go vet failed without findings (a build error?)"
	exit 1
fi
if [ -n "${GREENLETVET_ALL:-}" ]; then gate=$(grep '\.go:[0-9]*:[0-9]*: ' <<<"$out"); else gate=$(grep -E '(/example[^/]*_test\.go|(^|/)examples/[^:]*\.go):[0-9]+:[0-9]+: ' <<<"$out"); fi
others=$(grep '\.go:[0-9]*:[0-9]*: ' <<<"$out" | grep -vxF -f <(printf '%s\n' "$gate") || true)
if [ -n "$others" ]; then
	echo "greenletvet: $(wc -l <<<"$others") finding(s) outside the examples (information only):"
	echo "$others" | sed 's/^/    /'
fi
if [ -n "$gate" ]; then
	echo "$gate"
	echo "greenletvet: findings in the examples above (silence a deliberate one with //greenletvet:ignore <reason>)"
	exit 1
fi
echo "greenletvet: ok (examples clean)"
exit 0

#!/usr/bin/env bash
# Runs the greenletvet analyzer (cmd/greenletvet) under go vet over the project's own greenlet code,
# test files and examples included: the examples are what users copy, so they must pass the checker
# they are told to run. Packages default to ./greenlet/ ./hub/; pass others as arguments.
# Exits non-zero if the build fails or greenletvet reports anything.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! go build -o "$tmp/greenletvet" ./cmd/greenletvet; then
	echo "greenletvet: build failed"
	exit 1
fi
[ $# -gt 0 ] || set -- ./greenlet/ ./hub/
if go vet -vettool="$tmp/greenletvet" "$@"; then
	echo "greenletvet: ok"
	exit 0
fi
echo "greenletvet: findings above (silence a deliberate one with //greenletvet:ignore <reason>)"
exit 1

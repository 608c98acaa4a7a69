#!/usr/bin/env bash
# The main job: the benchmark comparison. Installs what is missing, runs the C core's perf programs
# (our switch beside boost.context and glibc swapcontext; the C hub) when csrc/ has a Makefile, then
# the comparison command bench/cmd/gevent-bench, which measures every workload on goroutines, a
# bare iter.Pull, our cores and real gevent, folds the C output into its report, prints the report
# and writes it to bench/results/.
#   bash ci/bench.sh            full run (under 10 minutes on 2 cores)
#   bash ci/bench.sh -quick     short pass that only proves the command works (under a minute)
# Any other argument goes to the command (e.g. -only switch,sleep0; see go run ./cmd/gevent-bench -h).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
# shellcheck source=ci/setup.sh
source ci/setup.sh
quick=""
args=()
for a in "$@"; do
	if [ "$a" = "-quick" ]; then quick=1; else args+=("$a"); fi
done

csrc_out=""
csrc_rc=0
if [ -f csrc/Makefile ]; then
	csrc_out=$(mktemp)
	trap 'rm -f "$csrc_out"' EXIT
	make_args=(--no-print-directory -C csrc bench)
	# QUICK=1 shortens the C perf programs (make puts it in their environment), where they know it.
	if [ -n "$quick" ] && grep -qs 'QUICK' csrc/Makefile csrc/bench/*.c; then make_args+=(QUICK=1); fi
	echo "bench: make ${make_args[*]}" >&2
	# The build and the perf tables go to stderr; the report (stdout) quotes the tables without the build.
	make "${make_args[@]}" 2>&1 | tee "$csrc_out" >&2 || csrc_rc=$?
	if [ "$csrc_rc" -ne 0 ]; then
		echo "bench: make -C csrc bench exited with status $csrc_rc (a budget FAIL or a build failure: see above); going on with the Go comparison" >&2
	fi
fi

cd bench
go mod download
# go run links without DWARF by default; keeping it lets cgosymbolizer give C frames file:line.
go run -ldflags="-s=false -w=false" ./cmd/gevent-bench ${quick:+-quick} ${csrc_out:+-csrc "$csrc_out"} ${args[@]+"${args[@]}"}
# A quick run proves the commands work and asserts nothing about speed, and the C perf programs
# exit non-zero on a missed budget: only a full run passes their status on. (The C core's
# correctness is ci/test.sh's job: make -C csrc test.)
if [ -z "$quick" ] && [ "$csrc_rc" -ne 0 ]; then
	echo "bench: exiting with the status of make -C csrc bench ($csrc_rc); the report above is complete" >&2
	exit "$csrc_rc"
fi

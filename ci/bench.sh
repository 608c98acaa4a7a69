#!/usr/bin/env bash
# The main job: the benchmark comparison. Installs what is missing, then runs the C core's perf
# programs (our switch beside boost.context and glibc swapcontext). With -quick it runs a short
# pass that only proves the command works.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
# shellcheck source=ci/setup.sh
source ci/setup.sh
quick=""
[ "${1:-}" = "-quick" ] && quick=1
make -C csrc bench ${quick:+QUICK=1}

#!/usr/bin/env bash
# Installs what the tests and the benchmark need on a fresh Debian machine of this project's
# kind, and nothing that is already there. Safe to run again and again.
set -euo pipefail

# Debian packages: the C toolchain, libev (linked with -lev: Debian ships no libev.pc), cmocka for
# the C unit tests, valgrind, boost.context (linked only by the switch benchmark), gevent and SimPy
# (only driven by the comparison benchmark); an AArch64 cross compiler and qemu-user so that the
# arm64 context switch is built and run too, not only read.
pkgs=(gcc make libc6-dev libev-dev libcmocka-dev valgrind libboost-context-dev python3-gevent python3-simpy3
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	# Time limits: a stuck mirror or lock fails the setup instead of hanging it.
	timeout --kill-after=1m 10m $sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive timeout --kill-after=1m 20m \
		$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go: the image ships it in /usr/local/go; a login shell may not have it on PATH.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "setup: no Go toolchain found (expected /usr/local/go)" >&2; exit 1; }

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
(cd "$top" && timeout --kill-after=1m 10m go mod download)

#!/usr/bin/env bash
# build.sh BUILD_DIR [cmake args...]: configures and builds with warnings as
# errors. The tools land in BUILD_DIR/bin.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: build.sh BUILD_DIR [cmake args]}
shift
cmake -S "$root" -B "$dir" -DFX_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"

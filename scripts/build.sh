#!/usr/bin/env bash
# Configures and builds orauditd into build/ (or $BUILD_DIR). Arguments are
# passed to cmake's configure step; $TARGETS, when set, limits what is built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  "$@" >/dev/null
target_args=()
for target in ${TARGETS:-}; do target_args+=(--target "$target"); done
cmake --build "$build_dir" --parallel "$(nproc)" "${target_args[@]}"

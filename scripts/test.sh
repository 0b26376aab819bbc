#!/usr/bin/env bash
# The one command that takes a fresh Debian 12 machine to a tested build:
# installs what is missing, builds, and runs every test suite (unit and
# integration; the soak label runs in its short form).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

(cd "${BUILD_DIR:-$root/build}" && ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@")

# Informational: systemd-analyze verify and security on the units (needs no
# running systemd); never fails the run.
"$root/scripts/check-units.sh" || echo "check-units: see above (informational)"

# The record parser's libFuzzer target, built with clang in build-fuzz and
# run for a bounded 30 seconds.
"$root/scripts/fuzz.sh" 30

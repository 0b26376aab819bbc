#!/usr/bin/env bash
# Builds the record parser's libFuzzer target with clang (in build-fuzz, or
# $FUZZ_BUILD_DIR) and runs it for a bounded time: 60 seconds, or the number
# of seconds given as the first argument. New interesting inputs are kept in
# <build>/fuzz/corpus for the next run; a crash is written to
# <build>/fuzz/artifacts and makes this script fail.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
build_dir="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
case "$seconds" in
  ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac

mkdir -p "$build_dir"
CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -G Ninja \
  -DORAUDITD_FUZZ=ON -DORAUDITD_BUILD_TESTS=OFF > "$build_dir/configure.log" 2>&1 ||
  { cat "$build_dir/configure.log" >&2; exit 1; }
cmake --build "$build_dir" --target record_parser_fuzzer

fuzz="$build_dir/fuzz"
log="$fuzz/last-run.log"
echo "fuzz: running record_parser_fuzzer for ${seconds}s (output in $log)"
# The run's output (thousands of lines: the dictionary, each new input) goes
# to the log; its end is shown, and all of it when the run fails.
if "$fuzz/record_parser_fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
  -dict="$root/fuzz/record.dict" -artifact_prefix="$fuzz/artifacts/" \
  "$fuzz/corpus" "$fuzz/seeds" > "$log" 2>&1; then
  grep -E '^(Done|stat::)' "$log" || tail -n 5 "$log"
else
  status=$?
  cat "$log" >&2
  echo "fuzz: record_parser_fuzzer failed (exit $status); inputs in $fuzz/artifacts/" >&2
  exit "$status"
fi

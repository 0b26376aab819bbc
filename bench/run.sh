#!/bin/sh
# Builds a Release tree in build-bench/ and runs the intake, lookup, sink,
# queue and end-to-end benchmarks, printing their tables: what each stage
# costs alone, then all of them together. They start the real daemon and
# the fake OpenRouter as child processes on a Unix socket and 127.0.0.1 in
# a scratch folder under ${TMPDIR:-/tmp}, and stop them at the end; nothing
# talks to any other host.
#
#   bench/run.sh                     # everything, default sizes (about 7 minutes)
#   bench/run.sh --quick             # small sizes, one run each: a smoke test
#   INTAKE_ARGS="--runs 5" E2E_ARGS="--records 200000" bench/run.sh
#
# The figures depend on the machine and on what else runs on it: the load
# average is printed at the start, and beside the intake, lookup and
# end-to-end figures.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-bench"

intake_args=${INTAKE_ARGS:-}
lookup_args=${LOOKUP_ARGS:-}
sink_rows=${SINK_ROWS:-200000}
queue_pending=${QUEUE_PENDING:-100000}
e2e_args=${E2E_ARGS:-}
if [ "${1:-}" = "--quick" ]; then
  intake_args="--records 20000 --paced-records 20000 --runs 1 $intake_args"
  lookup_args="--lookups 20000 --runs 1 $lookup_args"
  sink_rows=20000
  queue_pending=20000
  e2e_args="--records 10000 --slow-records 1280 --runs 1 --inline-seconds 10 $e2e_args"
elif [ $# -gt 0 ]; then
  echo "usage: bench/run.sh [--quick]" >&2
  exit 2
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target intake_bench lookup_bench sink_bench queue_bench e2e_bench \
  orauditd fake_openrouter

echo
when=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "== $(uname -srm), $(nproc) cores, $when, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
# shellcheck disable=SC2086  # the argument strings are meant to split
"$build/bench/intake_bench" $intake_args
echo
# shellcheck disable=SC2086
"$build/bench/lookup_bench" $lookup_args
echo
"$build/bench/sink_bench" "$sink_rows"
echo
"$build/bench/queue_bench" --pending "$queue_pending" --skip-daemon
echo
# shellcheck disable=SC2086
"$build/bench/e2e_bench" $e2e_args

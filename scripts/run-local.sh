#!/usr/bin/env bash
# Runs orauditd in the foreground from this checkout, with every file under
# ./var/. Without OPENROUTER_API_KEY it also starts the bundled fake
# OpenRouter and points the daemon at it, and drops the sample records of
# examples/ into the spool directory, so they turn into rows at once. Ctrl-C
# stops everything. A second run while one is going refuses to start and
# says how to stop the first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build_dir="${BUILD_DIR:-$root/build}"
socket=var/run/intake.sock
queue_lock=var/data/queue/LOCK

# Something accepts connections on the intake socket (a stale socket file
# left by a killed run does not count: connecting to it is refused).
socket_answers() {
  [ -S "$socket" ] && timeout 2 socat -u /dev/null "UNIX-CONNECT:$socket" 2>/dev/null
}

# The pid of the orauditd that holds the queue's RocksDB lock, if one does.
# RocksDB takes a POSIX lock, which /proc/locks lists by inode; the lock
# also catches a daemon that is still starting and has no socket yet.
queue_lock_holder() {
  [ -e "$queue_lock" ] || return 0
  local inode pid
  inode="$(stat -c %i "$queue_lock")"
  for pid in $(awk -v inode="$inode" \
      '$2 == "POSIX" { n = split($6, id, ":"); if (id[n] == inode) print $5 }' /proc/locks); do
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = orauditd ]; then echo "$pid"; return 0; fi
  done
}

"$root/scripts/install-deps.sh"

# Before any file is touched: a second daemon could not open the queue, and
# rewriting var/orauditd.yaml would point the running one's config at a
# fake OpenRouter that this run then stops.
holder="$(queue_lock_holder)"
found="${holder:+pid $holder holds $queue_lock}"
if socket_answers; then found="${found:+$found; }$socket answers"; fi
if [ -n "$found" ]; then
  echo "run-local: orauditd is already running from this checkout ($found)." >&2
  echo "run-local: stop it with Ctrl-C where it runs${holder:+ (or: kill -TERM $holder)}," \
    "then start this again." >&2
  exit 1
fi

TARGETS="orauditd orauditctl fake_openrouter" "$root/scripts/build.sh"

mkdir -p var/run var/spool
config="etc/orauditd.local.yaml"
fake_pid=""
cleanup() {
  if [ -n "${daemon_pid:-}" ]; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ -n "$fake_pid" ]; then kill -TERM "$fake_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 0' INT TERM

if [ -z "${OPENROUTER_API_KEY:-}" ]; then
  rm -f var/fake.port
  fake="$build_dir/tests/fake_openrouter/fake_openrouter"
  "$fake" --listen 127.0.0.1:0 --port-file var/fake.port \
    --key local-fake-key --script examples/fake-script.json --quiet &
  fake_pid=$!
  for _ in $(seq 50); do [ -s var/fake.port ] && break; sleep 0.1; done
  port="$(cat var/fake.port)"
  sed "s#base_url: .*#base_url: http://127.0.0.1:${port}/api/v1#" "$config" > var/orauditd.yaml
  config="var/orauditd.yaml"
  export OPENROUTER_API_KEY=local-fake-key
  echo "run-local: OPENROUTER_API_KEY is unset: using the fake OpenRouter on 127.0.0.1:${port}"
fi

"$build_dir/orauditd" --config "$config" &
daemon_pid=$!
for _ in $(seq 100); do
  kill -0 "$daemon_pid" 2>/dev/null || break
  socket_answers && break
  sleep 0.1
done
if ! kill -0 "$daemon_pid" 2>/dev/null; then
  daemon_status=0
  wait "$daemon_pid" || daemon_status=$?
  daemon_pid=""
  echo "run-local: orauditd stopped at start-up (exit $daemon_status); its reason is above" >&2
  exit $((daemon_status == 0 ? 1 : daemon_status))
fi

if [ -n "$fake_pid" ]; then
  # As applications do: written under a temporary name, then renamed into
  # incoming/, so the daemon never reads half a file. A name of its own per
  # run, since lines are told apart by file name and line number.
  spool_name="records-$(date +%Y%m%dT%H%M%S).jsonl"
  mkdir -p var/spool/incoming
  cp examples/records.jsonl "var/spool/incoming/.$spool_name.tmp"
  mv "var/spool/incoming/.$spool_name.tmp" "var/spool/incoming/$spool_name"
  cat <<MSG

run-local: the sample records of examples/records.jsonl were dropped into the spool
(var/spool/incoming/$spool_name); the file moves to var/spool/done/ once they are
stored, and their rows appear within a few seconds (one answers 404 twice first;
on a second run the same records are duplicates and add no rows). Look at them with:

  sqlite3 -header -column var/audit.db \\
    "SELECT seq, request_id, model_used, provider, total_cost, meta_status, attempts FROM audit_log"
  tail -f var/audit.jsonl

  $build_dir/orauditctl status --config var/orauditd.yaml

Send your own records:  $build_dir/orauditctl submit --socket var/run/intake.sock FILE
or drop a *.jsonl file into var/spool/incoming/ (write it under a .tmp name, then rename).
The client libraries of clients/ find this daemon with
  export ORAUDITD_SOCKET=$PWD/var/run/intake.sock ORAUDITD_SPOOL=$PWD/var/spool
Stop with Ctrl-C.
MSG
fi
wait "$daemon_pid"

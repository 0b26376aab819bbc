#!/usr/bin/env bash
# Checks the systemd units of this checkout: `systemd-analyze verify` (the
# units as shipped, with ExecStart= pointed at the built daemon, since the
# installed /usr/bin/orauditd may not exist here) and `systemd-analyze
# security --offline=true`, which must rate orauditd.service 2.0 or lower.
# Needs no running systemd. Exit 0 when both pass, 1 when one fails, 2 when
# systemd-analyze is not installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
max_exposure="2.0"

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "check-units: systemd-analyze not found (apt install systemd); skipped"
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

daemon="$build_dir/orauditd"
[ -x "$daemon" ] || daemon="$(command -v orauditd || echo /usr/bin/orauditd)"
sed "s#/usr/bin/orauditd#$daemon#" "$root/systemd/orauditd.service" >"$work/orauditd.service"
cp "$root/systemd/orauditd.socket" "$work/orauditd.socket"
# The man pages the units' Documentation= names, from this checkout.
mkdir -p "$work/man/man1" "$work/man/man8"
cp "$root/docs/man/orauditd.8" "$work/man/man8/"
cp "$root/docs/man/orauditctl.1" "$work/man/man1/"

status=0
echo "== systemd-analyze verify orauditd.service orauditd.socket"
if MANPATH="$work/man" systemd-analyze verify "$work/orauditd.service" "$work/orauditd.socket" \
    2>&1 | tee "$work/verify.log" && [ ! -s "$work/verify.log" ]; then
  echo "verify: ok"
else
  echo "verify: FAILED"
  status=1
fi

echo "== systemd-analyze security --offline=true orauditd.service"
systemd-analyze security --offline=true --no-pager "$work/orauditd.service" \
  >"$work/security.log" 2>&1 || true
grep -E '^✗' "$work/security.log" || true
overall="$(grep -o 'Overall exposure level for orauditd.service: [0-9.]*' "$work/security.log" |
  grep -o '[0-9.]*$' || true)"
if [ -z "$overall" ]; then
  cat "$work/security.log"
  echo "security: no rating (this systemd-analyze may not support --offline)"
  status=1
elif awk -v got="$overall" -v max="$max_exposure" 'BEGIN { exit !(got <= max) }'; then
  echo "security: exposure $overall (at most $max_exposure): ok"
else
  echo "security: exposure $overall is above $max_exposure: FAILED"
  status=1
fi
exit "$status"

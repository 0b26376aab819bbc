#!/usr/bin/env bash
# Builds the Debian package from a build tree with cpack and inspects it:
# control fields and dependencies (dpkg-deb -I), the file list (dpkg-deb -c),
# the maintainer scripts and conffiles, and the unpacked files themselves.
# Usage: check_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir="$1"
source_dir="$2"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_in() {  # expect_in TEXT PATTERN WHAT
  if ! grep -qE -- "$2" <<<"$1"; then fail "$3: no match for /$2/"; fi
}

cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 || {
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB failed"
  exit 1
}
deb="$(ls "$work"/out/*.deb)"
echo "package: $(basename "$deb")"

info="$(dpkg-deb -I "$deb")"
echo "$info" | grep -E '^ (Package|Version|Architecture|Section|Depends):'
expect_in "$info" '^ Package: orauditd$' "control"
expect_in "$info" "^ Architecture: $(dpkg --print-architecture)$" "control"
expect_in "$info" '^ Section: admin$' "control"
for dep in adduser libc6 libuv1 'libcurl4' 'librocksdb' 'libsqlite3-0' 'libyaml-cpp' 'libssl3'; do
  expect_in "$(grep '^ Depends:' <<<"$info")" "$dep" "Depends ($dep)"
done

contents="$(dpkg-deb -c "$deb")"
for path in ./usr/bin/orauditd ./usr/bin/orauditctl \
    ./usr/lib/systemd/system/orauditd.service ./usr/lib/systemd/system/orauditd.socket \
    ./usr/lib/tmpfiles.d/orauditd.conf ./etc/orauditd/orauditd.yaml \
    ./usr/share/man/man8/orauditd.8 ./usr/share/man/man1/orauditctl.1 \
    ./usr/share/doc/orauditd/operations.md ./usr/share/doc/orauditd/README.md; do
  expect_in "$contents" " ${path//./\\.}\$" "file list ($path)"
done
if grep -v ' root/root ' <<<"$contents" | grep -q .; then fail "files not owned by root/root"; fi
if grep -qE ' \./(usr/local|tmp|home)/' <<<"$contents"; then fail "files outside the package layout"; fi
expect_in "$(grep ' ./usr/bin/orauditd$' <<<"$contents")" '^-rwxr-xr-x' "orauditd mode"

dpkg-deb -e "$deb" "$work/control"
expect_in "$(cat "$work/control/conffiles")" '^/etc/orauditd/orauditd.yaml$' "conffiles"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "$script is missing or not executable"
  sh -n "$work/control/$script" || fail "$script: syntax error"
done
expect_in "$(cat "$work/control/postinst")" 'adduser --system' "postinst creates the user"
expect_in "$(cat "$work/control/postinst")" '/var/spool/orauditd' "postinst makes the spool"

dpkg-deb -x "$deb" "$work/root"
for unit in orauditd.service orauditd.socket; do
  cmp -s "$work/root/usr/lib/systemd/system/$unit" "$source_dir/systemd/$unit" ||
    fail "$unit differs from systemd/$unit"
done
cmp -s "$work/root/etc/orauditd/orauditd.yaml" "$source_dir/etc/orauditd.service.yaml" ||
  fail "/etc/orauditd/orauditd.yaml is not etc/orauditd.service.yaml"
"$work/root/usr/bin/orauditd" --version | grep -q '^orauditd ' || fail "orauditd --version"
"$work/root/usr/bin/orauditctl" --version | grep -q '^orauditctl ' || fail "orauditctl --version"
"$work/root/usr/bin/orauditd" --check-config --config "$work/root/etc/orauditd/orauditd.yaml" \
  >/dev/null || fail "the packaged config does not pass --check-config"
for page in man8/orauditd.8 man1/orauditctl.1; do
  warnings="$(groff -man -Tutf8 -ww -z "$work/root/usr/share/man/$page" 2>&1)"
  [ -z "$warnings" ] || fail "$page: groff warnings: $warnings"
done

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "package ok"

#!/usr/bin/env bash
# Installs the Debian 12 packages orauditd needs to build and test, skipping
# the apt run entirely when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libuv1-dev libcurl4-openssl-dev librocksdb-dev libsimdjson-dev libspdlog-dev
  libyaml-cpp-dev libsqlite3-dev libssl-dev libgtest-dev libgmock-dev
  sqlite3 python3 clang libclang-rt-14-dev
  dpkg-dev groff-base systemd
  # clients/: the Go and Node.js libraries, the shell example (socat, which
  # run-local.sh also uses to see whether a daemon is already running)
  golang-go nodejs socat
  # tests/fetcher: openssl makes the test certificates and serves TLS;
  # nghttpd is a local HTTP/2 server for the multiplexing tests
  openssl nghttp2-server
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

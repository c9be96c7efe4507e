#!/usr/bin/env bash
# Prints the path of a nats-server >= 2.10 (auth callout exists from 2.10 on).
# Usage: scripts/nats-server.sh [SUITE]   SUITE is a Debian suite: trixie (default,
# 2.10.x) or sid (the newest, 2.15.x; make test runs the server suites on both).
# Order: $NATS_SERVER, a nats-server on PATH (default suite only), the project's
# tools/ copy, and finally a download of Debian's package into tools/ (git-ignored).
# The system is never changed: apt runs with a private sources list, state and
# cache, and the package is unpacked with dpkg-deb, not installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/tools"
suite=${1:-trixie}
case "$suite" in trixie|sid|forky) ;; *) echo "nats-server.sh: unknown suite '$suite' (trixie, sid or forky)" >&2; exit 2;; esac
dest="$tools/nats-server"; [ "$suite" = trixie ] || dest="$tools/nats-server-$suite"
local_bin="$dest/usr/sbin/nats-server"

new_enough() {  # $1 = binary; true when its version is >= 2.10
  local v
  v=$("$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1) || return 1
  [ -n "$v" ] || return 1
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  [ "$major" -gt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -ge 10 ]; }
}

if [ -n "${NATS_SERVER:-}" ] && new_enough "$NATS_SERVER"; then echo "$NATS_SERVER"; exit 0; fi
if [ "$suite" = trixie ] && command -v nats-server >/dev/null 2>&1 && new_enough "$(command -v nats-server)"; then
  command -v nats-server; exit 0
fi
if [ -x "$local_bin" ] && new_enough "$local_bin"; then echo "$local_bin"; exit 0; fi

# The Debian mirror URI comes from the machine's own apt configuration.
uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | grep -i debian | head -1 || true)
if [ -z "$uri" ]; then
  uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -1 || true)
fi
if [ -z "$uri" ]; then
  echo "nats-server.sh: no nats-server >= 2.10 on PATH and no Debian mirror in /etc/apt to fetch one from;" >&2
  echo "  install nats-server 2.10+ yourself or set NATS_SERVER=/path/to/nats-server" >&2
  exit 1
fi

apt_dir="$tools/apt-$suite"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dest"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [signed-by=$keyring] $uri $suite main" > "$apt_dir/sources.list"
opts=(-o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache" -o APT::Get::List-Cleanup=0)
echo "nats-server.sh: fetching nats-server from Debian $suite into tools/ (one time)" >&2
apt-get -qq "${opts[@]}" update >&2
( cd "$apt_dir" && rm -f nats-server_*.deb && apt-get -qq "${opts[@]}" -o APT::Sandbox::User=root download nats-server >&2 )
dpkg-deb -x "$apt_dir"/nats-server_*.deb "$dest"
if ! new_enough "$local_bin"; then
  echo "nats-server.sh: the fetched nats-server is older than 2.10: $("$local_bin" --version)" >&2
  exit 1
fi
echo "$local_bin"

#!/usr/bin/env bash
# Makes sure Debian's chromium and chromium-driver are installed for the end-to-end
# tests (the tests drive them with Selenium; no browser is downloaded by a test tool).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then exit 0; fi
echo "browser.sh: installing Debian's chromium and chromium-driver (one time)" >&2
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "browser.sh: need root (or sudo) to apt-get install chromium chromium-driver" >&2; exit 1; }
  sudo_cmd="sudo"
fi
$sudo_cmd apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >&2

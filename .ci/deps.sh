#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Knock needs, only those missing.
#   .ci/deps.sh build   to build and run the window
#   .ci/deps.sh test    to run the tests as well
set -euo pipefail

build_pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev)
test_pkgs=(git xvfb xdotool imagemagick gnome-keyring dbus-x11 libsecret-tools x11-utils python3 python3-requests python3-requests-oauthlib curl)

want=("${build_pkgs[@]}")
if [ "${1:-build}" = test ]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "deps: missing packages ${missing[*]}, and this is not a Debian or Ubuntu system: install them by hand" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  sudo="sudo"
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null

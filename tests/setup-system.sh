#!/usr/bin/env bash
# Installs the Debian packages the test tiers need, only when missing (idempotent):
#  - chromium: the real browser for end-to-end tests (SwiftShader WebGPU adapter)
#  - Mesa >= 25 lavapipe from bookworm-backports: the Vulkan device behind the `webgpu` npm package in Node
# Fails loudly when it cannot install: a tier that cannot run must not be skipped.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

need_chromium=0
[ -x /usr/bin/chromium ] || need_chromium=1

lavapipe_ok() {
  # Debian 12's own Mesa 22 is rejected by Dawn; we need the backports build (>= 25).
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -n "$v" ] && dpkg --compare-versions "$v" ge 25 && [ -e /usr/lib/x86_64-linux-gnu/libvulkan.so.1 ]
}
need_mesa=0
lavapipe_ok || need_mesa=1

if [ "$need_chromium" = 0 ] && [ "$need_mesa" = 0 ]; then
  echo "[setup-system] chromium and Mesa lavapipe already installed"
  exit 0
fi

if [ "$need_mesa" = 1 ] && [ ! -f /etc/apt/sources.list.d/backports.sources ]; then
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    | $SUDO tee /etc/apt/sources.list.d/backports.sources >/dev/null
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
if [ "$need_chromium" = 1 ]; then
  $SUDO apt-get install -y -q chromium
fi
if [ "$need_mesa" = 1 ]; then
  $SUDO apt-get install -y -q libvulkan1
  $SUDO apt-get install -y -q -t bookworm-backports mesa-vulkan-drivers
fi
lavapipe_ok || { echo "[setup-system] FAILED: Mesa lavapipe >= 25 not installed" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "[setup-system] FAILED: /usr/bin/chromium missing" >&2; exit 1; }
echo "[setup-system] ok"

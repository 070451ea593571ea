#!/usr/bin/env bash
# End-to-end browser tests of the workbench and reports.
#
# Builds the release binary, starts `demarche serve` on a free loopback port
# with an isolated run store, runs the node tests in headless Chromium, and
# stops the server. Installs Debian's chromium and the pinned playwright-core
# only when missing. DEMARCHE_BIN=path skips the build (to test a given binary);
# DEMARCHE_ARTIFACTS=dir keeps screenshots.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

skip() {
  echo "browser tests: SKIPPED — $1" >&2
  exit 0
}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  skip "no Node.js and npm (install Node ≥ 20 to run them)"
fi
if ! command -v chromium >/dev/null 2>&1; then
  # Debian's chromium, through the system package manager: as root directly,
  # otherwise with sudo when it needs no password; else say how.
  if [ "$(id -u)" = 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo -n); else
    skip "no chromium, and installing it needs root (run: sudo apt-get install chromium)"
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    skip "no chromium and no apt-get to install it (install Chromium, then run again)"
  fi
  echo "browser tests: installing Debian's chromium with apt-get (about 120 packages)" >&2
  "${as_root[@]}" apt-get update -qq || skip "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >/dev/null || skip "apt-get install chromium failed"
fi
if [ ! -f "$here/node_modules/playwright-core/package.json" ] || [ ! -f "$here/node_modules/axe-core/axe.min.js" ]; then
  echo "browser tests: npm ci (playwright-core and axe-core, pinned)" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || skip "npm ci failed (no registry access?)"
fi

if [ -z "${DEMARCHE_BIN:-}" ]; then
  (cd "$root" && cargo build --release -p demarche-cli --bin demarche)
  DEMARCHE_BIN="${CARGO_TARGET_DIR:-$root/target}/release/demarche"
fi
export DEMARCHE_BIN

work="$(mktemp -d)"
export DEMARCHE_STORE="$work/runs.sqlite"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Port 0: the server picks a free port and prints its URL.
"$DEMARCHE_BIN" serve --port 0 --store "$DEMARCHE_STORE" >"$work/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 200); do
  url="$(sed -n 's|^demarche workbench on \(http://[^ /]*\)/.*$|\1|p' "$work/server.log" | head -n 1)"
  [ -n "$url" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server did not start:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "the server printed no URL in 20 s:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
case "$url" in
  http://127.0.0.1:*) ;;
  *) echo "the server is not on loopback: $url" >&2; exit 1 ;;
esac
export DEMARCHE_URL="$url"
DEMARCHE_TOKEN="$(sed -n 's|^demarche workbench on http://[^ ]*?token=\([0-9a-f]*\).*$|\1|p' "$work/server.log" | head -n 1)"
if [ -z "$DEMARCHE_TOKEN" ]; then
  echo "the server printed no access token:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
export DEMARCHE_TOKEN

cd "$here"
node --test --test-concurrency=1 workbench.test.mjs report.test.mjs

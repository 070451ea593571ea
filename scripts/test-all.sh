#!/usr/bin/env bash
# Runs every test demarche has: the Rust workspace (unit, golden, property,
# CLI and snapshot tests) and, when present, the browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEMARCHE_STORE="${DEMARCHE_STORE:-$(mktemp -d)/runs.sqlite}"
cargo test --workspace --locked
if [ -f tests/browser/run.sh ]; then
  bash tests/browser/run.sh
fi

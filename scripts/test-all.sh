#!/usr/bin/env bash
# Runs every test demarche has: the Rust workspace (unit, golden, property,
# CLI and snapshot tests), the Python package's tests on its built wheel, and
# the browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEMARCHE_STORE="${DEMARCHE_STORE:-$(mktemp -d)/runs.sqlite}"
if [ ! -d ../shared ]; then
  # A clone on its own: the golden tests against KTAB, the BDM replication,
  # Genius, ANL and NegMAS need the reference data beside it (CI has it).
  echo "notice: ../shared (the reference data) is absent: the $(grep -rl 'require_shared!();' crates/*/tests | xargs grep -c 'require_shared!();' | awk -F: '{s+=$2} END {print s}') tests that compare against it end early and pass without checking (each says SKIPPED under --nocapture); every other test runs." >&2
fi
cargo test --workspace --locked
# The Python package, built as a wheel and tested in a fresh virtualenv.
DEMARCHE_BIN="${DEMARCHE_BIN:-${CARGO_TARGET_DIR:-$PWD/target}/debug/demarche}" bash scripts/test-python.sh
if [ -f tests/browser/run.sh ]; then
  # The browser tests drive the binary `cargo test` just built for the CLI tests
  # (a separate `cargo build` would recompile the workspace with other feature
  # sets); set DEMARCHE_BIN to test another one.
  export DEMARCHE_BIN="${DEMARCHE_BIN:-${CARGO_TARGET_DIR:-$PWD/target}/debug/demarche}"
  bash tests/browser/run.sh
fi

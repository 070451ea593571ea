#!/usr/bin/env bash
# The Python package's tests on the built wheel: builds the wheel with maturin
# (the same dev profile `cargo test` built, so its artefacts are reused), installs
# it in a fresh virtualenv with pytest, pandas, polars, pyarrow, tqdm and dask[distributed], and runs
# crates/python/tests against the `demarche` binary of the same build. Skips,
# saying why, when Python or PyPI is not there. The virtualenvs live in a
# temporary folder (not in target/), removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
target="${CARGO_TARGET_DIR:-$root/target}"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1 || ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "python tests: SKIPPED — no $python with venv and ensurepip (install Python ≥ 3.9 to run them)" >&2
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
quiet=(--quiet --disable-pip-version-check --no-input)

"$python" -m venv "$work/build"
if ! "$work/build/bin/pip" install "${quiet[@]}" "maturin>=1.16,<2"; then
  echo "python tests: SKIPPED — cannot install maturin from PyPI" >&2
  exit 0
fi
echo "python tests: building the wheel" >&2
"$work/build/bin/maturin" build --quiet --profile dev -m crates/python/Cargo.toml -o "$work/wheels"

"$python" -m venv "$work/test"
if ! "$work/test/bin/pip" install "${quiet[@]}" pytest pandas polars pyarrow tqdm "dask[distributed]"; then
  echo "python tests: SKIPPED — cannot install pytest, pandas, polars, pyarrow, tqdm and dask[distributed] from PyPI" >&2
  exit 0
fi
"$work/test/bin/pip" install "${quiet[@]}" --no-deps "$work"/wheels/demarche-*.whl
export DEMARCHE_BIN="${DEMARCHE_BIN:-$target/debug/demarche}"
if [ ! -x "$DEMARCHE_BIN" ]; then
  cargo build --quiet -p demarche-cli --bin demarche
fi
# Run from outside the source tree, so `import demarche` is the installed wheel.
cd "$work"
"$work/test/bin/python" -c 'import demarche; s = demarche.seed(); print(s.forecast().to_pandas().head(3))'
"$work/test/bin/python" -m pytest -q -p no:cacheprovider "$root/crates/python/tests"
# The README's Python example, as written (from a scratch folder: it writes sim.html).
mkdir -p "$work/readme" && cd "$work/readme"
"$work/test/bin/python" - "$root/README.md" <<'PY'
import re, sys
blocks = re.findall(r"```python\n(.*?)```", open(sys.argv[1], encoding="utf-8").read(), re.S)
assert blocks, "the README has no python block"
for code in blocks:
    exec(compile(code, "README.md", "exec"), {})
print("python tests: the README's Python example ran", file=sys.stderr)
PY

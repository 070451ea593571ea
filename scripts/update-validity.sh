#!/usr/bin/env bash
# Re-measure the backtest and write its table into docs/validity.md, between
# the markers (the CLI test `docs_validity_holds_the_measured_table` checks
# the two agree byte for byte). Usage: bash scripts/update-validity.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/demarche}"
table="$(mktemp)"
DEMARCHE_STORE=off "$bin" backtest backtests/ > "$table"
python3 - "$table" <<'PY'
import sys, re
table = open(sys.argv[1]).read()
p = 'docs/validity.md'
doc = open(p).read()
begin, end = '<!-- backtest:begin -->\n```text\n', '```\n<!-- backtest:end -->'
i, j = doc.index(begin) + len(begin), doc.index(end)
open(p, 'w').write(doc[:i] + table + doc[j:])
PY
rm -f "$table"
echo "docs/validity.md: table updated"

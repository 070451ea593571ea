#!/usr/bin/env python3
"""Runs `demarche frontier` on every Genius domain file under the folders given
and tallies what loads, what is answered with a note, and why the rest is
refused (docs/models.md, "What Genius reads").

    python3 scripts/genius-survey.py target/release/demarche DIR... > survey.json

Used on Genius 10.4's shipped templates (in the NegMAS repository,
external/genius10.4/src/main/resources/genius/templates) and NegMAS's test
scenarios; neither is in this repository. Each domain is read with the profiles
found beside it; a folder without any is counted as such, not as a failure.
"""
import collections
import json
import os
import re
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, roots = sys.argv[1], sys.argv[2:]
    rows = []
    for root in roots:
        for folder, _, files in os.walk(root):
            for name in sorted(files):
                path = os.path.join(folder, name)
                if not name.endswith(".xml"):
                    continue
                with open(path, errors="replace") as f:
                    if "negotiation_template" not in f.read(4000):
                        continue
                try:
                    r = subprocess.run([binary, "frontier", path, "--format", "json", "-q"],
                                       capture_output=True, text=True, timeout=120)
                    notes = [line for line in r.stderr.splitlines() if line.startswith("note:")]
                    status = "ok" if r.returncode == 0 else "refused"
                    rows.append({"domain": path, "status": status,
                                 "messages": notes if status == "ok" else r.stderr.strip().splitlines()[:3]})
                except subprocess.TimeoutExpired:
                    rows.append({"domain": path, "status": "timeout", "messages": []})
    why = collections.Counter()
    for row in rows:
        if row["status"] != "ok":
            text = " ".join(row["messages"])[:200]
            why[re.sub(r"'[^']*'|\"[^\"]*\"|[0-9.e+-]+|/[^ :]+", "_", text)[:100]] += 1
    summary = collections.Counter(r["status"] for r in rows)
    json.dump({"summary": summary, "with_notes": sum(1 for r in rows if r["status"] == "ok" and r["messages"]),
               "refused_because": why.most_common(), "domains": rows}, sys.stdout, indent=1)
    print(file=sys.stdout)
    print(dict(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The built-in scenario from Python, as a notebook would go through it.

Run with the wheel installed: `python examples/python/seed.py [OUT_DIR]`.
"""
import sys
from pathlib import Path

import demarche

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")

s = demarche.seed()
print(s)
print(s.actors[["id", "name", "capability"]].to_string(index=False))

# Each model's outcome per issue, and the bands under the stated uncertainty.
f = s.forecast(runs=50, seed=1)
print(f.to_pandas().pivot(index="issue", columns="engine", values="outcome").round(2))
print(f.to_pandas("bands")[["engine", "issue", "p10", "median", "p90"]].head(8).round(2))

# A what-if: the US accepting 3.67 % enrichment.
w = s.with_changes({"us_admin.enrichment_level.position": 3.67})
print("compromise on enrichment, stated → what-if:",
      round(f.to_pandas().query("engine == 'compromise' and issue == 'enrichment_level'").outcome.iloc[0], 2), "→",
      round(w.forecast("compromise").to_pandas().query("issue == 'enrichment_level'").outcome.iloc[0], 2))

# Mediated versus direct talks, and who heads for confrontation.
sim = s.simulate(runs=1000, seed=7)
print(sim.to_pandas("channels"))
print(sim.to_pandas("dyads")[["a", "b", "score", "main_issue"]].head(5))
sim.report(out / "seed-simulation.html")
print("report:", out / "seed-simulation.html")

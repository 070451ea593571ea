//! Trajectory CSV: one row per round, actor and issue.

use std::io::Write;

use demarche_forecast::Forecast;
use demarche_scenario::Scenario;

/// `turn,actor,name,dim,pos` (positions on the scenario's scale; `actor` and
/// `dim` are 0-based indices into the scenario, as in KTAB's dumps). With
/// `with_model`, a leading `model,issue` pair names the engine and issue id.
pub fn trajectories(w: impl Write, sc: &Scenario, forecasts: &[Forecast], with_model: bool) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    if with_model {
        out.write_record(["model", "issue", "turn", "actor", "name", "dim", "pos"])?;
    } else {
        out.write_record(["turn", "actor", "name", "dim", "pos"])?;
    }
    for f in forecasts {
        for iss in &f.issues {
            let dim = sc.issue_index(&iss.issue).unwrap_or(usize::MAX);
            for (t, row) in iss.trajectory.iter().enumerate() {
                for (&a, &x) in iss.participants.iter().zip(row) {
                    let name = sc.actors.get(a).map(|a| a.name.as_str()).unwrap_or("");
                    let (t, a, dim, x) = (t.to_string(), a.to_string(), dim.to_string(), format!("{x}"));
                    if with_model {
                        out.write_record([f.engine.as_str(), iss.issue.as_str(), &t, &a, name, &dim, &x])?;
                    } else {
                        out.write_record([t.as_str(), &a, name, &dim, &x])?;
                    }
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

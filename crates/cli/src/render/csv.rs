//! CSV: the forecasts (one row per model and issue), and KTAB-style
//! trajectory dumps (one row per round, actor and issue).

use std::io::Write;

use demarche_forecast::Forecast;
use demarche_scenario::Scenario;

/// `turn,actor,name,dim,pos` (positions on the scenario's scale; `actor` and
/// `dim` are 0-based indices into the scenario, as in KTAB's dumps), for
/// `--trajectory-layout ktab`.
pub fn trajectories(w: impl Write, sc: &Scenario, forecasts: &[Forecast]) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["turn", "actor", "name", "dim", "pos"])?;
    for f in forecasts {
        for iss in &f.issues {
            let dim = sc.issue_index(&iss.issue).unwrap_or(usize::MAX);
            for (t, row) in iss.trajectory.iter().enumerate() {
                for (&a, &x) in iss.participants.iter().zip(row) {
                    let name = sc.actors.get(a).map(|a| a.name.as_str()).unwrap_or("");
                    out.write_record([&t.to_string(), &a.to_string(), name, &dim.to_string(), &format!("{x}")])?;
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// `model,issue,outcome,scale,reading,converged,rounds,notes`: each model's
/// forecast of each issue, in the issue's units at six significant digits of
/// its range, what that point means on the scale, and the model's notes on
/// it (`; `-separated).
pub fn outcomes(w: impl Write, sc: &Scenario, forecasts: &[Forecast]) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["model", "issue", "outcome", "scale", "reading", "converged", "rounds", "notes"])?;
    for f in forecasts {
        for x in &f.issues {
            let issue = sc.issues.iter().find(|i| i.id == x.issue);
            let (scale, range, reading) = match issue {
                Some(i) => {
                    let unit = i.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
                    (format!("{}–{}{unit}", i.min, i.max), i.max - i.min, i.describe(x.outcome))
                }
                None => (String::new(), f64::NAN, String::new()),
            };
            let converged = x.converged.map(|c| c.to_string()).unwrap_or_default();
            out.write_record([
                f.engine.as_str(),
                x.issue.as_str(),
                &demarche_store::rounded(x.outcome, range),
                &scale,
                &reading,
                &converged,
                &x.rounds().to_string(),
                &x.notes.join("; "),
            ])?;
        }
    }
    out.flush()?;
    Ok(())
}

//! An escalation matrix drawn from the expected-utility model's dyadic
//! exchanges, until the simulation supplies risks of its own.

use demarche_forecast::{Forecast, InteractionKind};
use demarche_scenario::Scenario;

use crate::data::EscalationMatrix;

/// For each ordered pair of actors, the share of their classified exchanges
/// (over all issues and rounds of every forecast that records exchanges) that
/// were confrontations. `None` when no forecast records exchanges.
pub fn conflict_share(sc: &Scenario, forecasts: &[Forecast]) -> Option<EscalationMatrix> {
    let n = sc.actors.len();
    let mut conflicts = vec![vec![0u32; n]; n];
    let mut total = vec![vec![0u32; n]; n];
    let mut engines = Vec::new();
    for f in forecasts {
        let mut any = false;
        for iss in &f.issues {
            for it in &iss.interactions {
                if it.actor >= n || it.other >= n || it.actor == it.other {
                    continue;
                }
                any = true;
                total[it.actor][it.other] += 1;
                if it.kind == InteractionKind::Conflict {
                    conflicts[it.actor][it.other] += 1;
                }
            }
        }
        if any {
            engines.push(f.engine.clone());
        }
    }
    if engines.is_empty() {
        return None;
    }
    let values = (0..n)
        .map(|i| {
            (0..n).map(|j| (total[i][j] > 0).then(|| f64::from(conflicts[i][j]) / f64::from(total[i][j]))).collect()
        })
        .collect();
    Some(EscalationMatrix {
        metric: "share of exchanges that were confrontations".into(),
        actors: sc.actors.iter().map(|a| a.name.clone()).collect(),
        values,
        source: format!(
            "Counted over every issue and round of the {} model's dyadic exchanges (an exchange is a confrontation \
             when both sides expect to gain by challenging).",
            engines.join(", ")
        ),
    })
}

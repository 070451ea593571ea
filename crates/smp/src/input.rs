//! From a [`Scenario`] to the SMP's internal form: every issue a dimension,
//! positions rescaled to [0,1] (KTAB's internal scale; KTAB's 0–100 inputs
//! become position/100 exactly as in KTAB), saliences per actor adding to at
//! most 1.

use std::collections::HashMap;

use demarche_scenario::settings::smp::SmpSettings;
use demarche_scenario::Scenario;

use crate::model::{Accommodation, Model, Params, State};

/// The model, its start, and how to map results back to the scenario.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub model: Model,
    pub start: State,
    /// Scenario indices of the issues used, in dimension order.
    pub issues: Vec<usize>,
    /// Plain-language notes about adjustments made to the inputs.
    pub notes: Vec<String>,
}

/// Build the model; `Err` explains why the scenario cannot be run.
pub fn prepare(sc: &Scenario, issues: &[usize], settings: &SmpSettings) -> Result<Prepared, String> {
    settings.check()?;
    let n = sc.actors.len();
    let dims = issues.len();
    if n < 3 {
        return Err(format!("the SMP needs at least 3 actors; the scenario has {n}"));
    }
    if dims == 0 {
        return Err("no issue to forecast".into());
    }
    let mut notes = Vec::new();
    let actor_index: HashMap<&str, usize> = sc.actors.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let dim_of: HashMap<&str, usize> = issues.iter().enumerate().map(|(k, &i)| (sc.issues[i].id.as_str(), k)).collect();

    let mut pos = vec![f64::NAN; n * dims];
    let mut sal = vec![0.0; n * dims];
    for s in &sc.stances {
        let (Some(&a), Some(&k)) = (actor_index.get(s.actor.as_str()), dim_of.get(s.issue.as_str())) else {
            continue;
        };
        if !pos[a * dims + k].is_nan() {
            continue; // a duplicate stance; validation reports it
        }
        let iss = &sc.issues[issues[k]];
        pos[a * dims + k] = (s.position - iss.min) / (iss.max - iss.min);
        sal[a * dims + k] = s.salience;
    }
    let mut missing = Vec::new();
    for a in 0..n {
        for k in 0..dims {
            if pos[a * dims + k].is_nan() {
                let iss = &sc.issues[issues[k]];
                let at = iss.status_quo.unwrap_or((iss.min + iss.max) / 2.0);
                pos[a * dims + k] = (at - iss.min) / (iss.max - iss.min);
                sal[a * dims + k] = 0.0;
                missing.push(format!("{} on {}", sc.actors[a].id, iss.id));
            }
        }
    }
    if !missing.is_empty() {
        notes.push(format!(
            "{} actor–issue pair(s) had no stance and were placed at the issue's status quo (or midpoint) \
             with zero salience: {}",
            missing.len(),
            abbreviate(&missing)
        ));
    }
    let mut problems = Vec::new();
    let mut rescaled = Vec::new();
    for a in 0..n {
        let row = &mut sal[a * dims..(a + 1) * dims];
        let total = crate::rules::sum(row);
        if !(total > 0.0) {
            problems.push(format!(
                "actor `{}` has zero salience on every issue forecast; the SMP cannot weigh its distances",
                sc.actors[a].id
            ));
        } else if total > 1.0 + 1e-9 {
            for x in row.iter_mut() {
                *x /= total;
            }
            rescaled.push(sc.actors[a].id.clone());
        }
        if !(sc.actors[a].capability.is_finite() && sc.actors[a].capability > 0.0) {
            problems.push(format!("actor `{}` has a capability that is not positive", sc.actors[a].id));
        }
    }
    if !rescaled.is_empty() {
        notes.push(format!(
            "the SMP treats salience as a share of attention adding up to at most 1 over all issues; \
             the saliences of {} actor(s) were divided by their total: {}",
            rescaled.len(),
            abbreviate(&rescaled)
        ));
    }

    let accommodation = accommodation(sc, settings, &actor_index, &mut problems);
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let cap = sc.actors.iter().map(|a| a.capability).collect();
    let model = Model::new(cap, sal, dims, Params::from_settings(settings), accommodation);
    let start = State { ideal: pos.clone(), pos };
    Ok(Prepared { model, start, issues: issues.to_vec(), notes })
}

fn abbreviate(items: &[String]) -> String {
    const SHOWN: usize = 8;
    if items.len() <= SHOWN {
        items.join(", ")
    } else {
        format!("{}, … ({} more)", items[..SHOWN].join(", "), items.len() - SHOWN)
    }
}

/// KTAB's ideal-accommodation matrix: the identity, with each listed entry
/// overriding one cell. Rows must add up to at most 1.
fn accommodation(
    sc: &Scenario,
    settings: &SmpSettings,
    index: &HashMap<&str, usize>,
    problems: &mut Vec<String>,
) -> Accommodation {
    if settings.ideal_adjustment.is_empty() {
        return Accommodation::default();
    }
    let n = sc.actors.len();
    let mut rows: Vec<Vec<(usize, f64)>> = (0..n).map(|i| vec![(i, 1.0)]).collect();
    for (k, e) in settings.ideal_adjustment.iter().enumerate() {
        let (Some(&a), Some(&b)) = (index.get(e.actor.as_str()), index.get(e.toward.as_str())) else {
            for id in [&e.actor, &e.toward] {
                if !index.contains_key(id.as_str()) {
                    problems.push(format!("ideal_adjustment[{k}] names `{id}`, which is not an actor of the scenario"));
                }
            }
            continue;
        };
        let row = &mut rows[a];
        match row.iter_mut().find(|(j, _)| *j == b) {
            Some(cell) => cell.1 = e.rate,
            None => row.push((b, e.rate)),
        }
    }
    let mut identity = true;
    for (a, row) in rows.iter_mut().enumerate() {
        row.sort_by_key(|(j, _)| *j);
        row.retain(|(_, x)| *x != 0.0);
        let total = crate::rules::sum(&row.iter().map(|(_, x)| *x).collect::<Vec<_>>());
        if total > 1.0 + 1e-10 {
            problems.push(format!(
                "ideal_adjustment: the rates for `{}` add up to {total}, more than 1 \
                 (its own row starts at 1 unless you set it lower)",
                sc.actors[a].id
            ));
        }
        if !(row.len() == 1 && row[0] == (a, 1.0)) {
            identity = false;
        }
    }
    if identity {
        Accommodation::default()
    } else {
        Accommodation { rows }
    }
}

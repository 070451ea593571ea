//! From a [`Scenario`] to the SMP's internal form: every issue a dimension,
//! positions rescaled to [0,1] (KTAB's internal scale; KTAB's 0–100 inputs
//! become position/100 exactly as in KTAB), saliences per actor adding to at
//! most 1.

use std::collections::HashMap;

use demarche_scenario::settings::smp::SmpSettings;
use demarche_scenario::settings::SettingError;
use demarche_scenario::Scenario;

use crate::model::{Accommodation, Model, Params, State};

/// Most actors the SMP runs with: each turn keeps a few n × n tables of
/// doubles (about 100 MB each at this size).
pub const MAX_ACTORS: usize = 3_500;

/// The model, its start, and how to map results back to the scenario.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub model: Model,
    pub start: State,
    /// Scenario indices of the actors taking part, in model order.
    pub actors: Vec<usize>,
    /// Scenario indices of the issues used, in dimension order.
    pub issues: Vec<usize>,
    /// Plain-language notes about adjustments made to the inputs.
    pub notes: Vec<String>,
}

/// Why a scenario cannot be run by the SMP.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    /// The settings are unusable.
    #[error(transparent)]
    Settings(#[from] SettingError),
    #[error("no issue to forecast")]
    NoIssue,
    #[error("{actors} actors is more than the SMP's limit of {MAX_ACTORS} (its turn needs several n × n tables;              KTAB itself stops at 250)")]
    TooManyActors { actors: usize },
    #[error(
        "the SMP needs at least 3 actors with a stance on the issues forecast; {actors} {}",
        if *actors == 1 { "has one" } else { "have one" }
    )]
    TooFewActors { actors: usize },
    /// Problems with the actors' inputs, one per line.
    #[error("{}", .0.join("\n"))]
    Inputs(Vec<String>),
}

/// Build the model; `Err` explains why the scenario cannot be run.
///
/// Actors with a stance on at least one of the issues take part; an actor
/// without one on some issue is placed at that issue's status quo (or
/// midpoint) with salience 0. Actors with no stance, or only zero saliences,
/// on every issue asked for care about nothing the SMP can weigh and are left
/// out (KTAB cannot represent them). Both are noted.
pub fn prepare(sc: &Scenario, issues: &[usize], settings: &SmpSettings) -> Result<Prepared, PrepareError> {
    settings.check()?;
    let all = sc.actors.len();
    let dims = issues.len();
    if dims == 0 {
        return Err(PrepareError::NoIssue);
    }
    let mut notes = Vec::new();
    let index = sc.index();
    let dim_of: HashMap<&str, usize> = issues.iter().enumerate().map(|(k, &i)| (sc.issues[i].id.as_str(), k)).collect();

    // Per scenario actor: position and salience per dimension (NaN: no stance).
    let mut pos = vec![f64::NAN; all * dims];
    let mut sal = vec![0.0; all * dims];
    for s in &sc.stances {
        let (Some(a), Some(&k)) = (index.actor(&s.actor), dim_of.get(s.issue.as_str())) else {
            continue;
        };
        if !pos[a * dims + k].is_nan() {
            continue; // a duplicate stance; validation reports it
        }
        let iss = &sc.issues[issues[k]];
        pos[a * dims + k] = (s.position - iss.min) / (iss.max - iss.min);
        sal[a * dims + k] = s.salience;
    }
    let cares = |a: usize| sal[a * dims..(a + 1) * dims].iter().any(|&s| s > 0.0);
    let actors: Vec<usize> = (0..all).filter(|&a| cares(a)).collect();
    let left_out: Vec<String> = (0..all).filter(|&a| !cares(a)).map(|a| sc.actors[a].id.clone()).collect();
    if !left_out.is_empty() {
        notes.push(format!(
            "{} actor(s) take no part: no stance with a positive salience on the issues forecast: {}",
            left_out.len(),
            abbreviate(&left_out)
        ));
    }
    let n = actors.len();
    if n > MAX_ACTORS {
        return Err(PrepareError::TooManyActors { actors: n });
    }
    if n < 3 {
        return Err(PrepareError::TooFewActors { actors: n });
    }

    let mut mpos = Vec::with_capacity(n * dims);
    let mut msal = Vec::with_capacity(n * dims);
    let mut missing = Vec::new();
    for &a in &actors {
        for k in 0..dims {
            let (p, s) = (pos[a * dims + k], sal[a * dims + k]);
            if p.is_nan() {
                let iss = &sc.issues[issues[k]];
                let at = iss.status_quo.unwrap_or((iss.min + iss.max) / 2.0);
                mpos.push((at - iss.min) / (iss.max - iss.min));
                msal.push(0.0);
                missing.push(format!("{} on {}", sc.actors[a].id, iss.id));
            } else {
                mpos.push(p);
                msal.push(s);
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
    for (m, &a) in actors.iter().enumerate() {
        let row = &mut msal[m * dims..(m + 1) * dims];
        let total = crate::rules::sum(row);
        if total > 1.0 + 1e-9 {
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

    let accommodation = accommodation(sc, settings, &index, &actors, &mut problems);
    if !problems.is_empty() {
        return Err(PrepareError::Inputs(problems));
    }
    let cap = actors.iter().map(|&a| sc.actors[a].capability).collect();
    let model = Model::new(cap, msal, dims, Params::from_settings(settings), accommodation);
    let start = State { ideal: mpos.clone(), pos: mpos };
    Ok(Prepared { model, start, actors, issues: issues.to_vec(), notes })
}

fn abbreviate(items: &[String]) -> String {
    const SHOWN: usize = 8;
    if items.len() <= SHOWN {
        items.join(", ")
    } else {
        format!("{}, … ({} more)", items[..SHOWN].join(", "), items.len() - SHOWN)
    }
}

/// KTAB's ideal-accommodation matrix over the participating actors: the
/// identity, with each listed entry overriding one cell. Rows must add up to
/// at most 1.
fn accommodation(
    sc: &Scenario,
    settings: &SmpSettings,
    index: &demarche_scenario::ScenarioIndex<'_>,
    actors: &[usize],
    problems: &mut Vec<String>,
) -> Accommodation {
    if settings.ideal_adjustment.is_empty() {
        return Accommodation::default();
    }
    let n = actors.len();
    let mut model_of = vec![usize::MAX; sc.actors.len()];
    for (m, &a) in actors.iter().enumerate() {
        model_of[a] = m;
    }
    let mut rows: Vec<Vec<(usize, f64)>> = (0..n).map(|i| vec![(i, 1.0)]).collect();
    for (k, e) in settings.ideal_adjustment.iter().enumerate() {
        let (Some(a), Some(b)) = (index.actor(&e.actor), index.actor(&e.toward)) else {
            for id in [&e.actor, &e.toward] {
                if index.actor(id).is_none() {
                    problems.push(format!("ideal_adjustment[{k}] names `{id}`, which is not an actor of the scenario"));
                }
            }
            continue;
        };
        let (ma, mb) = (model_of[a], model_of[b]);
        if ma == usize::MAX || mb == usize::MAX {
            continue; // an actor that takes no part (noted already)
        }
        let row = &mut rows[ma];
        match row.iter_mut().find(|(j, _)| *j == mb) {
            Some(cell) => cell.1 = e.rate,
            None => row.push((mb, e.rate)),
        }
    }
    let mut identity = true;
    for (m, row) in rows.iter_mut().enumerate() {
        row.sort_by_key(|(j, _)| *j);
        row.retain(|(_, x)| *x != 0.0);
        let total = crate::rules::sum(&row.iter().map(|(_, x)| *x).collect::<Vec<_>>());
        if total > 1.0 + 1e-10 {
            problems.push(format!(
                "ideal_adjustment: the rates for `{}` add up to {total}, more than 1 \
                 (its own rate starts at 1 unless you set it lower)",
                sc.actors[actors[m]].id
            ));
        }
        if !(row.len() == 1 && row[0] == (m, 1.0)) {
            identity = false;
        }
    }
    if identity {
        Accommodation::default()
    } else {
        Accommodation { rows }
    }
}

//! The backtest use case: every model and the simulation run on every case,
//! and their answers scored against the recorded outcomes
//! (`demarche backtest`, docs/validity.md).

use std::collections::BTreeMap;

use demarche_backtest::{pool, score_case, BacktestReport, Case, Predictions};
use demarche_forecast::{NoObserver, RunControl};
use demarche_scenario::settings::simulation::Channel;
use demarche_sim::confrontation;
use demarche_sim::{Options, Overrides, Report, SimError};

use crate::forecast::{run_models, ForecastError, ModelRun};

/// The models a backtest scores (every engine, at its scenario's settings).
pub const MODELS: &[&str] = demarche_engines::MODELS;
/// Simulated runs per case by default (the indicator's expected-utility
/// ingredient is estimated on all of them).
pub const RUNS: u32 = 1000;
/// The default seed.
pub const SEED: u64 = 1;

/// The names of the confrontation rankings scored.
pub const RANKINGS: [&str; 4] = ["indicator", "bdm", "disagreement", "hostile"];

#[derive(Clone, Debug)]
pub struct BacktestOptions {
    pub runs: u32,
    pub seed: u64,
    pub models: Vec<&'static str>,
}

impl Default for BacktestOptions {
    fn default() -> Self {
        BacktestOptions { runs: RUNS, seed: SEED, models: MODELS.to_vec() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    #[error("case {case}: {source}")]
    Forecast { case: String, source: ForecastError },
    #[error("case {case}: {message}")]
    Events { case: String, message: String },
    #[error("cancelled")]
    Cancelled,
}

/// The file of events a case may hold; its escalation signal then joins the
/// case's confrontation indicator (docs/validity.md).
pub const CASE_EVENTS: &str = "events.jsonl";

/// A case's events, if it has any: every one dated on or before the case's
/// as-of date (an event after it is hindsight, an error).
fn case_events(case: &Case) -> Result<Option<(Vec<demarche_events::Event>, i64)>, BacktestError> {
    let path = case.dir.join(CASE_EVENTS);
    if !path.exists() {
        return Ok(None);
    }
    let err = |message: String| BacktestError::Events { case: case.id.clone(), message };
    let events = crate::events::read_events(&path).map_err(|e| err(e.to_string()))?;
    let as_of =
        case.scenario.meta.as_of.as_deref().and_then(demarche_events::series::parse_day).ok_or_else(|| {
            err(format!("{CASE_EVENTS} needs the scenario's as-of date, to leave out what came after"))
        })?;
    let late: Vec<String> = events
        .iter()
        .filter(|e| demarche_events::series::parse_day(&e.date).is_none_or(|d| d > as_of))
        .take(10)
        .map(|e| format!("{} ({})", e.id, if e.date.is_empty() { "no date" } else { &e.date }))
        .collect();
    if !late.is_empty() {
        return Err(err(format!(
            "{CASE_EVENTS} holds events dated after the as-of date or undated: {}; hint: a case's events must be              known by its as-of date",
            late.join(", ")
        )));
    }
    Ok(Some((events, as_of)))
}

/// What one case's models and simulation said, before scoring.
pub fn predict(case: &Case, opts: &BacktestOptions, control: &dyn RunControl) -> Result<Predictions, BacktestError> {
    let sc = &case.scenario;
    // Read first: a case whose events break the hindsight rule costs no run.
    let events = case_events(case)?;
    let forecasts = run_models(sc, &opts.models, &ModelRun::default(), true, |_, _, _| {}, &mut NoObserver)
        .map_err(|source| BacktestError::Forecast { case: case.id.clone(), source })?;
    let mut p = Predictions::default();
    for f in &forecasts.forecasts {
        p.models.push((f.engine.clone(), f.issues.iter().map(|i| (i.issue.clone(), i.outcome)).collect()));
    }
    let mut sim_opts = Options {
        overrides: Overrides { runs: Some(opts.runs), seed: Some(opts.seed), ..Default::default() },
        escalation_runs: u64::from(opts.runs),
    };
    let mut report = demarche_sim::simulate(sc, &sim_opts, control);
    // A case written without a mediator cannot run the mediated channel: run
    // the direct one rather than nothing, and say so.
    if matches!(report, Err(SimError::Invalid(_))) && sim_opts.overrides.channel.is_none() {
        sim_opts.overrides.channel = Some(Channel::Direct);
        if let Ok(r) = demarche_sim::simulate(sc, &sim_opts, control) {
            p.notes.push("simulated the direct channel only: the case names no mediator".into());
            report = Ok(r);
        }
    }
    let dyads = match report {
        Ok(report) => {
            simulation_predictions(case, &report, &mut p);
            report.confrontation
        }
        Err(SimError::Cancelled { .. }) => return Err(BacktestError::Cancelled),
        Err(e) => {
            p.notes.push(format!(
                "no simulation ({e}); the confrontation indicator runs without its expected-utility part"
            ));
            confrontation::indicator(sc, None)
        }
    };
    let dyads = match events {
        Some((events, as_of)) => {
            let input = crate::events::escalation_signal(sc, &events, Some(as_of), crate::events::ESCALATION_WEEKS);
            p.notes.push(format!(
                "the indicator takes the escalation signal of {} events in {CASE_EVENTS} ({} on the case's dyads)",
                input.events, input.linked
            ));
            confrontation::with_escalation(dyads, &input.signal)
        }
        None => dyads,
    };
    p.rankings.push(("indicator".into(), dyads.iter().map(|d| (d.a.clone(), d.b.clone(), d.score)).collect()));
    if dyads.iter().any(|d| d.expected_utility.is_some()) {
        p.rankings.push((
            "bdm".into(),
            dyads.iter().map(|d| (d.a.clone(), d.b.clone(), d.expected_utility.unwrap_or(0.0))).collect(),
        ));
    }
    p.rankings.push((
        "disagreement".into(),
        confrontation::disagreement(sc).into_iter().map(|d| (d.a, d.b, d.score)).collect(),
    ));
    p.rankings.push(("hostile".into(), confrontation::hostile(sc).into_iter().map(|d| (d.a, d.b, d.score)).collect()));
    Ok(p)
}

/// P(deal) and the simulation's two issue forecasts: `simulation` (the deal
/// terms: the channels' median terms on the agenda, the status quo off it)
/// and `simulation_expected` (P(deal) × terms + (1 − P(deal)) × status quo).
/// With two channels, each figure is the channels' mean (the case does not
/// say which one the talks would take).
fn simulation_predictions(case: &Case, r: &Report, p: &mut Predictions) {
    let sc = &case.scenario;
    if r.channels.is_empty() {
        return;
    }
    let n = r.channels.len() as f64;
    let deal = r.channels.iter().map(|c| c.ratified).sum::<f64>() / n;
    p.deal = Some(deal);
    if case.scenario.options.iter().any(|o| o.kind == demarche_scenario::OptionKind::Force) {
        p.force = Some(r.channels.iter().map(|c| c.force_only).sum::<f64>() / n);
    }
    let mut terms = BTreeMap::new();
    let mut expected = BTreeMap::new();
    for iss in &sc.issues {
        let medians: Vec<f64> = r
            .channels
            .iter()
            .filter_map(|c| c.terms.iter().find(|t| t.issue == iss.id).map(|t| t.summary.median))
            .filter(|x| x.is_finite())
            .collect();
        let agreed = (!medians.is_empty()).then(|| medians.iter().sum::<f64>() / medians.len() as f64);
        // Deal terms where the simulation has them, else the status quo (no deal settles
        // nothing); the expected outcome needs the status quo for the no-deal share.
        if let Some(t) = agreed.or(iss.status_quo) {
            terms.insert(iss.id.clone(), t);
            if let Some(sq) = iss.status_quo {
                expected.insert(iss.id.clone(), deal * t + (1.0 - deal) * sq);
            }
        }
    }
    p.models.push(("simulation".into(), terms));
    p.models.push(("simulation_expected".into(), expected));
}

/// Runs and scores every case, in order; `control` sees the simulations'
/// progress and can cancel.
pub fn run(cases: &[Case], opts: &BacktestOptions, control: &dyn RunControl) -> Result<BacktestReport, BacktestError> {
    let mut scored = Vec::with_capacity(cases.len());
    for case in cases {
        if control.cancelled() {
            return Err(BacktestError::Cancelled);
        }
        let p = predict(case, opts, control)?;
        scored.push(score_case(case, &p));
    }
    let pooled = pool(&scored);
    let settings = BTreeMap::from([
        ("runs".to_string(), opts.runs.to_string()),
        ("seed".to_string(), opts.seed.to_string()),
        ("models".to_string(), opts.models.join(",")),
        ("cases".to_string(), cases.len().to_string()),
    ]);
    Ok(BacktestReport { cases: scored, pooled, settings })
}

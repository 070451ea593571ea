//! Runs as the store keeps them: one builder per use case, so the CLI and the
//! workbench record a forecast or a simulation the same way (and a report of
//! either redraws the same documents).

use std::time::SystemTime;

use demarche_forecast::Forecast;
use demarche_report::data::{EscalationMatrix, ParetoData};
use demarche_scenario::Scenario;
use demarche_sim::uncertainty::ForecastUncertainty;
use demarche_store::{NewRun, RunInput, RunStatus};

use crate::documents::{documents, uncertainty_documents};
use crate::params::{BacktestParams, EventsParams, ForecastParams, RunParams, SimulateParams};
use crate::run_documents::RunDocuments;

/// The version recorded with every run.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A forecast run, with the bands and their charts when the models also ran
/// under the stated uncertainty, and any more documents (a report's parts).
pub fn forecast_run<'a>(
    sc: &'a Scenario,
    forecasts: &'a [Forecast],
    uncertainty: Option<&ForecastUncertainty>,
    more: RunDocuments,
    params: &ForecastParams,
    started: SystemTime,
) -> NewRun<'a> {
    let mut run = NewRun::forecast(sc, forecasts, params.to_json(), VERSION, started);
    let mut docs = RunDocuments::default();
    if let Some(u) = uncertainty {
        docs.merge(uncertainty_documents(sc, u));
    }
    run.documents.extend(docs.with(more).to_documents());
    run
}

/// The confrontation indicator on the stated positions (no simulation, so
/// without its expected-utility ingredient), then the expected-utility
/// classification counted over the forecasts' exchanges, when they record any.
pub fn confrontation_matrices(sc: &Scenario, forecasts: &[Forecast]) -> Vec<EscalationMatrix> {
    let dyads = demarche_sim::confrontation::indicator(sc, None);
    let mut out: Vec<EscalationMatrix> = crate::documents::indicator_matrix(sc, &dyads, 0).into_iter().collect();
    if let Some(mut m) = demarche_report::escalation::conflict_share(sc, forecasts) {
        m.metric = format!("expected-utility conflict classification alone: {}", m.metric);
        out.push(m);
    }
    out
}

/// A simulation run: the simulation's report, its charts' data and the
/// principals' bargaining pictures.
pub fn simulation_run<'a>(
    sc: &'a Scenario,
    report: &demarche_sim::Report,
    pareto: &[ParetoData],
    params: &SimulateParams,
    started: SystemTime,
) -> NewRun<'a> {
    let mut docs = documents(sc, report);
    if !pareto.is_empty() {
        docs.pareto = Some(pareto.to_vec());
    }
    finished(
        RunInput::Scenario(sc),
        report.channels.iter().map(|c| c.channel.clone()).collect(),
        params,
        Some(report.seed),
        started,
        docs,
    )
}

/// A finished run of the kind its parameters are for, made now with this
/// program's version.
pub fn finished<'a, P: RunParams>(
    input: RunInput<'a>,
    engines: Vec<String>,
    params: &P,
    seed: Option<u64>,
    started: SystemTime,
    documents: RunDocuments,
) -> NewRun<'a> {
    NewRun {
        kind: P::KIND,
        input,
        engines,
        params: params.to_json(),
        seed,
        version: VERSION.to_string(),
        started_at: started,
        finished_at: SystemTime::now(),
        status: RunStatus::Ok,
        documents: documents.to_documents(),
        forecasts: &[],
    }
}

/// The principals' bargaining pictures at the stated values (empty when the
/// scenario's bargaining problem cannot be set up; the simulation says why).
pub fn pictures(sc: &Scenario, overrides: &demarche_sim::Overrides) -> Vec<ParetoData> {
    demarche_sim::picture::picture(sc, overrides).map(|p| crate::documents::pareto_data(sc, &p)).unwrap_or_default()
}

/// A backtest run: its scores as one document; the input is the list of
/// cases (id, title, as-of dates), since the scenarios live in their folders.
pub fn backtest_run<'a>(
    report: &demarche_backtest::BacktestReport,
    params: &BacktestParams,
    started: SystemTime,
) -> NewRun<'a> {
    let cases: Vec<serde_json::Value> = report
        .cases
        .iter()
        .map(|c| serde_json::json!({"id": c.id, "title": c.title, "as_of": c.as_of, "outcome_as_of": c.outcome_as_of}))
        .collect();
    let input = RunInput::Other {
        title: format!("Backtest of {} case{}", cases.len(), if cases.len() == 1 { "" } else { "s" }),
        json: serde_json::json!({ "cases": cases }),
    };
    let engines = report.pooled.models.keys().cloned().collect();
    finished(
        input,
        engines,
        params,
        Some(params.seed),
        started,
        RunDocuments { backtest: Some(report.clone()), ..Default::default() },
    )
}

/// An events run: the review a report draws and, up to
/// [`crate::events::MAX_STORED_EVENTS`], the events themselves. Made on the
/// scenario when there is one, else on the list of files.
pub fn events_run<'a>(
    sc: Option<&'a Scenario>,
    review: &crate::events::Review,
    events: &[demarche_events::Event],
    params: &EventsParams,
    started: SystemTime,
) -> NewRun<'a> {
    let input = match sc {
        Some(sc) => RunInput::Scenario(sc),
        None => RunInput::Other {
            title: format!("Events of {}", params.files.join(", ")),
            json: serde_json::json!({ "files": params.files }),
        },
    };
    let kept = (events.len() <= crate::events::MAX_STORED_EVENTS)
        .then(|| crate::run_documents::Kept::of(&events.to_vec()).ok())
        .flatten();
    finished(
        input,
        Vec::new(),
        params,
        None,
        started,
        RunDocuments { events: kept, events_review: Some(review.drawn.clone()), ..Default::default() },
    )
}

//! Runs as the store keeps them: one builder per use case, so the CLI and the
//! workbench record a forecast or a simulation the same way (and a report of
//! either redraws the same documents).

use std::time::SystemTime;

use demarche_forecast::Forecast;
use demarche_report::data::{ParetoData, DOC_PARETO};
use demarche_scenario::Scenario;
use demarche_sim::uncertainty::ForecastUncertainty;
use demarche_store::{Document, NewRun, RunInput, RunKind, RunStatus};

use crate::documents::{documents, uncertainty_documents};

/// The version recorded with every run.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A forecast run, with the bands and their charts when the models also ran
/// under the stated uncertainty, and any more documents (a report's parts).
pub fn forecast_run<'a>(
    sc: &'a Scenario,
    forecasts: &'a [Forecast],
    uncertainty: Option<&ForecastUncertainty>,
    params: serde_json::Value,
    started: SystemTime,
) -> NewRun<'a> {
    let mut run = NewRun::forecast(sc, forecasts, params, VERSION, started);
    if let Some(u) = uncertainty {
        run.documents.extend(uncertainty_documents(sc, u));
    }
    run
}

/// A simulation run: the simulation's report, its charts' data and the
/// principals' bargaining pictures.
pub fn simulation_run<'a>(
    sc: &'a Scenario,
    report: &demarche_sim::Report,
    pareto: &[ParetoData],
    params: serde_json::Value,
    started: SystemTime,
) -> NewRun<'a> {
    let mut docs = documents(sc, report);
    if !pareto.is_empty() {
        docs.extend(Document::of(DOC_PARETO, &pareto));
    }
    finished(
        RunKind::Simulate,
        RunInput::Scenario(sc),
        report.channels.iter().map(|c| c.channel.clone()).collect(),
        params,
        Some(report.seed),
        started,
        docs,
    )
}

/// A finished run of `kind` made now with this program's version.
pub fn finished<'a>(
    kind: RunKind,
    input: RunInput<'a>,
    engines: Vec<String>,
    params: serde_json::Value,
    seed: Option<u64>,
    started: SystemTime,
    documents: Vec<Document>,
) -> NewRun<'a> {
    NewRun {
        kind,
        input,
        engines,
        params,
        seed,
        version: VERSION.to_string(),
        started_at: started,
        finished_at: SystemTime::now(),
        status: RunStatus::Ok,
        documents,
        forecasts: &[],
    }
}

/// The principals' bargaining pictures at the stated values (empty when the
/// scenario's bargaining problem cannot be set up; the simulation says why).
pub fn pictures(sc: &Scenario, overrides: &demarche_sim::Overrides) -> Vec<ParetoData> {
    demarche_sim::picture::picture(sc, overrides).map(|p| crate::documents::pareto_data(sc, &p)).unwrap_or_default()
}

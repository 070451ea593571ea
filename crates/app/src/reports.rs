//! The data a report draws, from a stored run or from documents at hand, and
//! the documents of a scenario's report (`demo`, `report FILE`).

use demarche_forecast::Forecast;
use demarche_report::data::{
    IntervalChart, DOC_BANDS, DOC_CHANNELS, DOC_ESCALATION, DOC_INTERVALS, DOC_PARETO, DOC_SENSITIVITY,
};
use demarche_report::{ReportData, RunInfo};
use demarche_scenario::Scenario;
use demarche_store::{Document, RunKind, RunRecord};
use serde::de::DeserializeOwned;

use crate::documents::{report_documents, uncertainty_documents, ReportBudget};
use crate::forecast::{bands, ModelRun};

/// Draws of the stated uncertainty in a scenario's report (`demo`, `report FILE`).
pub const REPORT_DRAWS: u32 = 100;

/// What a stored run says about itself, for a report's header.
pub fn run_info(r: &RunRecord) -> RunInfo {
    RunInfo {
        id: r.summary.id,
        kind: r.summary.kind.as_str().to_string(),
        started_at: r.summary.started_at.clone(),
        version: r.summary.version.clone(),
        scenario_hash: r.summary.scenario_hash.clone(),
    }
}

/// The data of a stored run: its scenario, forecasts and any documents the
/// report knows (`channels`, `pareto`, `escalation`, `sensitivity`).
pub fn from_record(rec: &RunRecord) -> Result<ReportData, String> {
    let id = rec.summary.id;
    let scenario = match rec.scenario() {
        Ok(sc) => sc,
        // Negotiations and tournaments run on domains, not scenarios.
        Err(_) if matches!(rec.summary.kind, RunKind::Negotiate | RunKind::Tournament) => {
            let mut sc = Scenario::default();
            sc.meta.title = rec.summary.scenario_title.clone();
            sc
        }
        Err(e) => return Err(format!("run {id}: the stored scenario does not read: {e}")),
    };
    let forecasts = match rec.forecasts() {
        Some(Ok(f)) => f,
        Some(Err(e)) => return Err(format!("run {id}: the stored forecasts do not read: {e}")),
        None => Vec::new(),
    };
    let mut data = from_documents(scenario, forecasts, &rec.documents).map_err(|e| format!("run {id}: {e}"))?;
    data.run = Some(run_info(rec));
    Ok(data)
}

/// The data of a scenario, its forecasts and any documents the report
/// knows (`channels`, `intervals`, `pareto`, `escalation`, `sensitivity`;
/// others are ignored) — the same reading as a stored run's.
pub fn from_documents(scenario: Scenario, forecasts: Vec<Forecast>, docs: &[Document]) -> Result<ReportData, String> {
    fn doc<T: DeserializeOwned>(docs: &[Document], name: &str) -> Result<Option<T>, String> {
        docs.iter()
            .find(|d| d.name == name)
            .map(|d| serde_json::from_value(d.body.clone()))
            .transpose()
            .map_err(|e| format!("document `{name}` does not read: {e}"))
    }
    // `pareto`, `intervals`, `escalation` and `sensitivity` hold one item or a list.
    fn one_or_many<T: DeserializeOwned>(docs: &[Document], name: &str) -> Result<Vec<T>, String> {
        match doc::<serde_json::Value>(docs, name)? {
            None => Ok(Vec::new()),
            Some(v @ serde_json::Value::Array(_)) => {
                serde_json::from_value(v).map_err(|e| format!("document `{name}`: {e}"))
            }
            Some(v) => serde_json::from_value(v).map(|x| vec![x]).map_err(|e| format!("document `{name}`: {e}")),
        }
    }
    Ok(ReportData {
        scenario,
        forecasts,
        run: None,
        channels: doc(docs, DOC_CHANNELS)?,
        intervals: {
            let mut v: Vec<IntervalChart> = one_or_many(docs, DOC_INTERVALS)?;
            v.extend(one_or_many::<IntervalChart>(docs, DOC_BANDS)?);
            v
        },
        pareto: one_or_many(docs, DOC_PARETO)?,
        escalation: one_or_many(docs, DOC_ESCALATION)?,
        sensitivity: one_or_many(docs, DOC_SENSITIVITY)?,
    })
}

/// The documents of a scenario's report beyond its forecasts: the simulation
/// parts (channel comparison, bargaining picture, sensitivity; see
/// [`report_documents`]) and each model's band over [`REPORT_DRAWS`] draws of
/// the stated uncertainty. `simulated` is a simulation already at hand. Parts
/// that cannot be made are left out, their reasons returned.
pub fn scenario_report_documents(
    sc: &Scenario,
    forecasts: &[Forecast],
    budget: &ReportBudget,
    simulated: Option<&demarche_sim::Report>,
) -> (Vec<Document>, Vec<String>) {
    let (mut documents, notes) = report_documents(sc, budget, simulated);
    let u = bands(sc, forecasts, &ModelRun::default(), REPORT_DRAWS, 1);
    documents.extend(uncertainty_documents(sc, &u));
    (documents, notes)
}

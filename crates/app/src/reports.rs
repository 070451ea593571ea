//! The data a report draws, from a stored run or from documents at hand, and
//! the documents of a scenario's report (`demo`, `report FILE`).

use demarche_forecast::Forecast;
use demarche_report::data::{
    EscalationMatrix, IntervalChart, DOC_BANDS, DOC_CHANNELS, DOC_ESCALATION, DOC_INTERVALS, DOC_PARETO,
    DOC_SENSITIVITY,
};
use demarche_report::{ReportData, RunInfo};
use demarche_scenario::Scenario;
use demarche_store::{Document, RunKind, RunRecord};
use serde::de::DeserializeOwned;

use crate::documents::{report_documents, uncertainty_documents, ReportBudget};
use crate::forecast::{bands, ModelRun};

/// Why a stored run or a document could not be read back as report data.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("run {id}: the stored scenario does not read: {message}")]
    Scenario { id: i64, message: String },
    #[error("run {id}: the stored forecasts do not read: {source}")]
    Forecasts { id: i64, source: serde_json::Error },
    #[error("document `{name}` does not read: {source}")]
    Document { name: String, source: serde_json::Error },
    #[error("run {id}: {source}")]
    InRun {
        id: i64,
        #[source]
        source: Box<ReadError>,
    },
}

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
pub fn from_record(rec: &RunRecord) -> Result<ReportData, ReadError> {
    let id = rec.summary.id;
    let scenario = match rec.scenario() {
        Ok(sc) => sc,
        // Negotiations and tournaments run on domains, not scenarios.
        Err(_) if matches!(rec.summary.kind, RunKind::Negotiate | RunKind::Tournament | RunKind::Backtest) => {
            let mut sc = Scenario::default();
            sc.meta.title = rec.summary.scenario_title.clone();
            sc
        }
        Err(e) => return Err(ReadError::Scenario { id, message: e.to_string() }),
    };
    let forecasts = match rec.forecasts() {
        Some(Ok(f)) => f,
        Some(Err(source)) => return Err(ReadError::Forecasts { id, source }),
        None => Vec::new(),
    };
    let mut data = from_documents(scenario, forecasts, &rec.documents)
        .map_err(|e| ReadError::InRun { id, source: Box::new(e) })?;
    data.run = Some(run_info(rec));
    Ok(data)
}

/// The data of a scenario, its forecasts and any documents the report
/// knows (`channels`, `intervals`, `pareto`, `escalation`, `sensitivity`;
/// others are ignored) — the same reading as a stored run's.
pub fn from_documents(
    scenario: Scenario,
    forecasts: Vec<Forecast>,
    docs: &[Document],
) -> Result<ReportData, ReadError> {
    let doc = |name: &str| -> Result<Option<serde_json::Value>, ReadError> {
        Ok(docs.iter().find(|d| d.name == name).map(|d| d.body.clone()))
    };
    fn typed<T: DeserializeOwned>(v: Option<serde_json::Value>, name: &str) -> Result<Option<T>, ReadError> {
        v.map(serde_json::from_value).transpose().map_err(|source| ReadError::Document { name: name.into(), source })
    }
    // `pareto`, `intervals`, `escalation` and `sensitivity` hold one item or a list.
    let one_or_many = |name: &str| -> Result<Vec<serde_json::Value>, ReadError> {
        Ok(match doc(name)? {
            None => Vec::new(),
            Some(serde_json::Value::Array(items)) => items,
            Some(v) => vec![v],
        })
    };
    fn each<T: DeserializeOwned>(items: Vec<serde_json::Value>, name: &str) -> Result<Vec<T>, ReadError> {
        items
            .into_iter()
            .map(|v| serde_json::from_value(v).map_err(|source| ReadError::Document { name: name.into(), source }))
            .collect()
    }

    let escalation = {
        let stored: Vec<EscalationMatrix> = each(one_or_many(DOC_ESCALATION)?, DOC_ESCALATION)?;
        // Runs without a simulation carry no matrix: the indicator on the
        // stated positions is a formula over the scenario, made here.
        if stored.is_empty() && !scenario.stances.is_empty() {
            crate::record::confrontation_matrices(&scenario, &forecasts)
        } else {
            stored
        }
    };
    let backtest = typed(doc(crate::record::DOC_BACKTEST)?, crate::record::DOC_BACKTEST)?;
    Ok(ReportData {
        backtest,
        scenario,
        forecasts,
        run: None,
        channels: typed(doc(DOC_CHANNELS)?, DOC_CHANNELS)?,
        intervals: {
            let mut v: Vec<IntervalChart> = each(one_or_many(DOC_INTERVALS)?, DOC_INTERVALS)?;
            v.extend(each::<IntervalChart>(one_or_many(DOC_BANDS)?, DOC_BANDS)?);
            v
        },
        pareto: each(one_or_many(DOC_PARETO)?, DOC_PARETO)?,
        escalation,
        sensitivity: each(one_or_many(DOC_SENSITIVITY)?, DOC_SENSITIVITY)?,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_that_does_not_read_is_named() {
        let bad = Document::new(DOC_PARETO, serde_json::json!({"not": "a frontier"}));
        match from_documents(Scenario::default(), Vec::new(), &[bad]) {
            Err(ReadError::Document { name, .. }) => assert_eq!(name, DOC_PARETO),
            other => panic!("expected a document error, got {other:?}"),
        }
        let fine = from_documents(Scenario::default(), Vec::new(), &[]).unwrap();
        assert!(fine.pareto.is_empty() && fine.intervals.is_empty());
    }
}

//! What a run is made of, going in and coming out.

use std::time::SystemTime;

use demarche_forecast::Forecast;
use demarche_scenario::Scenario;
use serde::{Deserialize, Serialize};

/// The name of the document holding a `Vec<Forecast>`; its positions and
/// outcomes are also stored as rows.
pub const DOC_FORECASTS: &str = "forecasts";

/// Which command produced a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    Forecast,
    Simulate,
    Negotiate,
    Tournament,
    Sensitivity,
    Backtest,
    /// Event data read against a scenario (`events series`, `events suggest`).
    Events,
}

impl RunKind {
    pub const NAMES: [&'static str; 7] =
        ["forecast", "simulate", "negotiate", "tournament", "sensitivity", "backtest", "events"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "forecast" => RunKind::Forecast,
            "simulate" => RunKind::Simulate,
            "negotiate" => RunKind::Negotiate,
            "tournament" => RunKind::Tournament,
            "sensitivity" => RunKind::Sensitivity,
            "backtest" => RunKind::Backtest,
            "events" => RunKind::Events,
            _ => return None,
        })
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Ok,
    Failed,
    Cancelled,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Ok => "ok",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "failed" => RunStatus::Failed,
            "cancelled" => RunStatus::Cancelled,
            _ => RunStatus::Ok,
        }
    }
}

/// One named, typed JSON result of a run. `schema` is the version of the
/// document's own layout, so readers can tell old documents from new.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub name: String,
    pub schema: u32,
    pub body: serde_json::Value,
}

impl Document {
    pub fn new(name: impl Into<String>, body: serde_json::Value) -> Self {
        Document { name: name.into(), schema: 1, body }
    }

    /// A document from any serialisable value.
    pub fn of<T: Serialize>(name: impl Into<String>, value: &T) -> Result<Self, serde_json::Error> {
        Ok(Self::new(name, serde_json::to_value(value)?))
    }
}

/// What a run was made on.
#[derive(Clone, Debug)]
pub enum RunInput<'a> {
    Scenario(&'a Scenario),
    /// Anything else, e.g. a negotiation domain with its profiles: its JSON
    /// (kept and hashed like a scenario) and a title to list it by.
    Other {
        title: String,
        json: serde_json::Value,
    },
}

impl RunInput<'_> {
    pub fn title(&self) -> &str {
        match self {
            RunInput::Scenario(sc) => &sc.meta.title,
            RunInput::Other { title, .. } => title,
        }
    }

    /// The input's canonical JSON and its SHA-256.
    pub fn canonical(&self) -> (String, String) {
        match self {
            RunInput::Scenario(sc) => crate::canonical::scenario_hash(sc),
            RunInput::Other { json, .. } => crate::canonical::hashed(json),
        }
    }
}

/// A run to record.
#[derive(Clone, Debug)]
pub struct NewRun<'a> {
    pub kind: RunKind,
    pub input: RunInput<'a>,
    /// Engines (or protocols, strategies) that ran, in order.
    pub engines: Vec<String>,
    /// Every parameter the run used, so it can be repeated from the record.
    pub params: serde_json::Value,
    pub seed: Option<u64>,
    /// The version of the program that made the run.
    pub version: String,
    pub started_at: SystemTime,
    pub finished_at: SystemTime,
    pub status: RunStatus,
    pub documents: Vec<Document>,
    /// Forecasts whose per-round positions and outcomes are also stored as rows
    /// (their document is [`DOC_FORECASTS`]).
    pub forecasts: &'a [Forecast],
}

impl<'a> NewRun<'a> {
    /// A finished forecast run of `forecasts` (one per engine).
    pub fn forecast(
        scenario: &'a Scenario,
        forecasts: &'a [Forecast],
        params: serde_json::Value,
        version: &str,
        started_at: SystemTime,
    ) -> Self {
        let doc = Document::of(DOC_FORECASTS, &forecasts)
            .unwrap_or_else(|_| Document::new(DOC_FORECASTS, serde_json::Value::Null));
        NewRun {
            kind: RunKind::Forecast,
            input: RunInput::Scenario(scenario),
            engines: forecasts.iter().map(|f| f.engine.clone()).collect(),
            params,
            seed: None,
            version: version.to_string(),
            started_at,
            finished_at: SystemTime::now(),
            status: RunStatus::Ok,
            documents: vec![doc],
            forecasts,
        }
    }
}

/// A run as listed: everything but the scenario and documents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: i64,
    pub kind: RunKind,
    pub status: RunStatus,
    pub scenario_title: String,
    pub scenario_hash: String,
    pub engines: Vec<String>,
    pub seed: Option<u64>,
    pub version: String,
    pub started_at: String,
    pub finished_at: String,
}

/// A run in full.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    #[serde(flatten)]
    pub summary: RunSummary,
    pub params: serde_json::Value,
    pub scenario: serde_json::Value,
    pub documents: Vec<Document>,
}

impl RunRecord {
    pub fn document(&self, name: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.name == name)
    }

    /// The scenario as run (an error for runs not made on a scenario, such as
    /// negotiations on a domain).
    pub fn scenario(&self) -> Result<Scenario, serde_json::Error> {
        serde_json::from_value(self.scenario.clone())
    }

    /// The forecasts of the run, if it has any.
    pub fn forecasts(&self) -> Option<Result<Vec<Forecast>, serde_json::Error>> {
        self.document(DOC_FORECASTS).map(|d| decode_forecasts(&d.body))
    }
}

/// One actor's position in one round of one issue under one engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PositionRow {
    pub run_id: i64,
    pub engine: String,
    pub issue: String,
    pub round: u32,
    pub actor: String,
    pub position: f64,
}

/// One engine's predicted outcome for one issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutcomeRow {
    pub engine: String,
    pub issue: String,
    pub outcome: f64,
    pub converged: Option<bool>,
}

/// Rows drawn from a forecasts document (positions for `run_id`, outcomes).
/// The rows a forecast run stores: every position per round, and each outcome.
pub fn forecast_rows(run_id: i64, forecasts: &[Forecast]) -> (Vec<PositionRow>, Vec<OutcomeRow>) {
    let mut positions = Vec::new();
    let mut outcomes = Vec::new();
    for f in forecasts {
        for iss in &f.issues {
            // SQLite stores NaN as NULL; a non-finite number stays in the document only.
            if iss.outcome.is_finite() {
                outcomes.push(OutcomeRow {
                    engine: f.engine.clone(),
                    issue: iss.issue.clone(),
                    outcome: iss.outcome,
                    converged: iss.converged,
                });
            }
            for (round, row) in iss.trajectory.iter().enumerate() {
                for (k, &pos) in row.iter().enumerate().filter(|(_, p)| p.is_finite()) {
                    let Some(actor) = iss.participants.get(k).and_then(|&a| f.actors.get(a)) else { continue };
                    positions.push(PositionRow {
                        run_id,
                        engine: f.engine.clone(),
                        issue: iss.issue.clone(),
                        round: round as u32,
                        actor: actor.id.clone(),
                        position: pos,
                    });
                }
            }
        }
    }
    (positions, outcomes)
}

/// Decode a forecasts document. JSON has no infinities or NaN: serde writes
/// them as `null`, so a diagnostic statistic that was infinite (a Nash product
/// of zero has log −∞) comes back absent rather than failing the whole run.
pub fn decode_forecasts(body: &serde_json::Value) -> Result<Vec<Forecast>, serde_json::Error> {
    match serde_json::from_value(body.clone()) {
        Ok(f) => Ok(f),
        Err(e) => {
            let mut v = body.clone();
            drop_null_stats(&mut v);
            serde_json::from_value(v).map_err(|_| e)
        }
    }
}

fn drop_null_stats(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if k == "stats" {
                    if let serde_json::Value::Object(stats) = x {
                        stats.retain(|_, s| !s.is_null());
                    }
                } else {
                    drop_null_stats(x);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_null_stats),
        _ => {}
    }
}

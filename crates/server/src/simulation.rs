//! The channel simulation behind `POST /api/simulate`: the request, the run
//! (with progress and cancellation), its record and its answer. Turning the
//! results into report documents is `demarche_app`'s, as for the CLI.

use std::time::SystemTime;

use demarche_app::documents::charts_data;
use demarche_report::data::ParetoData;
use demarche_report::ReportData;
use demarche_scenario::Scenario;
use demarche_sim::Report;
use serde::Deserialize;

use crate::error::ApiError;
use crate::work::ScenarioInput;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SimulateRequest {
    #[serde(flatten)]
    pub input: ScenarioInput,
    /// `direct`, `mediated` or `both` (default: the scenario's setting).
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub runs: Option<u32>,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default = "yes")]
    pub store: bool,
}

fn yes() -> bool {
    true
}

impl SimulateRequest {
    /// The simulation's options; `runs` is checked against the server's ceiling
    /// (the scenario's own `[simulation] runs` is checked once it is resolved:
    /// `limits::check_simulation`).
    pub fn options(&self, limits: &crate::limits::Limits) -> Result<demarche_sim::Options, ApiError> {
        let channel = match self.channel.as_deref() {
            None => None,
            Some(c) => Some(demarche_scenario::settings::simulation::Channel::parse(c).ok_or_else(|| {
                ApiError::bad_request(format!("unknown channel `{c}`; one of direct, mediated, both"))
            })?),
        };
        if self.runs.is_some_and(|r| r == 0 || r > limits.max_sim_runs) {
            return Err(ApiError::bad_request(format!("`runs` must be between 1 and {}", limits.max_sim_runs)));
        }
        Ok(demarche_sim::Options {
            overrides: demarche_sim::Overrides { channel, runs: self.runs, seed: self.seed },
            // The same default as the command line: one answer for one request.
            escalation_runs: demarche_sim::ESCALATION_RUNS,
        })
    }
}

/// The principals' bargaining pictures for a request (empty when the
/// scenario's bargaining problem cannot be set up; the simulation says why).
pub fn pictures(sc: &Scenario, req: &SimulateRequest, limits: &crate::limits::Limits) -> Vec<ParetoData> {
    let Ok(opts) = req.options(limits) else { return Vec::new() };
    demarche_app::record::pictures(sc, &opts.overrides)
}

/// Run the simulation, reporting to and stopped by `control` (the job).
pub fn run(
    sc: &Scenario,
    req: &SimulateRequest,
    limits: &crate::limits::Limits,
    control: &dyn demarche_sim::RunControl,
) -> Result<Report, ApiError> {
    let opts = req.options(limits)?;
    demarche_sim::simulate(sc, &opts, control).map_err(|e| match e {
        demarche_sim::SimError::Invalid(d) => ApiError::scenario(d),
        e @ demarche_sim::SimError::Cancelled { .. } => ApiError::new(axum::http::StatusCode::CONFLICT, e.to_string()),
        other => ApiError::bad_request(other.to_string()),
    })
}

/// Record a simulation run; returns its id, or a note on why it was not kept.
pub fn record(
    store: Option<&std::path::Path>,
    sc: &Scenario,
    req: &SimulateRequest,
    report: &Report,
    pareto: &[ParetoData],
    started: SystemTime,
) -> (Option<i64>, Option<String>) {
    let Some(path) = store.filter(|_| req.store) else { return (None, None) };
    let params = demarche_app::params::SimulateParams {
        channel: req.channel.clone(),
        runs: report.runs,
        seed: report.seed,
        escalation_runs: report.escalation_runs,
        edits: None,
        events: None,
        via: demarche_app::params::Via::Api,
    };
    let run = demarche_app::record::simulation_run(sc, report, pareto, &params, started);
    match demarche_store::Store::open(path).and_then(|mut s| s.record(&run)) {
        Ok(id) => (Some(id), None),
        Err(e) => (None, Some(format!("the run was not stored: {e}"))),
    }
}

/// The answer to a simulation: the simulation's report, and charts.
pub fn answer(
    sc: &Scenario,
    report: &Report,
    pareto: &[ParetoData],
    run_id: Option<i64>,
    store_note: Option<String>,
) -> serde_json::Value {
    let (intervals, escalation) = charts_data(sc, report);
    let data =
        ReportData { scenario: sc.clone(), intervals, escalation, pareto: pareto.to_vec(), ..Default::default() };
    let charts: Vec<serde_json::Value> = demarche_report::sections(&data)
        .into_iter()
        .flat_map(|s| {
            s.charts.into_iter().map(move |c| {
                serde_json::json!({"section": s.id, "heading": s.heading, "id": c.id, "title": c.title,
                                   "caption": c.caption, "svg": c.svg})
            })
        })
        .collect();
    let outcomes: Vec<serde_json::Value> = report
        .channels
        .iter()
        .map(|c| {
            serde_json::json!({"engine": c.channel, "issue": "agreement", "issue_name": "deal at the table",
                               "outcome": c.agreement, "reading": format!("ratified in {:.0}% of runs", c.ratified * 100.0)})
        })
        .collect();
    let outlook = demarche_app::documents::outlook(report);
    serde_json::json!({ "run_id": run_id, "store_note": store_note, "simulation": report,
                        "outcomes": outcomes, "outlook": outlook, "charts": charts, "warnings": [] })
}

//! The work behind the API: reading scenarios from requests and running engines.

use std::time::SystemTime;

use demarche_forecast::{Forecast, Observer, Request};
use demarche_report::ReportData;
use demarche_scenario::{Format, Scenario};
use serde::Deserialize;

use crate::error::ApiError;

/// A scenario in a request: as a JSON object in the native layout, or as the
/// text of a file in any format the CLI reads.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ScenarioInput {
    #[serde(default)]
    pub scenario: Option<serde_json::Value>,
    #[serde(default)]
    pub text: Option<String>,
    /// `toml`, `json`, `bdm-csv`, `ktab-csv`, `ktab-xml`; guessed when absent.
    #[serde(default)]
    pub format: Option<String>,
    /// A file name, used in diagnostics and to guess the format.
    #[serde(default)]
    pub name: Option<String>,
}

/// A scenario that loaded, with its warnings.
pub struct Parsed {
    pub scenario: Scenario,
    pub warnings: demarche_scenario::Diagnostics,
}

impl ScenarioInput {
    /// Load and validate exactly as the CLI does.
    pub fn load(&self) -> Result<Parsed, ApiError> {
        let format = self.format.as_deref().map(Format::from_name).transpose().map_err(ApiError::bad_request)?;
        let (text, format, label) =
            match (&self.scenario, &self.text) {
                (Some(v), None) => (v.to_string(), Some(Format::Json), "<request>.scenario".to_string()),
                (None, Some(t)) => (t.clone(), format, self.name.clone().unwrap_or_else(|| "<request>.text".into())),
                (Some(_), Some(_)) => return Err(ApiError::bad_request("send either `scenario` or `text`, not both")),
                (None, None) => return Err(ApiError::bad_request(
                    "no scenario: send `scenario` (a JSON object in the native layout) or `text` (a file's content)",
                )),
            };
        match demarche_scenario::load_str(&text, format, Some(&label)) {
            Ok(l) => Ok(Parsed { scenario: l.scenario, warnings: l.warnings }),
            Err(e) => Err(ApiError::scenario(e.diagnostics)),
        }
    }
}

/// Which models to run: `"all"`, a comma list, or a JSON list.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Models {
    One(String),
    Many(Vec<String>),
}

impl Default for Models {
    fn default() -> Self {
        Models::One("all".into())
    }
}

impl Models {
    pub fn expand(&self) -> Result<Vec<&'static str>, ApiError> {
        let spec = match self {
            Models::One(s) => s.clone(),
            Models::Many(v) => v.join(","),
        };
        demarche_engines::expand(&spec).map_err(ApiError::from)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ForecastRequest {
    #[serde(flatten)]
    pub input: ScenarioInput,
    #[serde(default)]
    pub models: Models,
    /// Engine options as `engine.key=value`.
    #[serde(default)]
    pub options: Vec<String>,
    /// Only these issues (all when absent).
    #[serde(default)]
    pub issues: Option<Vec<String>>,
    /// Maximum rounds for iterative models.
    #[serde(default)]
    pub rounds: Option<u32>,
    /// Also run the models on this many draws of the stated uncertainty
    /// (at most `Limits::max_draws`, checked before work starts) and report
    /// each outcome's band.
    #[serde(default)]
    pub runs: Option<u32>,
    /// Seed of those draws (default 1).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Keep a record in the run store (default true).
    #[serde(default = "yes")]
    pub store: bool,
    /// Include the SVG charts in the answer (default true).
    #[serde(default = "yes")]
    pub charts: bool,
}

fn yes() -> bool {
    true
}

/// Engine options given as `engine.key=value`.
pub fn overrides(options: &[String]) -> Result<demarche_engines::Overrides, ApiError> {
    Ok(demarche_app::ModelRun::with_options(options, Request::default())?.overrides)
}

/// How the request's models run: its options and issues, its round limit.
fn model_run(req: &ForecastRequest) -> Result<demarche_app::ModelRun, ApiError> {
    let request = Request { issues: req.issues.clone(), max_rounds: req.rounds };
    demarche_app::ModelRun::with_options(&req.options, request).map_err(ApiError::from)
}

/// The request's models on `req.runs` draws of the stated uncertainty (None
/// when it asks for none); `control` sees the draws done and is asked before each.
pub fn uncertainty(
    req: &ForecastRequest,
    sc: &Scenario,
    stated: &[Forecast],
    control: &dyn demarche_forecast::RunControl,
) -> Result<Option<demarche_sim::uncertainty::ForecastUncertainty>, ApiError> {
    let Some(runs) = req.runs else { return Ok(None) };
    let u = demarche_app::forecast::bands_until(sc, stated, &model_run(req)?, runs, req.seed.unwrap_or(1), control);
    if control.cancelled() {
        return Err(ApiError::new(axum::http::StatusCode::CONFLICT, "the run was cancelled"));
    }
    Ok(Some(u))
}

/// Run every requested model; `before_step(step, steps, model)` is told before each.
pub fn forecast(
    req: &ForecastRequest,
    sc: &Scenario,
    before_step: impl FnMut(usize, usize, &str),
    observer: &mut dyn Observer,
) -> Result<Vec<Forecast>, ApiError> {
    let models = req.models.expand()?;
    if req.rounds.is_some_and(|r| r == 0 || r > 100_000) {
        return Err(ApiError::bad_request("`rounds` must be between 1 and 100000"));
    }
    // `all` runs every model that can run the scenario (the exchange model needs two
    // issues), as the command line does; models named one by one must all run.
    let all = matches!(&req.models, Models::One(s) if s == "all");
    let ran =
        demarche_app::run_models(sc, &models, &model_run(req)?, all, before_step, observer).map_err(|e| match e {
            demarche_app::ForecastError::Engine {
                source: demarche_forecast::EngineError::InvalidScenario(d), ..
            } => ApiError::scenario(d),
            demarche_app::ForecastError::Engine { source: demarche_forecast::EngineError::Cancelled, .. } => {
                ApiError::new(axum::http::StatusCode::CONFLICT, "the run was cancelled")
            }
            demarche_app::ForecastError::Engine { source, .. } => ApiError::bad_request(source.to_string()),
            other => ApiError::bad_request(other.to_string()),
        })?;
    Ok(ran.forecasts)
}

/// Record a forecast run; returns its id, or a note on why it was not kept.
pub fn record(
    store: Option<&std::path::Path>,
    req: &ForecastRequest,
    sc: &Scenario,
    forecasts: &[Forecast],
    uncertainty: Option<&demarche_sim::uncertainty::ForecastUncertainty>,
    started: SystemTime,
) -> (Option<i64>, Option<String>) {
    let Some(path) = store.filter(|_| req.store) else { return (None, None) };
    let params = demarche_app::params::ForecastParams {
        models: Some(demarche_app::params::Models::Ran(forecasts.iter().map(|f| f.engine.clone()).collect())),
        request: Some(demarche_app::params::ModelRequest {
            options: req.options.clone(),
            issues: req.issues.clone(),
            rounds: req.rounds,
        }),
        runs: Some(uncertainty.map(|u| u.runs)),
        seed: Some(uncertainty.map(|u| u.seed)),
        via: Some(demarche_app::params::Via::Api),
        ..Default::default()
    };
    let run = demarche_app::record::forecast_run(sc, forecasts, uncertainty, Default::default(), &params, started);
    match demarche_store::Store::open(path).and_then(|mut s| s.record(&run)) {
        Ok(id) => (Some(id), None),
        Err(e) => (None, Some(format!("the run was not stored: {e}"))),
    }
}

/// Record a finished forecast (with its bands, if any) and build the answer.
pub fn finish(
    config: &crate::Config,
    req: &ForecastRequest,
    p: &Parsed,
    forecasts: Vec<Forecast>,
    uncertainty: Option<demarche_sim::uncertainty::ForecastUncertainty>,
    started: SystemTime,
) -> serde_json::Value {
    let u = uncertainty.as_ref();
    let (id, note) = record(config.store.as_deref(), req, &p.scenario, &forecasts, u, started);
    forecast_answer(&p.scenario, forecasts, &p.warnings, u, id, note, req.charts)
}

/// The answer to a forecast: forecasts, a table of outcomes and the charts.
pub fn forecast_answer(
    sc: &Scenario,
    forecasts: Vec<Forecast>,
    warnings: &demarche_scenario::Diagnostics,
    uncertainty: Option<&demarche_sim::uncertainty::ForecastUncertainty>,
    run_id: Option<i64>,
    store_note: Option<String>,
    with_charts: bool,
) -> serde_json::Value {
    let outcomes: Vec<serde_json::Value> = forecasts
        .iter()
        .flat_map(|f| {
            f.issues.iter().map(move |i| {
                let issue = sc.issues.iter().find(|x| x.id == i.issue);
                serde_json::json!({
                    "engine": f.engine, "issue": i.issue,
                    "issue_name": issue.map(|x| x.name.clone()),
                    "outcome": i.outcome,
                    "reading": issue.map(|x| x.describe(i.outcome)),
                    "converged": i.converged,
                })
            })
        })
        .collect();
    let mut data = ReportData::new(sc.clone(), forecasts);
    if let Some(u) = uncertainty {
        data.intervals = demarche_app::documents::uncertainty_charts(sc, u);
    }
    let sections = if with_charts { demarche_report::sections(&data) } else { Vec::new() };
    // The tables of the model sections (the exchange model's trades), as the report writes them.
    let tables: Vec<serde_json::Value> = sections
        .iter()
        .filter(|s| s.id == "exchanges")
        .filter_map(|s| {
            s.table
                .as_ref()
                .map(|t| serde_json::json!({"section": s.id, "heading": s.heading, "intro": s.intro, "html": t}))
        })
        .collect();
    let charts: Vec<serde_json::Value> = if with_charts {
        sections
            .into_iter()
            .flat_map(|s| {
                s.charts.into_iter().map(move |c| {
                    serde_json::json!({"section": s.id, "heading": s.heading, "id": c.id, "title": c.title,
                                       "caption": c.caption, "svg": c.svg})
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    serde_json::json!({
        "run_id": run_id,
        "store_note": store_note,
        "warnings": warnings,
        "outcomes": outcomes,
        "forecasts": data.forecasts,
        "uncertainty": uncertainty,
        "charts": charts,
        "tables": tables,
    })
}

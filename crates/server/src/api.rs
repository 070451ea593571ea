//! Routes: the page, the JSON API and the access check.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::config::Config;
use crate::error::{ApiError, JsonBody};
use crate::guard::HostAllowList;
use crate::jobs::{Jobs, Outcome};
use crate::work::{self, ForecastRequest, ScenarioInput};

pub struct AppState {
    pub config: Config,
    pub jobs: Arc<Jobs>,
    /// The address the server is bound to (with the port it really got).
    pub bound: std::net::SocketAddr,
    pub hosts: HostAllowList,
    /// Light blocking work (loading, validating, reading the store) at once;
    /// more waits its turn without holding a thread.
    light: tokio::sync::Semaphore,
    page: String,
}

impl AppState {
    pub fn new(config: Config, bound: std::net::SocketAddr) -> Self {
        AppState {
            page: crate::assets::page(),
            jobs: Arc::new(Jobs::new(config.limits.clone())),
            hosts: HostAllowList::new(bound, config.public, &config.allow_hosts),
            bound,
            light: tokio::sync::Semaphore::new(LIGHT_WORK),
            config,
        }
    }

    /// Run `f` on a blocking thread (never on the async workers), a few at a time.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.light.acquire().await.map_err(|_| ApiError::internal("the server is shutting down"))?;
        tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::internal(format!("the request failed: {e}")))?
    }
}

/// Pieces of light blocking work at once.
const LIGHT_WORK: usize = 4;

pub type Shared = Arc<AppState>;

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .route("/api/models", get(models))
        .route("/api/scenario/seed", get(seed))
        .route("/api/scenario/validate", post(validate))
        .route("/api/scenario/toml", post(to_toml))
        .route("/api/forecast", post(forecast))
        .route("/api/simulate", post(simulate))
        .route("/api/events", post(events_review))
        .route("/api/events/apply", post(events_apply))
        .route("/api/jobs", post(start_job))
        .route("/api/jobs/{id}", get(job).delete(cancel_job))
        .route("/api/runs", get(runs))
        .route("/api/runs/{id}", get(run))
        .route("/api/runs/{id}/report", get(run_report))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), crate::guard::guard))
        .with_state(state)
}

async fn index(State(st): State<Shared>) -> Response {
    let mut res = Html(st.page.clone()).into_response();
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data: blob:",
        ),
    );
    res
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such page or API route; see /api/openapi.json")
}

async fn health(State(st): State<Shared>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "ok": true, "version": st.config.version, "store": st.config.store.is_some(),
        "busy": st.jobs.busy(), "kept_result_bytes": st.jobs.kept_bytes(),
        "limits": {
            "max_rounds": st.config.limits.max_rounds, "max_draws": st.config.limits.max_draws,
            "max_sim_runs": st.config.limits.max_sim_runs, "max_running": st.config.limits.max_running,
            "max_waiting": st.config.limits.max_waiting, "max_answer_bytes": st.config.limits.max_answer_bytes,
            "results_budget_bytes": st.config.limits.results_budget_bytes,
        },
    }))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::assets::OPENAPI).into_response()
}

async fn models() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "models": demarche_engines::MODELS, "simulate": true }))
}

async fn seed(State(st): State<Shared>) -> Result<Json<serde_json::Value>, ApiError> {
    let s = st.clone();
    let value = st
        .blocking(move || {
            let l = demarche_scenario::load_str(
                &s.config.seed_scenario,
                Some(demarche_scenario::Format::Toml),
                Some(&s.config.seed_label),
            )
            .map_err(|e| ApiError::internal(format!("the built-in scenario does not load: {e}")))?;
            Ok(serde_json::json!({ "label": s.config.seed_label, "scenario": l.scenario, "text": s.config.seed_scenario }))
        })
        .await?;
    Ok(Json(value))
}

/// 200 either way: `ok` says whether the scenario loads; `diagnostics` lists
/// every problem as the CLI's `check --json` does.
async fn validate(
    State(st): State<Shared>,
    JsonBody(input): JsonBody<ScenarioInput>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let value = st
        .blocking(move || match input.load() {
            Ok(p) => Ok(serde_json::json!({
                "ok": true, "diagnostics": p.warnings, "scenario": p.scenario,
                "actors": p.scenario.actors.len(), "issues": p.scenario.issues.len(), "stances": p.scenario.stances.len(),
            })),
            Err(ApiError { diagnostics: Some(d), .. }) => Ok(serde_json::json!({ "ok": false, "diagnostics": d })),
            Err(e) => Err(e),
        })
        .await?;
    Ok(Json(value))
}

/// `POST /api/scenario/toml`: the scenario as TOML to save. With `original`
/// (the TOML file it was opened from), the edited values are written into that
/// text, keeping its comments and layout, when only values were edited
/// (`X-Demarche-Save: kept`); otherwise the scenario is written afresh
/// (`rewritten`). The download is named after `name` when it is a TOML file.
#[derive(serde::Deserialize)]
struct SaveRequest {
    #[serde(flatten)]
    input: ScenarioInput,
    #[serde(default)]
    original: Option<String>,
}

/// A download name from a file name: its last part, plain characters only, ending `.toml`.
fn download_name(name: Option<&str>) -> String {
    let base = name.and_then(|n| n.rsplit(['/', '\\']).next()).unwrap_or("");
    let clean: String = base.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).collect();
    if clean.ends_with(".toml") && clean.len() > 5 {
        clean
    } else {
        "scenario.toml".into()
    }
}

async fn to_toml(State(st): State<Shared>, JsonBody(req): JsonBody<SaveRequest>) -> Result<Response, ApiError> {
    let name = download_name(req.input.name.as_deref());
    let (text, how) = st
        .blocking(move || {
            let p = req.input.load()?;
            if let Some(text) =
                req.original.as_deref().and_then(|o| demarche_scenario::save::patch_toml(o, &p.scenario))
            {
                return Ok((text, "kept"));
            }
            let text = demarche_scenario::to_toml(&p.scenario)
                .map_err(|e| ApiError::internal(format!("cannot write the scenario as TOML: {e}")))?;
            Ok((text, "rewritten"))
        })
        .await?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment; filename=\"scenario.toml\""));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/toml; charset=utf-8")),
            (header::CONTENT_DISPOSITION, disposition),
            (header::HeaderName::from_static("x-demarche-save"), HeaderValue::from_static(how)),
        ],
        text,
    )
        .into_response())
}

/// A JSON answer from text already measured against the answer ceiling.
fn json_text(status: StatusCode, text: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], text).into_response()
}

/// Check a forecast request against the server's ceilings, before any work.
fn check_forecast(st: &AppState, req: &ForecastRequest, sc: &demarche_scenario::Scenario) -> Result<(), ApiError> {
    let models = req.models.expand()?;
    let overrides = work::overrides(&req.options)?;
    if req.rounds == Some(0) {
        return Err(ApiError::bad_request("`rounds` must be at least 1"));
    }
    if req.runs == Some(0) {
        return Err(ApiError::bad_request(format!("`runs` must be between 1 and {}", st.config.limits.max_draws)));
    }
    let plan = crate::limits::ForecastPlan {
        models: &models,
        rounds: req.rounds,
        draws: req.runs.unwrap_or(0),
        overrides: &overrides,
    };
    crate::limits::check_forecast(&st.config.limits, sc, &plan)
}

/// The forecast itself, on a worker: the models, their bands, the record, the answer.
fn run_forecast(
    st: &AppState,
    job: &crate::jobs::Job,
    req: &ForecastRequest,
    parsed: &work::Parsed,
) -> Result<Outcome, ApiError> {
    let started = SystemTime::now();
    let mut obs = job.observer();
    let forecasts = work::forecast(req, &parsed.scenario, |k, n, m| job.set_step(k, n, m), &mut obs)?;
    if req.runs.is_some() {
        job.set_step(1, 1, "forecasts under uncertainty");
    }
    let u = work::uncertainty(req, &parsed.scenario, &forecasts, job)?;
    Ok(work::finish(&st.config, req, parsed, forecasts, u, started).into())
}

async fn forecast(State(st): State<Shared>, JsonBody(req): JsonBody<ForecastRequest>) -> Result<Response, ApiError> {
    let state = st.clone();
    let outcome = st
        .jobs
        .run_now(move |job| {
            let parsed = req.input.load()?;
            check_forecast(&state, &req, &parsed.scenario)?;
            run_forecast(&state, job, &req, &parsed)
        })
        .await?;
    let text = crate::limits::answer_text(&st.config.limits, &outcome.answer)?;
    Ok(json_text(StatusCode::OK, text))
}

/// Review an events file against the scenario: bounded by the request body's
/// size, run on the job queue's workers like a forecast.
async fn events_review(
    State(st): State<Shared>,
    JsonBody(req): JsonBody<crate::events::EventsRequest>,
) -> Result<Response, ApiError> {
    let state = st.clone();
    let outcome = st
        .jobs
        .run_now(move |_job| {
            let started = SystemTime::now();
            let r = crate::events::review(&req)?;
            let (id, note) = crate::events::record(state.config.store.as_deref(), &req, &r, started);
            Ok(Outcome { answer: crate::events::answer(&r, id, note), run_id: id })
        })
        .await?;
    let text = crate::limits::answer_text(&st.config.limits, &outcome.answer)?;
    Ok(json_text(StatusCode::OK, text))
}

/// The scenario with the accepted suggestions applied (nothing stored).
async fn events_apply(
    State(st): State<Shared>,
    JsonBody(req): JsonBody<crate::events::EventsRequest>,
) -> Result<Response, ApiError> {
    let outcome =
        st.jobs.run_now(move |_job| Ok(Outcome { answer: crate::events::apply(&req)?, run_id: None })).await?;
    let text = crate::limits::answer_text(&st.config.limits, &outcome.answer)?;
    Ok(json_text(StatusCode::OK, text))
}

fn accepted(id: u64) -> Response {
    (StatusCode::ACCEPTED, Json(serde_json::json!({ "id": id, "state": "queued", "poll": format!("/api/jobs/{id}") })))
        .into_response()
}

/// Start the channel simulation as a job: 202 with its id. Cancelling stops the
/// Monte Carlo loop at its next chunk of runs.
async fn simulate(
    State(st): State<Shared>,
    JsonBody(req): JsonBody<crate::simulation::SimulateRequest>,
) -> Result<Response, ApiError> {
    let limits = st.config.limits.clone();
    let (parsed, req) = st
        .blocking(move || {
            let parsed = req.input.load()?;
            let opts = req.options(&limits)?;
            let plan = demarche_sim::Plan::new(&parsed.scenario, &opts.overrides).map_err(ApiError::scenario)?;
            crate::limits::check_simulation(&limits, &parsed.scenario, &plan.settings, req.runs.is_some())?;
            Ok((parsed, req))
        })
        .await?;
    let state = st.clone();
    let id = st.jobs.start(move |job| {
        let started = SystemTime::now();
        job.set_step(0, 1, "simulation");
        let limits = &state.config.limits;
        let report = crate::simulation::run(&parsed.scenario, &req, limits, job)?;
        let pareto = crate::simulation::pictures(&parsed.scenario, &req, limits);
        let (id, note) =
            crate::simulation::record(state.config.store.as_deref(), &parsed.scenario, &req, &report, &pareto, started);
        Ok(crate::simulation::answer(&parsed.scenario, &report, &pareto, id, note).into())
    })?;
    Ok(accepted(id))
}

/// Start a forecast as a job: 202 with its id; poll GET /api/jobs/{id}.
async fn start_job(State(st): State<Shared>, JsonBody(req): JsonBody<ForecastRequest>) -> Result<Response, ApiError> {
    // Reject a bad scenario or an oversized request now rather than in a job nobody polls.
    let state = st.clone();
    let (parsed, req) = st
        .blocking(move || {
            let parsed = req.input.load()?;
            check_forecast(&state, &req, &parsed.scenario)?;
            Ok((parsed, req))
        })
        .await?;
    let state = st.clone();
    let id = st.jobs.start(move |job| run_forecast(&state, job, &req, &parsed))?;
    Ok(accepted(id))
}

fn job_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse()
        .ok()
        .filter(|&id| id >= 1)
        .ok_or_else(|| ApiError::bad_request(format!("`{raw}` is not a job id (a positive whole number)")))
}

async fn job(State(st): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = job_id(&id)?;
    let text = st.jobs.get(id).ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no job {id}")))?;
    Ok(json_text(StatusCode::OK, text))
}

async fn cancel_job(State(st): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = job_id(&id)?;
    let text = st.jobs.cancel(id).ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no job {id}")))?;
    Ok(json_text(StatusCode::OK, text))
}

fn open_store(st: &AppState) -> Result<demarche_store::Store, ApiError> {
    let path = st.config.store.as_deref().ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "this server keeps no run store (started with --no-store)")
    })?;
    demarche_store::Store::open(path).map_err(|e| ApiError::internal(e.to_string()))
}

fn run_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .ok()
        .filter(|&id| id >= 1)
        .ok_or_else(|| ApiError::bad_request(format!("`{raw}` is not a run id (a positive whole number)")))
}

fn store_error(e: demarche_store::StoreError) -> ApiError {
    match e {
        demarche_store::StoreError::NotFound(id) => ApiError::new(StatusCode::NOT_FOUND, format!("no run {id}")),
        other => ApiError::internal(other.to_string()),
    }
}

async fn runs(
    State(st): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let limit = match q.get("limit") {
        Some(l) => {
            Some(l.parse::<usize>().ok().filter(|n| (1..=demarche_store::MAX_LIST).contains(n)).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "`limit` must be a whole number from 1 to {}, got `{l}`",
                    demarche_store::MAX_LIST
                ))
            })?)
        }
        None => None,
    };
    let kind = match q.get("kind") {
        Some(k) => Some(demarche_store::RunKind::parse(k).ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown run kind `{k}`; one of {}",
                demarche_store::RunKind::NAMES.join(", ")
            ))
        })?),
        None => None,
    };
    let s = st.clone();
    let list = st
        .blocking(move || open_store(&s)?.list(&demarche_store::ListFilter { kind, limit }).map_err(store_error))
        .await?;
    Ok(Json(serde_json::json!({ "runs": list })))
}

async fn run(State(st): State<Shared>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let id = run_id(&id)?;
    let s = st.clone();
    let rec = st.blocking(move || open_store(&s)?.get(id).map_err(store_error)).await?;
    Ok(Json(serde_json::to_value(rec).map_err(|e| ApiError::internal(e.to_string()))?))
}

async fn run_report(State(st): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = run_id(&id)?;
    let s = st.clone();
    let html = st
        .blocking(move || {
            let rec = open_store(&s)?.get(id).map_err(store_error)?;
            let data = demarche_app::reports::from_record(&rec).map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(demarche_report::render_html(&data))
        })
        .await?;
    Ok(Html(html).into_response())
}

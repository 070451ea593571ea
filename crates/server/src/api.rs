//! Routes: the page, the JSON API and the access check.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::config::Config;
use crate::error::{ApiError, JsonBody};
use crate::jobs::Jobs;
use crate::work::{self, ForecastRequest, ScenarioInput};

pub struct AppState {
    pub config: Config,
    pub jobs: Jobs,
    page: String,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        AppState { page: crate::assets::page(), config, jobs: Jobs::default() }
    }
}

type Shared = Arc<AppState>;

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
        .route("/api/jobs", post(start_job))
        .route("/api/jobs/{id}", get(job).delete(cancel_job))
        .route("/api/runs", get(runs))
        .route("/api/runs/{id}", get(run))
        .route("/api/runs/{id}/report", get(run_report))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Token check (when the server is public) and safe headers on every answer.
async fn guard(State(st): State<Shared>, req: Request, next: Next) -> Response {
    if let Some(token) = &st.config.token {
        if !has_token(&req, token) {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this server requires its access token: send `Authorization: Bearer TOKEN` or add ?token=TOKEN to the URL",
            )
            .into_response();
        }
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    res
}

fn has_token(req: &Request, token: &str) -> bool {
    let eq = |given: &str| constant_time_eq(given.as_bytes(), token.as_bytes());
    let headers = req.headers();
    if let Some(v) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        if v.strip_prefix("Bearer ").is_some_and(eq) {
            return true;
        }
    }
    if headers.get("x-demarche-token").and_then(|v| v.to_str().ok()).is_some_and(eq) {
        return true;
    }
    req.uri().query().unwrap_or("").split('&').any(|kv| kv.strip_prefix("token=").is_some_and(eq))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
    Json(serde_json::json!({ "ok": true, "version": st.config.version, "store": st.config.store.is_some() }))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::assets::OPENAPI).into_response()
}

async fn models() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "models": demarche_engines::MODELS, "simulate": true }))
}

async fn seed(State(st): State<Shared>) -> Result<Json<serde_json::Value>, ApiError> {
    let l = demarche_scenario::load_str(
        &st.config.seed_scenario,
        Some(demarche_scenario::Format::Toml),
        Some(&st.config.seed_label),
    )
    .map_err(|e| ApiError::internal(format!("the built-in scenario does not load: {e}")))?;
    Ok(Json(serde_json::json!({ "label": st.config.seed_label, "scenario": l.scenario })))
}

/// 200 either way: `ok` says whether the scenario loads; `diagnostics` lists
/// every problem as the CLI's `check --json` does.
async fn validate(JsonBody(input): JsonBody<ScenarioInput>) -> Result<Json<serde_json::Value>, ApiError> {
    match input.load() {
        Ok(p) => Ok(Json(serde_json::json!({
            "ok": true, "diagnostics": p.warnings, "scenario": p.scenario,
            "actors": p.scenario.actors.len(), "issues": p.scenario.issues.len(), "stances": p.scenario.stances.len(),
        }))),
        Err(ApiError { diagnostics: Some(d), .. }) => Ok(Json(serde_json::json!({ "ok": false, "diagnostics": d }))),
        Err(e) => Err(e),
    }
}

async fn to_toml(JsonBody(input): JsonBody<ScenarioInput>) -> Result<Response, ApiError> {
    let p = input.load()?;
    let text = demarche_scenario::to_toml(&p.scenario)
        .map_err(|e| ApiError::internal(format!("cannot write the scenario as TOML: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/toml; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"scenario.toml\""),
        ],
        text,
    )
        .into_response())
}

async fn forecast(
    State(st): State<Shared>,
    JsonBody(req): JsonBody<ForecastRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let answer = tokio::task::spawn_blocking(move || -> Result<serde_json::Value, ApiError> {
        let started = SystemTime::now();
        let p = req.input.load()?;
        let forecasts = work::forecast(&req, &p.scenario, |_, _, _| {}, &mut demarche_forecast::NoObserver)?;
        let u = work::uncertainty(&req, &p.scenario, &forecasts, &|| false)?;
        Ok(work::finish(&st.config, &req, &p, forecasts, u, started))
    })
    .await
    .map_err(|e| ApiError::internal(format!("the forecast failed: {e}")))??;
    Ok(Json(answer))
}

/// Start the channel simulation as a job: 202 with its id. Cancelling stops the
/// Monte Carlo loop at its next chunk of runs.
async fn simulate(
    State(st): State<Shared>,
    JsonBody(req): JsonBody<crate::simulation::SimulateRequest>,
) -> Result<Response, ApiError> {
    let parsed = req.input.load()?;
    req.options()?;
    let state = st.clone();
    let id = st.jobs.start(move |job| {
        let started = SystemTime::now();
        job.set_step(0, 1, "simulation");
        let report = crate::simulation::run(&parsed.scenario, &req, &|done| job.set_round(done), &|| job.cancelled())?;
        let pareto = crate::simulation::pictures(&parsed.scenario, &req);
        let (id, note) = crate::simulation::record(
            state.config.store.as_deref(),
            &parsed.scenario,
            &req,
            &report,
            &pareto,
            &state.config.version,
            started,
        );
        Ok(crate::simulation::answer(&parsed.scenario, &report, &pareto, id, note))
    })?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "id": id, "state": "running", "poll": format!("/api/jobs/{id}") })),
    )
        .into_response())
}

/// Start a forecast as a job: 202 with its id; poll GET /api/jobs/{id}.
async fn start_job(State(st): State<Shared>, JsonBody(req): JsonBody<ForecastRequest>) -> Result<Response, ApiError> {
    // Reject a bad scenario now rather than in a job nobody polls.
    let parsed = req.input.load()?;
    req.models.expand()?;
    if req.runs.is_some_and(|r| r == 0 || r > work::MAX_UNCERTAINTY_RUNS) {
        return Err(ApiError::bad_request(format!("`runs` must be between 1 and {}", work::MAX_UNCERTAINTY_RUNS)));
    }
    let state = st.clone();
    let id = st.jobs.start(move |job| {
        let started = SystemTime::now();
        let mut obs = job.observer();
        let forecasts = work::forecast(&req, &parsed.scenario, |k, n, m| job.set_step(k, n, m), &mut obs)?;
        if req.runs.is_some() {
            job.set_step(1, 1, "forecasts under uncertainty");
        }
        let u = work::uncertainty(&req, &parsed.scenario, &forecasts, &|| job.cancelled())?;
        Ok(work::finish(&state.config, &req, &parsed, forecasts, u, started))
    })?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "id": id, "state": "running", "poll": format!("/api/jobs/{id}") })),
    )
        .into_response())
}

fn job_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse()
        .ok()
        .filter(|&id| id >= 1)
        .ok_or_else(|| ApiError::bad_request(format!("`{raw}` is not a job id (a positive whole number)")))
}

async fn job(State(st): State<Shared>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let id = job_id(&id)?;
    st.jobs.get(id).map(Json).ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no job {id}")))
}

async fn cancel_job(State(st): State<Shared>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let id = job_id(&id)?;
    st.jobs.cancel(id).map(Json).ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no job {id}")))
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
    let list = tokio::task::spawn_blocking(move || {
        open_store(&st)?.list(&demarche_store::ListFilter { kind, limit }).map_err(store_error)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(serde_json::json!({ "runs": list })))
}

async fn run(State(st): State<Shared>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let id = run_id(&id)?;
    let rec = tokio::task::spawn_blocking(move || open_store(&st)?.get(id).map_err(store_error))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(serde_json::to_value(rec).map_err(|e| ApiError::internal(e.to_string()))?))
}

async fn run_report(State(st): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = run_id(&id)?;
    let html = tokio::task::spawn_blocking(move || -> Result<String, ApiError> {
        let rec = open_store(&st)?.get(id).map_err(store_error)?;
        let data = demarche_report::ReportData::from_record(&rec).map_err(ApiError::internal)?;
        Ok(demarche_report::render_html(&data))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Html(html).into_response())
}

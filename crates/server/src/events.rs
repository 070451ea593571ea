//! Event data in the workbench: `POST /api/events` reviews an events file
//! against the scenario (timelines per dyad, suggested updates with their
//! events) and `POST /api/events/apply` returns the scenario with the
//! accepted suggestions applied. Both are `demarche_app::events`' use cases,
//! as `events suggest` and `--overlay` are on the command line.

use std::time::SystemTime;

use demarche_report::ReportData;
use serde::Deserialize;

use crate::error::ApiError;
use crate::work::ScenarioInput;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct EventsRequest {
    #[serde(flatten)]
    pub input: ScenarioInput,
    /// The text of an events file (any kind `events import` reads), or of
    /// headlines to code (JSONL `{"id", "text", "date"}`, or one per line).
    pub events: String,
    /// Its file name (to guess its kind, and in messages).
    #[serde(default)]
    pub events_name: Option<String>,
    /// Only events on or after / on or before these days (`YYYY-MM-DD`).
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
    /// `apply`: the suggestions accepted, by their number (1-based, as listed).
    #[serde(default)]
    pub accept: Vec<usize>,
    /// Keep the review in the run store (default true; `apply` stores nothing).
    #[serde(default = "yes")]
    pub store: bool,
}

fn yes() -> bool {
    true
}

/// A reviewed events request: the scenario, the events and the review.
pub struct Reviewed {
    pub scenario: demarche_scenario::Scenario,
    pub events: Vec<demarche_events::Event>,
    pub how: String,
    pub review: demarche_app::events::Review,
}

fn bad(e: demarche_app::events::EventsError) -> ApiError {
    ApiError::bad_request(e.to_string())
}

/// Reads the request's scenario and events and reviews them.
pub fn review(req: &EventsRequest) -> Result<Reviewed, ApiError> {
    let scenario = req.input.load()?.scenario;
    let name = req.events_name.clone().unwrap_or_else(|| "events".into());
    let (events, how) = demarche_app::events::events_from_text(&req.events, &name).map_err(bad)?;
    let day = |d: &Option<String>| d.as_deref().map(demarche_app::events::day).transpose().map_err(bad);
    let (since, until) = (day(&req.since)?, day(&req.until)?);
    let review = demarche_app::events::review(Some(&scenario), &events, since, until);
    Ok(Reviewed { scenario, events, how, review })
}

/// The answer to a review: what was read, the timelines as charts, and the
/// suggestions, numbered, each with its events and overlay entry.
pub fn answer(r: &Reviewed, run_id: Option<i64>, store_note: Option<String>) -> serde_json::Value {
    let data = ReportData { scenario: r.scenario.clone(), events: Some(r.review.drawn.clone()), ..Default::default() };
    let charts: Vec<serde_json::Value> = demarche_report::sections(&data)
        .into_iter()
        .filter(|s| s.id == "events")
        .flat_map(|s| s.charts)
        .map(|c| serde_json::json!({"id": c.id, "title": c.title, "caption": c.caption, "svg": c.svg}))
        .collect();
    let suggestions: Vec<serde_json::Value> = r
        .review
        .drawn
        .suggestions
        .iter()
        .zip(&r.review.suggestions)
        .enumerate()
        .map(|(i, (row, s))| {
            let mut v = serde_json::to_value(row).unwrap_or_default();
            v["number"] = (i + 1).into();
            v["overlay"] = s.overlay.clone().into();
            v
        })
        .collect();
    serde_json::json!({
        "how": r.how, "summary": r.review.drawn.summary, "charts": charts, "suggestions": suggestions,
        "overlay": r.review.overlay, "run_id": run_id, "store_note": store_note,
    })
}

/// Records the review as an events run; its id, or a note on why not.
pub fn record(
    store: Option<&std::path::Path>,
    req: &EventsRequest,
    r: &Reviewed,
    started: SystemTime,
) -> (Option<i64>, Option<String>) {
    let Some(path) = store.filter(|_| req.store) else { return (None, None) };
    let params = demarche_app::params::EventsParams {
        command: "suggest".into(),
        files: vec![req.events_name.clone().unwrap_or_else(|| "events".into())],
        since: req.since.clone(),
        until: req.until.clone(),
        via: demarche_app::params::Via::Api,
    };
    let run = demarche_app::record::events_run(Some(&r.scenario), &r.review, &r.events, &params, started);
    match demarche_store::Store::open(path).and_then(|mut s| s.record(&run)) {
        Ok(id) => (Some(id), None),
        Err(e) => (None, Some(format!("the review was not stored: {e}"))),
    }
}

/// The scenario with the accepted suggestions applied.
pub fn apply(req: &EventsRequest) -> Result<serde_json::Value, ApiError> {
    if req.accept.is_empty() {
        return Err(ApiError::bad_request("no suggestion accepted: send `accept`, the numbers of those to apply"));
    }
    if req.accept.contains(&0) {
        return Err(ApiError::bad_request("suggestions are numbered from 1"));
    }
    let r = review(req)?;
    let zero_based: Vec<usize> = req.accept.iter().map(|n| n - 1).collect();
    let scenario =
        demarche_app::events::apply_suggestions(&r.scenario, &r.review.suggestions, &zero_based).map_err(bad)?;
    Ok(serde_json::json!({ "scenario": scenario, "applied": req.accept }))
}

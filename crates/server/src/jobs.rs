//! All work the server does goes through here: one bounded queue for every
//! kind (a forecast answered at once, a forecast job, a simulation), progress,
//! cancellation, and finished results kept within a memory budget.
//!
//! A piece of work is admitted or refused at once (429 when `max_running`
//! pieces run and `max_waiting` more wait), waits for a free worker without
//! holding a thread, then runs on a blocking thread, never on the async
//! workers that answer `/api/health`. Its observer records progress and
//! returns `Control::Stop` once it is cancelled: by `DELETE /api/jobs/{id}`,
//! by its client going away (answered-at-once forecasts), or by shutdown.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::StatusCode;
use demarche_forecast::{Control, Event, Observer};
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::limits::Limits;

/// Job records kept (finished ones are dropped oldest first beyond this).
const MAX_KEPT: usize = 64;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Progress {
    /// The step (e.g. model) being run, and how many there are.
    pub step: usize,
    pub steps: usize,
    pub label: String,
    /// The issue being forecast, and how many there are.
    pub issue: usize,
    pub issues: usize,
    /// The engine's round, or the Monte Carlo runs done so far.
    pub round: u32,
    /// Monte Carlo runs in all, when the step is a Monte Carlo loop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

#[derive(Clone, Debug)]
enum JobState {
    Queued,
    Running,
    /// The answer as JSON text (kept as text: several times smaller than a `Value`).
    Done {
        text: Arc<str>,
        run_id: Option<i64>,
    },
    Failed {
        error: String,
        status: u16,
        diagnostics: Option<serde_json::Value>,
    },
    Cancelled,
    /// Done, but the result was dropped to keep memory within the budget.
    Expired {
        run_id: Option<i64>,
    },
}

impl JobState {
    fn name(&self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done { .. } => "done",
            JobState::Failed { .. } => "failed",
            JobState::Cancelled => "cancelled",
            JobState::Expired { .. } => "expired",
        }
    }

    fn is_live(&self) -> bool {
        matches!(self, JobState::Queued | JobState::Running)
    }
}

pub struct Job {
    cancel: AtomicBool,
    progress: Mutex<Progress>,
    state: Mutex<JobState>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves plain data behind; keep going.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Job {
    fn new() -> Arc<Job> {
        Arc::new(Job {
            cancel: AtomicBool::new(false),
            progress: Mutex::new(Progress::default()),
            state: Mutex::new(JobState::Queued),
        })
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    pub fn set_step(&self, step: usize, steps: usize, label: &str) {
        *lock(&self.progress) = Progress { step, steps, label: label.to_string(), ..Default::default() };
    }

    /// Progress of a Monte Carlo loop: `done` of `total` runs (shown as `round`).
    pub fn set_runs(&self, done: u64, total: u64) {
        let mut p = lock(&self.progress);
        p.round = u32::try_from(done).unwrap_or(u32::MAX);
        p.total = Some(total);
    }

    /// An engine observer that reports into this job and stops when cancelled.
    pub fn observer(&self) -> impl Observer + '_ {
        move |e: &Event<'_>| {
            {
                let mut p = lock(&self.progress);
                match e {
                    Event::IssueStarted { index, of, .. } => {
                        p.issue = *index;
                        p.issues = *of;
                        p.round = 0;
                    }
                    Event::Round { round, .. } => p.round = *round,
                    Event::IssueFinished { .. } => {}
                }
            }
            if self.cancelled() {
                Control::Stop
            } else {
                Control::Continue
            }
        }
    }

    /// `{"id", "state", "progress", "result"?, "error"?, …}` as JSON text. A
    /// result is kept as text, so it is spliced in rather than parsed again.
    fn snapshot(&self, id: u64) -> String {
        let state = lock(&self.state).clone();
        let progress = lock(&self.progress).clone();
        let mut v = serde_json::json!({ "id": id, "state": state.name(), "progress": progress });
        match &state {
            JobState::Failed { error, status, diagnostics } => {
                v["error"] = error.as_str().into();
                v["status"] = (*status).into();
                v["diagnostics"] = diagnostics.clone().unwrap_or_default();
            }
            JobState::Expired { run_id } => {
                v["run_id"] = serde_json::json!(run_id);
                v["note"] = match run_id {
                    Some(r) => format!(
                        "the result was dropped to keep the server's memory bounded; it is stored as run {r} \
                         (GET /api/runs/{r})"
                    ),
                    None => "the result was dropped to keep the server's memory bounded; run it again".to_string(),
                }
                .into();
            }
            _ => {}
        }
        let mut out = v.to_string();
        if let JobState::Done { text, .. } = &state {
            out.pop(); // the closing brace
            out.push_str(r#","result":"#);
            out.push_str(text);
            out.push('}');
        }
        out
    }
}

/// A job is the run control of the work it runs: progress goes into its
/// record, and it stops when cancelled.
impl demarche_forecast::RunControl for Job {
    fn progress(&self, done: u64, total: u64) {
        self.set_runs(done, total);
    }
    fn cancelled(&self) -> bool {
        Job::cancelled(self)
    }
}

/// Cancels its job when dropped before `disarm`: an answered-at-once forecast
/// whose client went away stops at its next round.
struct CancelOnDrop(Option<Arc<Job>>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(j) = self.0.take() {
            j.cancel.store(true, Ordering::Relaxed);
        }
    }
}

/// A place in the queue; leaving (drop) frees it.
struct Ticket(Arc<AtomicUsize>);

impl Drop for Ticket {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

pub struct Jobs {
    next: AtomicU64,
    /// Jobs started with `start`, polled by id.
    jobs: Mutex<BTreeMap<u64, Arc<Job>>>,
    /// Every piece of work not yet finished (jobs and answered-at-once forecasts),
    /// so shutdown can cancel them all.
    live: Mutex<BTreeMap<u64, Arc<Job>>>,
    /// Workers: one permit per piece of work running.
    workers: Arc<Semaphore>,
    /// Pieces admitted (running or waiting).
    admitted: Arc<AtomicUsize>,
    shutting_down: AtomicBool,
    limits: Limits,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs::new(Limits::default())
    }
}

/// The result a piece of work hands back: its answer, and the run it was stored as.
pub struct Outcome {
    pub answer: serde_json::Value,
    pub run_id: Option<i64>,
}

impl From<serde_json::Value> for Outcome {
    fn from(answer: serde_json::Value) -> Self {
        let run_id = answer.get("run_id").and_then(serde_json::Value::as_i64);
        Outcome { answer, run_id }
    }
}

impl Jobs {
    pub fn new(limits: Limits) -> Self {
        Jobs {
            next: AtomicU64::new(0),
            jobs: Mutex::new(BTreeMap::new()),
            live: Mutex::new(BTreeMap::new()),
            workers: Arc::new(Semaphore::new(limits.max_running.max(1))),
            admitted: Arc::new(AtomicUsize::new(0)),
            shutting_down: AtomicBool::new(false),
            limits,
        }
    }

    fn admit(&self) -> Result<Ticket, ApiError> {
        if self.shutting_down.load(Ordering::Relaxed) {
            return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down"));
        }
        let capacity = self.limits.max_running.max(1) + self.limits.max_waiting;
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        let ticket = Ticket(self.admitted.clone());
        if before >= capacity {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "the workbench is busy: {} pieces of work are running and {} waiting, the most it takes; try \
                     again when one has finished, or cancel one",
                    self.limits.max_running, self.limits.max_waiting
                ),
            ));
        }
        Ok(ticket)
    }

    fn register(&self, job: &Arc<Job>) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        lock(&self.live).insert(id, job.clone());
        if self.shutting_down.load(Ordering::Relaxed) {
            job.cancel.store(true, Ordering::Relaxed);
        }
        id
    }

    /// Run `work` through the queue and wait for its answer (for requests
    /// answered at once). Cancelled if the caller stops waiting.
    pub async fn run_now<F>(&self, work: F) -> Result<Outcome, ApiError>
    where
        F: FnOnce(&Job) -> Result<Outcome, ApiError> + Send + 'static,
    {
        let ticket = self.admit()?;
        let job = Job::new();
        let id = self.register(&job);
        let mut guard = CancelOnDrop(Some(job.clone()));
        let result = self.execute(job.clone(), ticket, work).await;
        lock(&self.live).remove(&id);
        guard.0 = None;
        result
    }

    async fn execute<F>(&self, job: Arc<Job>, ticket: Ticket, work: F) -> Result<Outcome, ApiError>
    where
        F: FnOnce(&Job) -> Result<Outcome, ApiError> + Send + 'static,
    {
        let permit = self
            .workers
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down"))?;
        if job.cancelled() {
            return Err(ApiError::new(StatusCode::CONFLICT, "the run was cancelled"));
        }
        *lock(&job.state) = JobState::Running;
        let j = job.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let _held = (permit, ticket);
            work(&j)
        })
        .await
        .map_err(|e| ApiError::internal(format!("the run failed: {e}")))?;
        match outcome {
            _ if job.cancelled() => Err(ApiError::new(StatusCode::CONFLICT, "the run was cancelled")),
            other => other,
        }
    }

    /// Start `work` as a job; returns its id at once (429 when the queue is full).
    pub fn start<F>(self: &Arc<Self>, work: F) -> Result<u64, ApiError>
    where
        F: FnOnce(&Job) -> Result<Outcome, ApiError> + Send + 'static,
    {
        let ticket = self.admit()?;
        let job = Job::new();
        let id = self.register(&job);
        {
            let mut jobs = lock(&self.jobs);
            while jobs.len() >= MAX_KEPT {
                let oldest_done = jobs.iter().find(|(_, j)| !lock(&j.state).is_live()).map(|(k, _)| *k);
                match oldest_done {
                    Some(k) => {
                        jobs.remove(&k);
                    }
                    None => break,
                }
            }
            jobs.insert(id, job.clone());
        }
        let this = self.clone();
        tokio::spawn(async move {
            let outcome = this.execute(job.clone(), ticket, work).await;
            let state = match outcome {
                _ if job.cancelled() => JobState::Cancelled,
                Ok(o) => match crate::limits::answer_text(&this.limits, &o.answer) {
                    Ok(text) => JobState::Done { text: text.into(), run_id: o.run_id },
                    Err(e) => failed(e),
                },
                Err(e) => failed(e),
            };
            *lock(&job.state) = state;
            lock(&this.live).remove(&id);
            this.keep_within_budget();
        });
        Ok(id)
    }

    /// Drop the results of the oldest finished jobs until the rest fit the budget.
    fn keep_within_budget(&self) {
        let jobs = lock(&self.jobs);
        let mut total: usize = jobs.values().map(|j| result_bytes(&lock(&j.state))).sum();
        for j in jobs.values() {
            if total <= self.limits.results_budget_bytes {
                break;
            }
            let mut s = lock(&j.state);
            if let JobState::Done { text, run_id } = &*s {
                total -= text.len();
                *s = JobState::Expired { run_id: *run_id };
            }
        }
    }

    /// Bytes of finished results held in memory.
    pub fn kept_bytes(&self) -> usize {
        lock(&self.jobs).values().map(|j| result_bytes(&lock(&j.state))).sum()
    }

    /// Pieces of work admitted and not finished (running or waiting).
    pub fn busy(&self) -> usize {
        self.admitted.load(Ordering::Acquire)
    }

    pub fn get(&self, id: u64) -> Option<String> {
        let job = lock(&self.jobs).get(&id).cloned()?;
        Some(job.snapshot(id))
    }

    /// Ask a job to stop; its state becomes `cancelled` once the engine stops.
    pub fn cancel(&self, id: u64) -> Option<String> {
        let job = lock(&self.jobs).get(&id).cloned()?;
        if lock(&job.state).is_live() {
            job.cancel.store(true, Ordering::Relaxed);
        }
        Some(job.snapshot(id))
    }

    /// Shutdown: refuse new work and cancel everything running or waiting.
    pub fn cancel_all(&self) {
        self.shutting_down.store(true, Ordering::Relaxed);
        for j in lock(&self.live).values() {
            j.cancel.store(true, Ordering::Relaxed);
        }
        self.workers.close();
    }
}

fn failed(e: ApiError) -> JobState {
    JobState::Failed {
        error: e.message,
        status: e.status.as_u16(),
        diagnostics: e.diagnostics.and_then(|d| serde_json::to_value(d).ok()),
    }
}

fn result_bytes(s: &JobState) -> usize {
    match s {
        JobState::Done { text, .. } => text.len(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn get(jobs: &Jobs, id: u64) -> serde_json::Value {
        serde_json::from_str(&jobs.get(id).unwrap()).unwrap()
    }

    fn wait_until_finished(jobs: &Jobs, id: u64) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let s = get(jobs, id);
            if !["running", "queued"].contains(&s["state"].as_str().unwrap())
                || start.elapsed() > Duration::from_secs(30)
            {
                return s;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_job_stops_through_its_observer() {
        let jobs = Arc::new(Jobs::default());
        let id = jobs
            .start(|job| {
                let mut obs = job.observer();
                for round in 0.. {
                    let e = Event::Round { issue: "x", round, positions: &[] };
                    if obs.observe(&e) == Control::Stop {
                        return Err(ApiError::bad_request("stopped"));
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                Ok(serde_json::Value::Null.into())
            })
            .unwrap();
        // Wait until it runs and reports rounds; cancel it whatever happens (the
        // runtime would wait for it forever otherwise).
        let t = Instant::now();
        let seen = loop {
            let s = get(&jobs, id);
            if (s["state"] == "running" && s["progress"]["round"].as_u64().unwrap_or(0) > 0)
                || t.elapsed() > Duration::from_secs(20)
            {
                break s;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        jobs.cancel(id).unwrap();
        assert_eq!(seen["state"], "running", "{seen}");
        let j = jobs.clone();
        let s = tokio::task::spawn_blocking(move || wait_until_finished(&j, id)).await.unwrap();
        assert_eq!(s["state"], "cancelled");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_queue_is_bounded_and_waiting_work_runs_later() {
        let limits = Limits { max_running: 2, max_waiting: 1, ..Limits::default() };
        let jobs = Arc::new(Jobs::new(limits));
        let id = jobs.start(|_| Ok(serde_json::json!({"answer": 42}).into())).unwrap();
        let j = jobs.clone();
        let s = tokio::task::spawn_blocking(move || wait_until_finished(&j, id)).await.unwrap();
        assert_eq!(s["state"], "done");
        assert_eq!(s["result"]["answer"], 42);
        assert!(jobs.get(id + 1000).is_none());
        let stop = Arc::new(AtomicBool::new(false));
        // Release the spinning jobs even if an assertion fails (the runtime waits for them).
        struct Release(Arc<AtomicBool>);
        impl Drop for Release {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Relaxed);
            }
        }
        let release = Release(stop.clone());
        let mut ids = Vec::new();
        for _ in 0..3 {
            let stop = stop.clone();
            ids.push(
                jobs.start(move |_| {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Ok(serde_json::Value::Null.into())
                })
                .unwrap(),
            );
        }
        // Two run and one waits (which one the scheduler picks is its business).
        let t = Instant::now();
        let states = loop {
            let states: Vec<String> =
                ids.iter().map(|&id| get(&jobs, id)["state"].as_str().unwrap().to_string()).collect();
            if states.iter().filter(|s| *s == "running").count() == 2 || t.elapsed() > Duration::from_secs(20) {
                break states;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_eq!(states.iter().filter(|s| *s == "queued").count(), 1, "{states:?}");
        let err = jobs.start(|_| Ok(serde_json::Value::Null.into())).err().unwrap();
        assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(err.message.contains("busy"));
        drop(release);
        for id in ids {
            let j = jobs.clone();
            let s = tokio::task::spawn_blocking(move || wait_until_finished(&j, id)).await.unwrap();
            assert_eq!(s["state"], "done", "every job ran once a worker was free");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn finished_results_stay_within_the_memory_budget() {
        let limits = Limits { results_budget_bytes: 10_000, ..Limits::default() };
        let jobs = Arc::new(Jobs::new(limits));
        let mut ids = Vec::new();
        for k in 0..10 {
            let id = jobs
                .start(move |_| Ok(serde_json::json!({"run_id": k + 1, "blob": "x".repeat(3_000)}).into()))
                .unwrap();
            let j = jobs.clone();
            tokio::task::spawn_blocking(move || wait_until_finished(&j, id)).await.unwrap();
            ids.push(id);
            assert!(jobs.kept_bytes() <= 10_000, "{} bytes kept after {} jobs", jobs.kept_bytes(), k + 1);
        }
        let first = get(&jobs, ids[0]);
        assert_eq!(first["state"], "expired");
        assert_eq!(first["run_id"], 1);
        assert!(first["note"].as_str().unwrap().contains("/api/runs/1"));
        assert_eq!(get(&jobs, ids[9])["state"], "done", "the newest result is kept");
    }
}

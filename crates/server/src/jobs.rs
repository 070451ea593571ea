//! Long runs as jobs: start one, poll its progress, cancel it.
//!
//! A job runs on a blocking thread. Its observer records progress and returns
//! `Control::Stop` once the job is cancelled, which ends the engine's run.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use demarche_forecast::{Control, Event, Observer};
use serde::Serialize;

use crate::error::ApiError;

/// Jobs kept (finished ones are dropped oldest first beyond this).
const MAX_KEPT: usize = 64;
/// Jobs running at once; more get 429.
const MAX_RUNNING: usize = 4;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Progress {
    /// The step (e.g. model) being run, and how many there are.
    pub step: usize,
    pub steps: usize,
    pub label: String,
    /// The issue being forecast, and how many there are.
    pub issue: usize,
    pub issues: usize,
    pub round: u32,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum JobState {
    Running,
    Done { result: serde_json::Value },
    Failed { error: String, status: u16, diagnostics: Option<serde_json::Value> },
    Cancelled,
}

pub struct Job {
    cancel: AtomicBool,
    progress: Mutex<Progress>,
    state: Mutex<JobState>,
}

impl Job {
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    pub fn set_step(&self, step: usize, steps: usize, label: &str) {
        if let Ok(mut p) = self.progress.lock() {
            *p = Progress { step, steps, label: label.to_string(), ..Default::default() };
        }
    }

    /// Progress of a Monte Carlo loop: runs done so far (shown as `round`).
    pub fn set_round(&self, done: u64) {
        if let Ok(mut p) = self.progress.lock() {
            p.round = u32::try_from(done).unwrap_or(u32::MAX);
        }
    }

    /// An engine observer that reports into this job and stops when cancelled.
    pub fn observer(&self) -> impl Observer + '_ {
        move |e: &Event<'_>| {
            if let Ok(mut p) = self.progress.lock() {
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

    fn snapshot(&self, id: u64) -> serde_json::Value {
        let state = self.state.lock().map(|s| s.clone()).unwrap_or(JobState::Running);
        let progress = self.progress.lock().map(|p| p.clone()).unwrap_or_default();
        let mut v = serde_json::to_value(&state).unwrap_or_default();
        v["id"] = id.into();
        v["progress"] = serde_json::to_value(progress).unwrap_or_default();
        v
    }
}

#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    jobs: Mutex<BTreeMap<u64, Arc<Job>>>,
}

impl Jobs {
    /// Start `work` on a blocking thread; returns the job id.
    pub fn start<F>(&self, work: F) -> Result<u64, ApiError>
    where
        F: FnOnce(&Job) -> Result<serde_json::Value, ApiError> + Send + 'static,
    {
        let job = Arc::new(Job {
            cancel: AtomicBool::new(false),
            progress: Mutex::new(Progress::default()),
            state: Mutex::new(JobState::Running),
        });
        let id = {
            let mut jobs = self.jobs.lock().map_err(|_| ApiError::internal("job table poisoned"))?;
            let running = jobs
                .values()
                .filter(|j| matches!(*j.state.lock().unwrap_or_else(|p| p.into_inner()), JobState::Running))
                .count();
            if running >= MAX_RUNNING {
                return Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("{running} jobs are already running; wait for one to finish or cancel one"),
                ));
            }
            while jobs.len() >= MAX_KEPT {
                let oldest_done = jobs
                    .iter()
                    .find(|(_, j)| !matches!(*j.state.lock().unwrap_or_else(|p| p.into_inner()), JobState::Running))
                    .map(|(k, _)| *k);
                match oldest_done {
                    Some(k) => {
                        jobs.remove(&k);
                    }
                    None => break,
                }
            }
            let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
            jobs.insert(id, job.clone());
            id
        };
        tokio::task::spawn_blocking(move || {
            let outcome = work(&job);
            let state = match outcome {
                _ if job.cancelled() => JobState::Cancelled,
                Ok(result) => JobState::Done { result },
                Err(e) => JobState::Failed {
                    error: e.message,
                    status: e.status.as_u16(),
                    diagnostics: e.diagnostics.and_then(|d| serde_json::to_value(d).ok()),
                },
            };
            if let Ok(mut s) = job.state.lock() {
                *s = state;
            }
        });
        Ok(id)
    }

    pub fn get(&self, id: u64) -> Option<serde_json::Value> {
        let jobs = self.jobs.lock().ok()?;
        jobs.get(&id).map(|j| j.snapshot(id))
    }

    /// Ask a job to stop; its state becomes `cancelled` once the engine stops.
    pub fn cancel(&self, id: u64) -> Option<serde_json::Value> {
        let jobs = self.jobs.lock().ok()?;
        let job = jobs.get(&id)?;
        if matches!(*job.state.lock().unwrap_or_else(|p| p.into_inner()), JobState::Running) {
            job.cancel.store(true, Ordering::Relaxed);
        }
        Some(job.snapshot(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn wait_until_not_running(jobs: &Jobs, id: u64) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let s = jobs.get(id).unwrap();
            if s["state"] != "running" || start.elapsed() > Duration::from_secs(30) {
                return s;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_job_stops_through_its_observer() {
        let jobs = Jobs::default();
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
                Ok(serde_json::Value::Null)
            })
            .unwrap();
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(jobs.get(id).unwrap()["state"], "running");
        assert!(jobs.get(id).unwrap()["progress"]["round"].as_u64().unwrap() > 0);
        jobs.cancel(id).unwrap();
        let s = tokio::task::spawn_blocking(move || wait_until_not_running(&jobs, id)).await.unwrap();
        assert_eq!(s["state"], "cancelled");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn finished_jobs_keep_their_result_and_too_many_are_refused() {
        let jobs = Arc::new(Jobs::default());
        let id = jobs.start(|_| Ok(serde_json::json!({"answer": 42}))).unwrap();
        let j = jobs.clone();
        let s = tokio::task::spawn_blocking(move || wait_until_not_running(&j, id)).await.unwrap();
        assert_eq!(s["state"], "done");
        assert_eq!(s["result"]["answer"], 42);
        assert!(jobs.get(id + 1000).is_none());
        let stop = Arc::new(AtomicBool::new(false));
        for _ in 0..MAX_RUNNING {
            let stop = stop.clone();
            jobs.start(move |_| {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Ok(serde_json::Value::Null)
            })
            .unwrap();
        }
        let err = jobs.start(|_| Ok(serde_json::Value::Null)).err().unwrap();
        assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
        stop.store(true, Ordering::Relaxed);
    }
}

//! `demarche._native`: the Python package's native module. Every function
//! here is a thin adapter over `demarche_app` (and the crates it builds on),
//! the same calls the CLI and the workbench make, so a result's JSON is the
//! CLI's `--format json` byte for byte. The Python layer (`python/demarche`)
//! turns the JSON into DataFrames and notebook views.
//!
//! Long calls run on a worker thread while the calling thread waits with the
//! GIL released, checks for Ctrl-C every 100 ms (setting the run's cancel flag
//! and raising `KeyboardInterrupt`) and reports progress to an optional
//! Python callable `progress(done, total)`.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use demarche_forecast::{Controlled, Forecast, RunControl};
use demarche_scenario::{Diagnostics, Format, Scenario};
use demarche_sim::uncertainty::ForecastUncertainty;
use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

pyo3::create_exception!(_native, NativeScenarioError, PyValueError, "A scenario that did not load or check.");
pyo3::create_exception!(_native, NativeError, PyRuntimeError, "A run that could not be made.");

/// A scenario error: the message and every diagnostic as JSON.
fn scenario_error(d: &Diagnostics) -> PyErr {
    let json = serde_json::to_string(d).unwrap_or_else(|_| "[]".into());
    NativeScenarioError::new_err((d.to_string(), json))
}

fn error(e: impl std::fmt::Display) -> PyErr {
    NativeError::new_err(e.to_string())
}

fn parse_channel(channel: Option<&str>) -> PyResult<Option<demarche_scenario::settings::simulation::Channel>> {
    match channel {
        None => Ok(None),
        Some(c) => demarche_scenario::settings::simulation::Channel::parse(c)
            .map(Some)
            .ok_or_else(|| PyValueError::new_err(format!("unknown channel `{c}`; one of direct, mediated, both"))),
    }
}

/// The simulation's options from a call's arguments.
fn sim_options(
    runs: Option<u32>,
    seed: Option<u64>,
    channel: Option<&str>,
    escalation_runs: u64,
) -> PyResult<demarche_sim::Options> {
    let channel = parse_channel(channel)?;
    Ok(demarche_sim::Options { overrides: demarche_sim::Overrides { channel, runs, seed }, escalation_runs })
}

fn sim_error(e: demarche_sim::SimError) -> PyErr {
    match e {
        demarche_sim::SimError::Invalid(d) => scenario_error(&d),
        demarche_sim::SimError::Cancelled { .. } => PyKeyboardInterrupt::new_err("cancelled"),
        // Run ranges and parts that do not fit: the caller's arguments.
        demarche_sim::SimError::Range(m) => PyValueError::new_err(m),
        other => error(other),
    }
}

/// Progress and cancellation shared by the waiting thread and the worker.
#[derive(Default)]
struct Watch {
    cancelled: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
}

impl RunControl for Watch {
    fn progress(&self, done: u64, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }
    fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// Runs `work` on a worker thread (on a pool of `threads` when given) while
/// this thread, the GIL released, waits for it, passes its progress to
/// `progress` and turns Ctrl-C into a cancelled run and `KeyboardInterrupt`.
fn interruptible<T: Send>(
    py: Python<'_>,
    progress: Option<&Bound<'_, PyAny>>,
    threads: Option<usize>,
    work: impl FnOnce(&Watch) -> T + Send,
) -> PyResult<T> {
    let watch = Watch::default();
    let pool = match threads {
        Some(n) => Some(rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build().map_err(error)?),
        None => None,
    };
    std::thread::scope(|scope| {
        let (tx, mut rx) = std::sync::mpsc::channel();
        let watch = &watch;
        let pool = pool.as_ref();
        scope.spawn(move || {
            let out = match pool {
                Some(p) => p.install(|| work(watch)),
                None => work(watch),
            };
            let _ = tx.send(out);
        });
        let mut shown = (u64::MAX, u64::MAX);
        loop {
            // The receiver goes to the waiting closure and comes back (it is Send, not Sync).
            let (got, back) = py.detach(move || (rx.recv_timeout(Duration::from_millis(100)), rx));
            rx = back;
            let now = (watch.done.load(Ordering::Relaxed), watch.total.load(Ordering::Relaxed));
            if let Some(cb) = progress.filter(|_| now != shown && now.1 > 0) {
                shown = now;
                cb.call1(now)?;
            }
            match got {
                Ok(out) => return Ok(out),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(error("the run stopped without an answer"));
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            }
            if let Err(e) = py.check_signals() {
                watch.cancelled.store(true, Ordering::Relaxed);
                // Wait for the worker to notice, so nothing runs on after the interrupt.
                let _ = py.detach(move || rx.recv().is_ok());
                return Err(e);
            }
        }
    })
}

/// A loaded scenario.
#[pyclass(module = "demarche._native", frozen)]
struct NativeScenario {
    scenario: Scenario,
    warnings: Diagnostics,
}

#[pymethods]
impl NativeScenario {
    /// Loads a scenario from a path (`is_text` false) or from text, in any
    /// format the CLI reads (guessed when `format` is None).
    #[staticmethod]
    #[pyo3(signature = (source, format=None, name=None, is_text=false))]
    fn load(source: &str, format: Option<&str>, name: Option<&str>, is_text: bool) -> PyResult<Self> {
        let format = format.map(Format::from_name).transpose().map_err(PyValueError::new_err)?;
        let loaded = if is_text {
            demarche_scenario::load_str(source, format, Some(name.unwrap_or("<text>")))
        } else {
            demarche_scenario::load_path_as(Path::new(source), format)
        };
        match loaded {
            Ok(l) => Ok(NativeScenario { scenario: l.scenario, warnings: l.warnings }),
            Err(e) => Err(scenario_error(&e.diagnostics)),
        }
    }

    /// The built-in scenario (the seed: Iran–US talks, June 2025).
    #[staticmethod]
    fn seed() -> PyResult<Self> {
        let l = demarche_scenario::seed().map_err(|e| scenario_error(&e.diagnostics))?;
        Ok(NativeScenario { scenario: l.scenario, warnings: l.warnings })
    }

    /// The scenario in the native JSON layout.
    fn json(&self) -> String {
        demarche_scenario::to_json(&self.scenario)
    }

    fn toml(&self) -> PyResult<String> {
        demarche_scenario::to_toml(&self.scenario).map_err(error)
    }

    /// The loader's warnings as JSON diagnostics.
    fn warnings(&self) -> String {
        serde_json::to_string(&self.warnings).unwrap_or_else(|_| "[]".into())
    }

    /// The scenario with `path=value` edits (`--set`), checked again.
    fn with_changes(&self, changes: Vec<String>) -> PyResult<Self> {
        let mut sc = self.scenario.clone();
        let warnings = demarche_scenario::patch::apply_overrides(&mut sc, &changes).map_err(|d| scenario_error(&d))?;
        Ok(NativeScenario { scenario: sc, warnings })
    }

    /// The scenario with an overlay file applied (`--overlay`).
    fn with_overlay(&self, path: &str) -> PyResult<Self> {
        let l = demarche_scenario::patch::overlay_path(&self.scenario, Path::new(path))
            .map_err(|e| scenario_error(&e.diagnostics))?;
        Ok(NativeScenario { scenario: l.scenario, warnings: l.warnings })
    }

    /// Runs `models` (`all` or a comma list), then, with `runs`, the bands
    /// under the stated uncertainty. Returns the forecast and the models
    /// left out (with `all`) with why.
    #[pyo3(signature = (models="all", runs=None, seed=1, rounds=None, issues=None, options=Vec::new(), threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn forecast(
        &self,
        py: Python<'_>,
        models: &str,
        runs: Option<u32>,
        seed: u64,
        rounds: Option<u32>,
        issues: Option<Vec<String>>,
        options: Vec<String>,
        threads: Option<usize>,
        progress: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(NativeForecast, Vec<String>)> {
        let names = demarche_engines::expand(models).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let mut overrides = demarche_engines::Overrides::default();
        for o in &options {
            overrides.push_str(o).map_err(|e| PyValueError::new_err(e.to_string()))?;
        }
        let request = demarche_forecast::Request { issues, max_rounds: rounds };
        let how = demarche_app::ModelRun { overrides, request };
        let sc = &self.scenario;
        let all = models == "all";
        let out = interruptible(py, progress, threads, |watch| {
            let ran = demarche_app::run_models(sc, &names, &how, all, |_, _, _| {}, &mut Controlled(watch))?;
            let u = runs.map(|n| demarche_app::forecast::bands_until(sc, &ran.forecasts, &how, n, seed, watch));
            Ok::<_, demarche_app::ForecastError>((ran, u))
        })?;
        let (ran, uncertainty) = out.map_err(error)?;
        let skipped = ran.skipped.iter().map(|(m, e)| format!("{e}; leaving {m} out")).collect();
        let forecast = NativeForecast { scenario: sc.clone(), forecasts: ran.forecasts, uncertainty };
        Ok((forecast, skipped))
    }

    /// The channel simulation (`simulate`), on `threads` workers (the answer
    /// does not depend on them).
    #[pyo3(signature = (runs=None, seed=None, channel=None, threads=None, escalation_runs=demarche_sim::ESCALATION_RUNS, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn simulate(
        &self,
        py: Python<'_>,
        runs: Option<u32>,
        seed: Option<u64>,
        channel: Option<&str>,
        threads: Option<usize>,
        escalation_runs: u64,
        progress: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<NativeSimulation> {
        let opts = sim_options(runs, seed, channel, escalation_runs)?;
        let sc = &self.scenario;
        let report = interruptible(py, progress, threads, |watch| demarche_sim::simulate(sc, &opts, watch))?;
        let report = report.map_err(sim_error)?;
        let pareto = demarche_app::record::pictures(sc, &opts.overrides);
        Ok(NativeSimulation { scenario: sc.clone(), report, pareto })
    }

    /// Runs `start..end` of the simulation `simulate` would make, as a
    /// partial result (JSON) for [`merge`].
    #[pyo3(signature = (start, end, runs=None, seed=None, channel=None, threads=None, escalation_runs=demarche_sim::ESCALATION_RUNS, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn simulate_partial(
        &self,
        py: Python<'_>,
        start: u64,
        end: u64,
        runs: Option<u32>,
        seed: Option<u64>,
        channel: Option<&str>,
        threads: Option<usize>,
        escalation_runs: u64,
        progress: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let opts = sim_options(runs, seed, channel, escalation_runs)?;
        let sc = &self.scenario;
        let part =
            interruptible(py, progress, threads, |watch| demarche_sim::simulate_partial(sc, &opts, start..end, watch))?;
        let part = part.map_err(sim_error)?;
        serde_json::to_string(&part).map_err(error)
    }

    /// Which inputs the simulation's answers rest on (`sensitivity`): Sobol
    /// indices over `samples` base samples and one-at-a-time swings of
    /// `oat_runs` runs each.
    #[pyo3(signature = (samples=128, oat_runs=64, seed=None, channel=None, threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn sensitivity(
        &self,
        py: Python<'_>,
        samples: usize,
        oat_runs: usize,
        seed: Option<u64>,
        channel: Option<&str>,
        threads: Option<usize>,
        progress: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<NativeSensitivity> {
        let opts = sensitivity_options(samples, oat_runs, seed, channel)?;
        let sc = &self.scenario;
        let report = interruptible(py, progress, threads, |watch| demarche_sim::analyse(sc, &opts, watch))?;
        let report = report.map_err(sim_error)?;
        Ok(NativeSensitivity { scenario: sc.clone(), report })
    }

    /// Rows `start..end` of the design `sensitivity` evaluates (Sobol samples,
    /// then one-at-a-time runs), as the JSON `sensitivity --partial-out` writes.
    #[pyo3(signature = (start, end, samples=128, oat_runs=64, seed=None, channel=None, threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn sensitivity_partial(
        &self,
        py: Python<'_>,
        start: u64,
        end: u64,
        samples: usize,
        oat_runs: usize,
        seed: Option<u64>,
        channel: Option<&str>,
        threads: Option<usize>,
        progress: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let opts = sensitivity_options(samples, oat_runs, seed, channel)?;
        let sc = &self.scenario;
        let part =
            interruptible(py, progress, threads, |watch| demarche_sim::analyse_partial(sc, &opts, start..end, watch))?;
        let part = part.map_err(sim_error)?;
        py.detach(|| serde_json::to_string(&part)).map_err(error)
    }
}

fn sensitivity_options(
    samples: usize,
    oat_runs: usize,
    seed: Option<u64>,
    channel: Option<&str>,
) -> PyResult<demarche_sim::SensitivityOptions> {
    if samples < 2 || oat_runs < 1 {
        return Err(PyValueError::new_err("`samples` must be at least 2 and `oat_runs` at least 1"));
    }
    Ok(demarche_sim::SensitivityOptions {
        overrides: demarche_sim::Overrides { channel: parse_channel(channel)?, runs: None, seed },
        samples,
        oat_runs,
        ..Default::default()
    })
}

/// A sensitivity analysis: Sobol indices and one-at-a-time swings.
#[pyclass(module = "demarche._native", frozen)]
struct NativeSensitivity {
    scenario: Scenario,
    report: demarche_sim::SensitivityReport,
}

#[pymethods]
impl NativeSensitivity {
    /// `sensitivity --format json`, byte for byte (without the final newline).
    fn json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.report).map_err(error)
    }

    /// The analysis as `sensitivity` prints it, `top` inputs per output.
    #[pyo3(signature = (top=10))]
    fn text(&self, top: usize) -> String {
        demarche_sim::render::sensitivity(&self.report, top)
    }

    /// The report's HTML: a tornado for every output that varies, as a stored run draws it.
    fn report_html(&self) -> String {
        let docs = demarche_app::RunDocuments {
            sensitivity: Some(demarche_app::documents::tornadoes(&self.scenario, &self.report, usize::MAX, 12)),
            ..Default::default()
        };
        let data = demarche_app::reports::from_documents(self.scenario.clone(), Vec::new(), docs);
        demarche_report::render_html(&data)
    }
}

/// A forecast: the models' results and, with draws, their bands.
#[pyclass(module = "demarche._native", frozen)]
struct NativeForecast {
    scenario: Scenario,
    forecasts: Vec<Forecast>,
    uncertainty: Option<ForecastUncertainty>,
}

#[pymethods]
impl NativeForecast {
    /// `forecast --format json`, byte for byte (without the final newline).
    fn json(&self) -> String {
        demarche_app::forecast::forecasts_json(&self.scenario, &self.forecasts, self.uncertainty.as_ref())
    }

    /// The report's HTML, as `demarche report` draws a forecast run.
    fn report_html(&self) -> String {
        let mut docs = demarche_app::RunDocuments::default();
        if let Some(u) = &self.uncertainty {
            docs.merge(demarche_app::documents::uncertainty_documents(&self.scenario, u));
        }
        let data = demarche_app::reports::from_documents(self.scenario.clone(), self.forecasts.clone(), docs);
        demarche_report::render_html(&data)
    }
}

/// A channel simulation's report.
#[pyclass(module = "demarche._native", frozen)]
struct NativeSimulation {
    scenario: Scenario,
    report: demarche_sim::Report,
    pareto: Vec<demarche_report::data::ParetoData>,
}

#[pymethods]
impl NativeSimulation {
    /// `simulate --format json`, byte for byte (without the final newline).
    fn json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.report).map_err(error)
    }

    /// The simulation in words and tables, as `simulate` prints it.
    fn text(&self) -> String {
        demarche_sim::render::report(&self.report)
    }

    /// The report's HTML, as `demarche report` draws a simulation run.
    fn report_html(&self) -> String {
        let mut docs = demarche_app::documents::documents(&self.scenario, &self.report);
        if !self.pareto.is_empty() {
            docs.pareto = Some(self.pareto.clone());
        }
        let data = demarche_app::reports::from_documents(self.scenario.clone(), Vec::new(), docs);
        demarche_report::render_html(&data)
    }
}

/// A part's `(start, end, total)` runs, read without building the rest.
#[pyfunction]
fn partial_range(text: &str) -> PyResult<(String, u64, u64, u64)> {
    #[derive(serde::Deserialize)]
    struct Head {
        format: String,
        start: u64,
        end: u64,
        total: u64,
    }
    let h: Head =
        serde_json::from_str(text).map_err(|e| PyValueError::new_err(format!("not a partial result: {e}")))?;
    let kind = if h.format == demarche_sim::SENSITIVITY_PARTIAL { "sensitivity" } else { "simulate" };
    Ok((kind.to_string(), h.start, h.end, h.total))
}

fn read_parts<T: serde::de::DeserializeOwned + Send>(py: Python<'_>, parts: &[String]) -> PyResult<Vec<T>> {
    py.detach(|| parts.iter().map(|t| serde_json::from_str(t)).collect::<Result<_, _>>())
        .map_err(|e| PyValueError::new_err(format!("not a partial result: {e}")))
}

/// The parts of one simulation (from `simulate_partial`, in any order) folded
/// into exactly the report one `simulate` gives, and the scenario it ran on.
#[pyfunction]
fn merge(py: Python<'_>, parts: Vec<String>) -> PyResult<(NativeSimulation, NativeScenario)> {
    let parts: Vec<demarche_sim::Partial> = read_parts(py, &parts)?;
    let (report, sc) = py.detach(|| demarche_sim::merge(&parts)).map_err(sim_error)?;
    let overrides = demarche_sim::Overrides { channel: None, runs: Some(report.runs as u32), seed: Some(report.seed) };
    let pareto = demarche_app::record::pictures(&sc, &overrides);
    let native = NativeScenario { scenario: sc.clone(), warnings: Diagnostics::default() };
    Ok((NativeSimulation { scenario: sc, report, pareto }, native))
}

/// The parts of one sensitivity analysis (from `sensitivity_partial`, in any
/// order) folded into exactly the analysis one `sensitivity` gives.
#[pyfunction]
fn merge_sensitivity(py: Python<'_>, parts: Vec<String>) -> PyResult<(NativeSensitivity, NativeScenario)> {
    let parts: Vec<demarche_sim::SensitivityPartial> = read_parts(py, &parts)?;
    let (report, sc) = py.detach(|| demarche_sim::merge_sensitivity(&parts)).map_err(sim_error)?;
    let native = NativeScenario { scenario: sc.clone(), warnings: Diagnostics::default() };
    Ok((NativeSensitivity { scenario: sc, report }, native))
}

/// One negotiation (`negotiate --format json`, and the trace when asked).
#[pyfunction]
#[pyo3(signature = (paths, strategies, protocol="sao", mediator="veto", steps=1000, seed=0, time_limit=None, private_deadline=false, trace=false))]
#[allow(clippy::too_many_arguments)]
fn negotiate(
    py: Python<'_>,
    paths: Vec<String>,
    strategies: &str,
    protocol: &str,
    mediator: &str,
    steps: u64,
    seed: u64,
    time_limit: Option<f64>,
    private_deadline: bool,
    trace: bool,
) -> PyResult<NativeNegotiation> {
    let Some((domain, profiles)) = paths.split_first() else {
        return Err(PyValueError::new_err("give a domain file or folder, then its profiles"));
    };
    let profiles: Vec<PathBuf> = profiles.iter().map(PathBuf::from).collect();
    let options = demarche_app::negotiation::NegotiateOptions {
        protocol: protocol.into(),
        strategies: strategies.into(),
        mediator: mediator.into(),
        steps,
        time_limit,
        private_deadline,
        seed,
        trace,
        ..Default::default()
    };
    let run = py
        .detach(|| demarche_app::negotiation::negotiate(Path::new(domain), &profiles, &options))
        .map_err(PyValueError::new_err)?;
    Ok(NativeNegotiation { run })
}

/// One negotiation, kept so that its report is drawn only when asked for.
#[pyclass(module = "demarche._native", frozen)]
struct NativeNegotiation {
    run: demarche_app::negotiation::Negotiated,
}

#[pymethods]
impl NativeNegotiation {
    /// `negotiate --format json`, byte for byte (without the final newline).
    fn json(&self) -> String {
        self.run.json()
    }

    /// The replayable trace (JSON), when it was asked for.
    fn trace(&self) -> Option<String> {
        self.run.trace.clone()
    }

    /// The report's HTML: the parties, the end, the agreed terms, the offers
    /// over time and in utility space beside the frontier.
    fn report_html(&self, py: Python<'_>) -> String {
        py.detach(|| self.run.report_html())
    }
}

/// `frontier --format json` of a domain and its profiles, and the loader's notes
/// (what was read leniently, as Genius reads it, unless `strict`).
#[pyfunction]
#[pyo3(signature = (paths, strict=false))]
fn frontier(py: Python<'_>, paths: Vec<String>, strict: bool) -> PyResult<(String, Vec<String>)> {
    let Some((domain, profiles)) = paths.split_first() else {
        return Err(PyValueError::new_err("give a domain file or folder, then its profiles"));
    };
    let profiles: Vec<PathBuf> = profiles.iter().map(PathBuf::from).collect();
    let options = demarche_negotiation::FrontierOptions::default();
    let convention = demarche_negotiation::solutions::Disagreement::ReservationOrWorst;
    let load = demarche_negotiation::LoadOptions { strict };
    let (report, notes) = py
        .detach(|| demarche_app::frontier::frontier(Path::new(domain), &profiles, &options, convention, load))
        .map_err(error)?;
    Ok((serde_json::to_string_pretty(&report).map_err(error)?, notes))
}

/// Events from a file of any kind `events import` reads, or text to code:
/// `(events as JSONL, how they were read)`.
#[pyfunction]
#[pyo3(signature = (text, name="events"))]
fn events_read(py: Python<'_>, text: &str, name: &str) -> PyResult<(String, String)> {
    let (events, how) = py
        .detach(|| demarche_app::events::events_from_text(text, name))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let jsonl = String::from_utf8(demarche_events::output::jsonl(&events)).map_err(error)?;
    Ok((jsonl, how))
}

/// The review of events (JSONL) against a scenario within `[since, until]`.
fn reviewed(
    scenario: &NativeScenario,
    events_jsonl: &str,
    since: Option<&str>,
    until: Option<&str>,
) -> PyResult<demarche_app::events::Review> {
    let bad = |e: demarche_app::events::EventsError| PyValueError::new_err(e.to_string());
    let (events, _) = demarche_app::events::events_from_text(events_jsonl, "events.jsonl").map_err(bad)?;
    let since = since.map(demarche_app::events::day).transpose().map_err(bad)?;
    let until = until.map(demarche_app::events::day).transpose().map_err(bad)?;
    Ok(demarche_app::events::review(Some(&scenario.scenario), &events, since, until))
}

/// The events' review against a scenario: `(suggestions JSON, overlay, review JSON)`.
#[pyfunction]
#[pyo3(signature = (scenario, events_jsonl, since=None, until=None))]
fn events_review(
    py: Python<'_>,
    scenario: &NativeScenario,
    events_jsonl: &str,
    since: Option<&str>,
    until: Option<&str>,
) -> PyResult<(String, String, String)> {
    let r = py.detach(|| reviewed(scenario, events_jsonl, since, until))?;
    let suggestions = serde_json::to_string_pretty(&r.suggestions).map_err(error)?;
    let drawn = serde_json::to_string(&r.drawn).map_err(error)?;
    Ok((suggestions, r.overlay, drawn))
}

/// The scenario with the suggestions numbered `accept` (from 1) applied,
/// as the workbench's "Apply accepted" does (`app::events::apply_suggestions`).
#[pyfunction]
#[pyo3(signature = (scenario, events_jsonl, accept, since=None, until=None))]
fn events_apply(
    scenario: &NativeScenario,
    events_jsonl: &str,
    accept: Vec<usize>,
    since: Option<&str>,
    until: Option<&str>,
) -> PyResult<NativeScenario> {
    let bad = |e: demarche_app::events::EventsError| PyValueError::new_err(e.to_string());
    if accept.contains(&0) {
        return Err(PyValueError::new_err("suggestions are numbered from 1"));
    }
    let r = reviewed(scenario, events_jsonl, since, until)?;
    let zero_based: Vec<usize> = accept.iter().map(|n| n - 1).collect();
    let sc = demarche_app::events::apply_suggestions(&scenario.scenario, &r.suggestions, &zero_based).map_err(bad)?;
    Ok(NativeScenario { scenario: sc, warnings: Diagnostics::default() })
}

/// `backtest --format json` of the case folders.
#[pyfunction]
#[pyo3(signature = (dirs, runs=demarche_app::backtest::RUNS, seed=demarche_app::backtest::SEED, progress=None))]
fn backtest(
    py: Python<'_>,
    dirs: Vec<String>,
    runs: u32,
    seed: u64,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let paths: Vec<PathBuf> = dirs.iter().map(PathBuf::from).collect();
    let bad = |e: demarche_backtest::CaseError| PyValueError::new_err(e.to_string());
    let cases = demarche_backtest::load_all(&demarche_backtest::discover(&paths).map_err(bad)?).map_err(bad)?;
    let opts = demarche_app::backtest::BacktestOptions { runs, seed, ..Default::default() };
    let report = interruptible(py, progress, None, |watch| demarche_app::backtest::run(&cases, &opts, watch))?;
    let report = report.map_err(error)?;
    serde_json::to_string_pretty(&report).map_err(error)
}

/// The engine names `forecast` knows, in order.
#[pyfunction]
fn models() -> Vec<&'static str> {
    demarche_engines::MODELS.to_vec()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("NativeScenarioError", m.py().get_type::<NativeScenarioError>())?;
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add_class::<NativeScenario>()?;
    m.add_class::<NativeForecast>()?;
    m.add_class::<NativeSimulation>()?;
    m.add_class::<NativeSensitivity>()?;
    m.add_class::<NativeNegotiation>()?;
    m.add_function(wrap_pyfunction!(frontier, m)?)?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(merge_sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(partial_range, m)?)?;
    m.add_function(wrap_pyfunction!(negotiate, m)?)?;
    m.add_function(wrap_pyfunction!(events_read, m)?)?;
    m.add_function(wrap_pyfunction!(events_review, m)?)?;
    m.add_function(wrap_pyfunction!(events_apply, m)?)?;
    m.add_function(wrap_pyfunction!(backtest, m)?)?;
    m.add_function(wrap_pyfunction!(models, m)?)?;
    Ok(())
}

//! Negotiation simulation: does the channel of talks — direct alternating
//! offers or a mediator's single text — change the chance of a deal, its
//! terms, its timing, and whether it crosses anyone's red line?
//!
//! The crate joins the scenario model (political actors, influence, red lines,
//! ratifiers) with the negotiation crate's protocols and strategies:
//!
//! 1. [`plan::Plan`] resolves the scenario once: principals, agenda, mediator,
//!    influencers, ratifiers, strategies and the uncertain inputs;
//! 2. every Monte Carlo run turns its uniforms into a [`draw::Draw`] (stance
//!    uncertainty, stalling, no-deal values, vetoes, the mediator's errors),
//!    builds the principals' [`bargain::Bargain`] (influence, red lines, zone of
//!    agreement, discretisation, profiles) and negotiates it in each channel
//!    ([`run`]: stacked alternating offers; single-text mediation with the
//!    [`mediator::SingleText`] adapter); deals go to the ratifiers (Putnam's
//!    two-level check) and the expected-utility model gives each dyad's
//!    confrontation indicator ([`escalation`]);
//! 3. runs are folded in index order into a [`report::Report`];
//! 4. [`picture::picture`] draws the principals' bargaining problem at the
//!    stated values (frontier, Nash and Kalai–Smorodinsky points, each
//!    channel's deal) for reports;
//! 5. [`analyse`] runs Sobol and one-at-a-time [`sensitivity`] analysis of the
//!    agreement probability and each issue's expected term.
//!
//! Randomness: run i uses a ChaCha8 generator seeded from (seed, i), and
//! results are reduced in run order, so the output is the same whatever the
//! number of threads. Every modelling choice is in docs/models.md
//! (`## simulation`).

#![forbid(unsafe_code)]
// `!(x > 0.0)` is how this crate says "not a positive number, NaN included".
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod bargain;
pub mod calendar;
pub mod confrontation;
pub mod dist;
pub mod draw;
pub mod escalation;
pub mod exact;
pub mod mediator;
pub mod picture;
pub mod plan;
pub mod render;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod uncertainty;

use demarche_negotiation::protocol::derive_seed;
use demarche_scenario::{Diagnostics, Scenario};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

pub use demarche_forecast::{RunControl, Unattended};
pub use plan::{Overrides, Plan};
pub use report::Report;

/// Runs handled between two progress reports (and reduced together).
pub const CHUNK: u64 = 256;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("{0}")]
    Invalid(Diagnostics),
    #[error("the negotiation could not be set up: {0}")]
    Negotiation(#[from] demarche_negotiation::NegotiationError),
    #[error("the simulation was cancelled after {done} runs")]
    Cancelled { done: u64 },
    #[error("{0}")]
    Range(String),
}

/// Runs on which the confrontation indicator is estimated by default.
pub const ESCALATION_RUNS: u64 = 2000;

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub overrides: Overrides,
    /// Estimate the confrontation indicator on the first this many runs (0: not
    /// at all). It runs the expected-utility model on every issue once per run,
    /// and again for each ratified deal, so it costs more than the talks.
    pub escalation_runs: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { overrides: Overrides::default(), escalation_runs: ESCALATION_RUNS }
    }
}

/// The uniforms of run `index`.
pub fn uniforms(seed: u64, index: u64, d: usize) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, &[index]));
    (0..d).map(|_| rng.random::<f64>()).collect()
}

/// Simulates `sc`. `control` is told `(runs done, runs in all)` after each
/// chunk of [`CHUNK`] runs and asked before each whether to stop: once it says
/// yes the simulation ends with [`SimError::Cancelled`] (a partial Monte Carlo
/// summary would depend on where it stopped, so none is returned).
pub fn simulate(sc: &Scenario, opts: &Options, control: &dyn RunControl) -> Result<Report, SimError> {
    let plan = Plan::new(sc, &opts.overrides).map_err(SimError::Invalid)?;
    let runs = plan.settings.runs as u64;
    let tally = run_range(sc, &plan, opts, 0..runs, control)?;
    Ok(report::Accumulator::resume(sc, &plan, tally).finish(notes(sc, &plan)))
}

/// The runs `range` of the simulation `simulate(sc, opts)` would make, as a
/// tally; `control` sees `(runs done, runs in the range)`.
fn run_range(
    sc: &Scenario,
    plan: &Plan,
    opts: &Options,
    range: std::ops::Range<u64>,
    control: &dyn RunControl,
) -> Result<report::Tally, SimError> {
    let seed = plan.settings.seed;
    let d = plan.dimension();
    let escalation = opts.escalation_runs > 0;
    let mut tally = report::Accumulator::new(sc, plan, escalation).into_tally();
    let mut done = range.start;
    while done < range.end {
        if control.cancelled() {
            return Err(SimError::Cancelled { done: done - range.start });
        }
        // Chunks stay aligned to CHUNK from run 0, so a range's chunks are the whole run's.
        let end = ((done / CHUNK + 1) * CHUNK).min(range.end);
        // Each worker folds its runs into its own tally; tallies merge exactly
        // (module `exact`), so the split rayon chooses cannot change a bit.
        let chunk = (done..end)
            .into_par_iter()
            .try_fold(
                || report::Accumulator::new(sc, plan, escalation),
                |mut acc, i| {
                    let u = uniforms(seed, i, d);
                    let draw = draw::Draw::from_uniforms(sc, plan, &u);
                    let escalation = i < opts.escalation_runs;
                    let r =
                        run::run(sc, plan, &draw, run::RunOptions { seed: derive_seed(seed, &[i, 1]), escalation })?;
                    acc.add(&r);
                    Ok::<_, SimError>(acc)
                },
            )
            .map(|acc| acc.map(report::Accumulator::into_tally))
            .try_reduce_with(|mut a, b| {
                a.merge(&b).map_err(|e| SimError::Range(e.to_string()))?;
                Ok(a)
            });
        if let Some(chunk) = chunk {
            tally.merge(&chunk?).map_err(|e| SimError::Range(e.to_string()))?;
        }
        done = end;
        control.progress(done - range.start, range.end - range.start);
    }
    Ok(tally)
}

/// The part of a simulation that one process ran: runs `start..end` of
/// `total`, with what it was made from, so that [`merge`] can check and fold
/// the parts (`simulate --run-range`, `demarche merge`, Python's `sweep`).
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Partial {
    /// `demarche-partial`, and this layout's version.
    pub format: String,
    pub version: u32,
    /// The scenario as run (its JSON), so the parts can be checked against each other.
    pub scenario: serde_json::Value,
    /// The options as given (`null`: the scenario's own).
    pub channel: Option<String>,
    pub runs: Option<u32>,
    pub seed: Option<u64>,
    pub escalation_runs: u64,
    /// Runs in the whole simulation, and this part's.
    pub total: u64,
    pub start: u64,
    pub end: u64,
    pub tally: report::Tally,
}

/// This program's partial-result layout.
pub const PARTIAL_VERSION: u32 = 1;

/// Runs `range` of the simulation `simulate(sc, opts)` would make (a range
/// outside `0..runs` is an error).
pub fn simulate_partial(
    sc: &Scenario,
    opts: &Options,
    range: std::ops::Range<u64>,
    control: &dyn RunControl,
) -> Result<Partial, SimError> {
    let plan = Plan::new(sc, &opts.overrides).map_err(SimError::Invalid)?;
    let total = plan.settings.runs as u64;
    if range.start >= range.end || range.end > total {
        return Err(SimError::Range(format!(
            "runs {}..{} are not a part of the {total} runs; hint: give A..B with 0 ≤ A < B ≤ {total}",
            range.start, range.end
        )));
    }
    let tally = run_range(sc, &plan, opts, range.clone(), control)?;
    Ok(Partial {
        format: "demarche-partial".into(),
        version: PARTIAL_VERSION,
        scenario: serde_json::to_value(sc).unwrap_or_default(),
        channel: opts.overrides.channel.map(|c| c.as_str().to_string()),
        runs: opts.overrides.runs,
        seed: opts.overrides.seed,
        escalation_runs: opts.escalation_runs,
        total,
        start: range.start,
        end: range.end,
        tally,
    })
}

/// Folds the parts of one simulation, in run order, into exactly the report
/// one `simulate` would give: they must be made from the same scenario and
/// options and together cover every run once. Returns the report and the
/// scenario it was made on.
pub fn merge(parts: &[Partial]) -> Result<(Report, Scenario), SimError> {
    let bad = |m: String| SimError::Range(m);
    let first = parts.first().ok_or_else(|| bad("no partial results to merge".into()))?;
    for (k, p) in parts.iter().enumerate() {
        if p.format != "demarche-partial" || p.version > PARTIAL_VERSION {
            return Err(bad(format!("part {}: not a demarche partial result of version ≤ {PARTIAL_VERSION}", k + 1)));
        }
        let same = p.scenario == first.scenario
            && (p.channel.as_deref(), p.runs, p.seed, p.escalation_runs, p.total)
                == (first.channel.as_deref(), first.runs, first.seed, first.escalation_runs, first.total);
        if !same {
            return Err(bad(format!(
                "part {} was made from another scenario or other options than part 1; hint: merge the parts of one \
                 simulation only",
                k + 1
            )));
        }
    }
    let mut order: Vec<&Partial> = parts.iter().collect();
    order.sort_by_key(|p| p.start);
    let mut next = 0;
    for p in &order {
        if p.start != next {
            return Err(bad(if p.start > next {
                format!("runs {next}..{} are in no part; hint: run them with --run-range {next}..{}", p.start, p.start)
            } else {
                format!("runs {}..{} are in two parts", p.start, next.min(p.end))
            }));
        }
        if p.tally.runs() != p.end - p.start {
            return Err(bad(format!("the part for runs {}..{} holds {} runs", p.start, p.end, p.tally.runs())));
        }
        next = p.end;
    }
    if next != first.total {
        return Err(bad(format!("runs {next}..{} are in no part", first.total)));
    }
    let sc: Scenario =
        serde_json::from_value(first.scenario.clone()).map_err(|e| bad(format!("the scenario does not read: {e}")))?;
    let channel = match &first.channel {
        None => None,
        Some(c) => Some(
            demarche_scenario::settings::simulation::Channel::parse(c)
                .ok_or_else(|| bad(format!("unknown channel `{c}`")))?,
        ),
    };
    let overrides = Overrides { channel, runs: first.runs, seed: first.seed };
    let plan = Plan::new(&sc, &overrides).map_err(SimError::Invalid)?;
    let mut tally = order[0].tally.clone();
    for p in &order[1..] {
        tally.merge(&p.tally).map_err(|e| bad(e.to_string()))?;
    }
    let report = report::Accumulator::resume(&sc, &plan, tally).finish(notes(&sc, &plan));
    Ok((report, sc))
}

fn notes(sc: &Scenario, plan: &Plan) -> Vec<String> {
    let mut v = Vec::new();
    if plan.principal_source != plan::PrincipalSource::Settings {
        v.push(format!(
            "principals not named in [simulation]; taken as `{}` and `{}` ({})",
            sc.actors[plan.principals[0]].id,
            sc.actors[plan.principals[1]].id,
            match plan.principal_source {
                plan::PrincipalSource::Mediated => "the parties the mediator works between",
                _ => "the two most capable actors with stances",
            }
        ));
    }
    let off: Vec<&str> =
        (0..sc.issues.len()).filter(|i| !plan.agenda.contains(i)).map(|i| sc.issues[i].id.as_str()).collect();
    if !off.is_empty() {
        v.push(format!("off the table (kept at the status quo in any deal): {}", off.join(", ")));
    }
    v
}

/// Outputs of the sensitivity analysis, per channel: agreement at the table,
/// agreement that survives ratification, and each agenda issue's expected
/// term (the deal's term, or the status quo — the scale's midpoint if none —
/// without a deal).
#[derive(Clone, Debug, Serialize)]
pub struct SensitivityReport {
    pub title: String,
    pub seed: u64,
    pub outputs: Vec<String>,
    pub inputs: Vec<String>,
    pub sobol: sensitivity::SobolIndices,
    pub oat: sensitivity::OatEffects,
    /// Per output, inputs ranked by first-order index (then by OAT swing).
    pub ranked: Vec<RankedOutput>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RankedOutput {
    pub output: String,
    /// The channel and measure `output` names (for callers, who need not parse it).
    #[serde(skip)]
    pub channel: String,
    #[serde(skip)]
    pub measure: Measure,
    pub baseline: f64,
    pub variance: f64,
    pub rows: Vec<RankedInput>,
}

/// What a sensitivity output measures, per channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Measure {
    /// P(deal at the table).
    Agreement,
    /// P(deal that survives ratification).
    Ratified,
    /// The expected term on an agenda issue (by id).
    Term(String),
    /// P(the red lines leave no zone of agreement).
    NoZone,
    /// P(a coercive option is used before a ratified deal) — when the
    /// scenario holds options.
    Force,
}

impl Measure {
    fn label(&self, channel: &str) -> String {
        match self {
            Measure::Agreement => format!("{channel}: P(agreement)"),
            Measure::Ratified => format!("{channel}: P(ratified deal)"),
            Measure::Term(issue) => format!("{channel}: E[{issue}]"),
            Measure::NoZone => format!("{channel}: P(no zone of agreement)"),
            Measure::Force => format!("{channel}: P(option used before a deal)"),
        }
    }
}

/// One row of tornado data.
#[derive(Clone, Debug, Serialize)]
pub struct RankedInput {
    pub input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_order: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    /// Mean output with the input at its low / high quantile (others random).
    pub low: f64,
    pub high: f64,
}

/// Sensitivity options.
#[derive(Clone, Debug)]
pub struct SensitivityOptions {
    pub overrides: Overrides,
    /// Sobol base samples N (cost N·(inputs + 2) runs).
    pub samples: usize,
    /// Runs per one-at-a-time setting (cost 2·inputs·runs + runs).
    pub oat_runs: usize,
    /// Low and high quantiles for one-at-a-time.
    pub quantiles: (f64, f64),
}

impl Default for SensitivityOptions {
    fn default() -> Self {
        SensitivityOptions { overrides: Overrides::default(), samples: 128, oat_runs: 64, quantiles: (0.1, 0.9) }
    }
}

/// Sensitivity of the simulation's outputs to every uncertain input that can
/// move the talks (see [`SensitivityReport`]).
///
/// `control` is told `(model runs done, model runs in all)` as the Sobol and
/// one-at-a-time runs finish, and asked before each; once it says stop the
/// remaining runs are skipped and the analysis ends with [`SimError::Cancelled`].
pub fn analyse(
    sc: &Scenario,
    opts: &SensitivityOptions,
    control: &dyn RunControl,
) -> Result<SensitivityReport, SimError> {
    let plan = Plan::new(sc, &opts.overrides).map_err(SimError::Invalid)?;
    let seed = plan.settings.seed;
    let groups: Vec<&plan::Group> = plan.groups.iter().filter(|g| g.affects_talks).collect();
    let columns: Vec<Vec<usize>> = groups.iter().map(|g| g.columns.clone()).collect();
    let mut measured: Vec<(&str, Measure)> = Vec::new();
    let channels: Vec<(usize, &str)> = [(0, "direct"), (1, "mediated")]
        .into_iter()
        .filter(|(c, _)| [plan.channel.direct(), plan.channel.mediated()][*c])
        .collect();
    for &(_, name) in &channels {
        measured.push((name, Measure::Agreement));
        measured.push((name, Measure::Ratified));
        for &i in &plan.agenda {
            measured.push((name, Measure::Term(sc.issues[i].id.clone())));
        }
        measured.push((name, Measure::NoZone));
        if !plan.options.is_empty() {
            measured.push((name, Measure::Force));
        }
    }
    let outputs: Vec<String> = measured.iter().map(|(c, m)| m.label(c)).collect();
    let fallback: Vec<f64> = plan
        .agenda
        .iter()
        .map(|&i| plan.status_quo[i].unwrap_or((sc.issues[i].min + sc.issues[i].max) / 2.0))
        .collect();
    let first_error = std::sync::Mutex::new(None);
    let groups_n = columns.len();
    let total = (opts.samples.max(2) * (groups_n + 2) + opts.oat_runs.max(1) * (2 * groups_n + 1)) as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let model = |u: &[f64]| -> Vec<f64> {
        if stopped.load(std::sync::atomic::Ordering::Relaxed) || control.cancelled() {
            stopped.store(true, std::sync::atomic::Ordering::Relaxed);
            return vec![f64::NAN; outputs.len()];
        }
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        control.progress(n, total);
        let draw = draw::Draw::from_uniforms(sc, &plan, u);
        match run::run(sc, &plan, &draw, run::RunOptions { seed, escalation: false }) {
            Ok(r) => {
                let mut y = Vec::with_capacity(outputs.len());
                for &(c, _) in &channels {
                    let ch = r.channels[c].as_ref();
                    let agreed = ch.is_some_and(|x| x.end == run::End::Agreement);
                    y.push(f64::from(u8::from(agreed)));
                    y.push(f64::from(u8::from(agreed && ch.is_some_and(|x| x.ratified))));
                    for (k, &none) in fallback.iter().enumerate() {
                        y.push(if agreed { ch.map(|x| x.terms[k]).unwrap_or(none) } else { none });
                    }
                    y.push(f64::from(u8::from(r.no_zone.is_some())));
                    if !plan.options.is_empty() {
                        y.push(f64::from(u8::from(ch.is_some_and(|x| x.force.is_some()))));
                    }
                }
                y
            }
            Err(e) => {
                if let Ok(mut slot) = first_error.lock() {
                    slot.get_or_insert(e);
                }
                vec![f64::NAN; outputs.len()]
            }
        }
    };
    let d = plan.dimension();
    let sobol = sensitivity::sobol(d, &columns, outputs.len(), opts.samples.max(2), seed, model);
    let oat = sensitivity::oat(
        d,
        &columns,
        outputs.len(),
        opts.oat_runs.max(1),
        opts.quantiles,
        derive_seed(seed, &[1]),
        model,
    );
    if stopped.into_inner() {
        return Err(SimError::Cancelled { done: done.into_inner() });
    }
    if let Some(e) = first_error.into_inner().ok().flatten() {
        return Err(SimError::Negotiation(e));
    }
    let names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let ranked = (0..outputs.len())
        .map(|o| {
            let mut rows: Vec<RankedInput> = (0..names.len())
                .map(|g| RankedInput {
                    input: names[g].clone(),
                    first_order: sobol.first[o][g],
                    total: sobol.total[o][g],
                    low: oat.low[o][g],
                    high: oat.high[o][g],
                })
                .collect();
            rows.sort_by(|a, b| {
                let key = |r: &RankedInput| r.first_order.unwrap_or(0.0);
                key(b)
                    .total_cmp(&key(a))
                    .then((b.high - b.low).abs().total_cmp(&(a.high - a.low).abs()))
                    .then(a.input.cmp(&b.input))
            });
            RankedOutput {
                output: outputs[o].clone(),
                channel: measured[o].0.to_string(),
                measure: measured[o].1.clone(),
                baseline: oat.baseline[o],
                variance: sobol.variance[o],
                rows,
            }
        })
        .collect();
    Ok(SensitivityReport { title: sc.meta.title.clone(), seed, outputs, inputs: names, sobol, oat, ranked })
}

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

mod analysis;
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

pub use analysis::{
    analyse, analyse_partial, merge_sensitivity, Measure, RankedInput, RankedOutput, SensitivityOptions,
    SensitivityPartial, SensitivityReport, SENSITIVITY_PARTIAL,
};
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
    let order = in_order(parts, |p| (p.start, p.end), first.total, "runs", "--run-range")?;
    for p in &order {
        if p.tally.runs() != p.end - p.start {
            return Err(bad(format!("the part for runs {}..{} holds {} runs", p.start, p.end, p.tally.runs())));
        }
    }
    let sc: Scenario =
        serde_json::from_value(first.scenario.clone()).map_err(|e| bad(format!("the scenario does not read: {e}")))?;
    let overrides = overrides_of(first.channel.as_deref(), first.runs, first.seed)?;
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

/// The parts of one split job in order, once it is checked that their
/// ranges (`span`) cover `0..total` without gap or overlap; `unit` ("runs",
/// "rows") and `flag` (the option that makes a part) word the errors.
pub(crate) fn in_order<'a, P>(
    parts: &'a [P],
    span: impl Fn(&P) -> (u64, u64),
    total: u64,
    unit: &str,
    flag: &str,
) -> Result<Vec<&'a P>, SimError> {
    let mut order: Vec<&P> = parts.iter().collect();
    order.sort_by_key(|p| span(p).0);
    let mut next = 0;
    for p in &order {
        let (start, end) = span(p);
        if start != next {
            return Err(SimError::Range(if start > next {
                format!("{unit} {next}..{start} are in no part; hint: run them with {flag} {next}..{start}")
            } else {
                format!("{unit} {start}..{} are in two parts", next.min(end))
            }));
        }
        next = end;
    }
    if next != total {
        return Err(SimError::Range(format!("{unit} {next}..{total} are in no part")));
    }
    Ok(order)
}

/// The overrides a partial result records (its channel by name).
fn overrides_of(channel: Option<&str>, runs: Option<u32>, seed: Option<u64>) -> Result<Overrides, SimError> {
    let channel = match channel {
        None => None,
        Some(c) => Some(
            demarche_scenario::settings::simulation::Channel::parse(c)
                .ok_or_else(|| SimError::Range(format!("unknown channel `{c}`")))?,
        ),
    };
    Ok(Overrides { channel, runs, seed })
}

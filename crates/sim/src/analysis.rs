//! The sensitivity analysis of a simulation: which uncertain inputs move the
//! agreement, its ratification and its terms ([`analyse`]), and the same
//! analysis split into parts that separate processes or machines evaluate
//! ([`analyse_partial`]) and [`merge_sensitivity`] folds back, byte for byte.
//!
//! The design has `samples + oat_runs` rows: rows `0..samples` are the Sobol
//! base samples (each costs `inputs + 2` simulated runs), rows
//! `samples..samples + oat_runs` the one-at-a-time runs (each `2·inputs + 1`).
//! A part evaluates a range of rows and keeps every output; the indices are
//! computed once, from all of them, as one process would.

use demarche_negotiation::protocol::derive_seed;
use demarche_scenario::Scenario;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::{draw, plan, run, sensitivity, Overrides, Plan, RunControl, SimError};

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
    /// Half-width of its 95 % bootstrap interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_conf: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_conf: Option<f64>,
    /// Whether the first-order index's interval holds 0 (or there is none):
    /// not told apart from no effect, and never ranked above one that is.
    pub within_noise: bool,
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

/// The part of a sensitivity analysis one process evaluated: rows
/// `start..end` of the design's `total` (see the module docs), with every
/// output of every model run in them, and what the analysis was made from.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct SensitivityPartial {
    /// `demarche-sensitivity-partial`, and this layout's version.
    pub format: String,
    pub version: u32,
    /// The scenario as analysed (its JSON).
    pub scenario: serde_json::Value,
    /// The options as given (`null`: the scenario's own).
    pub channel: Option<String>,
    pub seed: Option<u64>,
    pub samples: usize,
    pub oat_runs: usize,
    pub quantiles: (f64, f64),
    /// Rows of the whole design, and this part's.
    pub total: u64,
    pub start: u64,
    pub end: u64,
    /// The outputs of the part's Sobol runs, then of its one-at-a-time runs,
    /// in design order.
    pub sobol: Vec<Vec<f64>>,
    pub oat: Vec<Vec<f64>>,
}

/// The format name of a [`SensitivityPartial`].
pub const SENSITIVITY_PARTIAL: &str = "demarche-sensitivity-partial";

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
    let analysis = Analysis::new(sc, opts)?;
    let (sobol, oat) = analysis.evaluate(0..analysis.rows(), control)?;
    Ok(analysis.finish(&sobol, &oat))
}

/// Rows `range` of the design [`analyse`] would evaluate (a range outside
/// `0..samples + oat_runs` is an error).
pub fn analyse_partial(
    sc: &Scenario,
    opts: &SensitivityOptions,
    range: std::ops::Range<u64>,
    control: &dyn RunControl,
) -> Result<SensitivityPartial, SimError> {
    let analysis = Analysis::new(sc, opts)?;
    let total = analysis.rows() as u64;
    if range.start >= range.end || range.end > total {
        return Err(SimError::Range(format!(
            "rows {}..{} are not a part of the design's {total} rows ({} Sobol samples, then {} one-at-a-time \
             runs); hint: give A..B with 0 ≤ A < B ≤ {total}",
            range.start, range.end, analysis.samples, analysis.oat_runs
        )));
    }
    let (sobol, oat) = analysis.evaluate(range.start as usize..range.end as usize, control)?;
    Ok(SensitivityPartial {
        format: SENSITIVITY_PARTIAL.into(),
        version: crate::PARTIAL_VERSION,
        scenario: serde_json::to_value(sc).unwrap_or_default(),
        channel: opts.overrides.channel.map(|c| c.as_str().to_string()),
        seed: opts.overrides.seed,
        samples: analysis.samples,
        oat_runs: analysis.oat_runs,
        quantiles: opts.quantiles,
        total,
        start: range.start,
        end: range.end,
        sobol,
        oat,
    })
}

/// Folds the parts of one analysis into exactly the report one [`analyse`]
/// would give: they must be made from the same scenario and options and
/// together cover every row once. Returns the report and the scenario.
pub fn merge_sensitivity(parts: &[SensitivityPartial]) -> Result<(SensitivityReport, Scenario), SimError> {
    let bad = |m: String| SimError::Range(m);
    let first = parts.first().ok_or_else(|| bad("no partial results to merge".into()))?;
    for (k, p) in parts.iter().enumerate() {
        if p.format != SENSITIVITY_PARTIAL || p.version > crate::PARTIAL_VERSION {
            return Err(bad(format!(
                "part {}: not a demarche sensitivity part of version ≤ {}",
                k + 1,
                crate::PARTIAL_VERSION
            )));
        }
        let key = |p: &SensitivityPartial| {
            (
                p.channel.clone(),
                p.seed,
                p.samples,
                p.oat_runs,
                p.quantiles.0.to_bits(),
                p.quantiles.1.to_bits(),
                p.total,
            )
        };
        if p.scenario != first.scenario || key(p) != key(first) {
            return Err(bad(format!(
                "part {} was made from another scenario or other options than part 1; hint: merge the parts of one \
                 analysis only",
                k + 1
            )));
        }
    }
    let sc: Scenario =
        serde_json::from_value(first.scenario.clone()).map_err(|e| bad(format!("the scenario does not read: {e}")))?;
    let opts = SensitivityOptions {
        overrides: crate::overrides_of(first.channel.as_deref(), None, first.seed)?,
        samples: first.samples,
        oat_runs: first.oat_runs,
        quantiles: first.quantiles,
    };
    let analysis = Analysis::new(&sc, &opts)?;
    if analysis.rows() as u64 != first.total {
        return Err(bad(format!("the parts speak of {} rows; their scenario gives {}", first.total, analysis.rows())));
    }
    let order = crate::in_order(parts, |p| (p.start, p.end), first.total, "rows", "--sample-range")?;
    let (mut sobol, mut oat) = (Vec::new(), Vec::new());
    for p in order {
        let (want_sobol, want_oat) = analysis.evaluations_in(p.start as usize..p.end as usize);
        let width_ok = |ys: &[Vec<f64>]| ys.iter().all(|y| y.len() == analysis.outputs.len());
        if p.sobol.len() != want_sobol || p.oat.len() != want_oat || !width_ok(&p.sobol) || !width_ok(&p.oat) {
            return Err(bad(format!("the part for rows {}..{} does not hold the outputs of its runs", p.start, p.end)));
        }
        sobol.extend_from_slice(&p.sobol);
        oat.extend_from_slice(&p.oat);
    }
    let report = analysis.finish(&sobol, &oat);
    Ok((report, sc))
}

/// Every output of a range of model runs, one row per run.
type Outputs = Vec<Vec<f64>>;

/// One analysis, resolved: the uncertain inputs that can move the talks and
/// the outputs measured on every channel.
struct Analysis<'a> {
    sc: &'a Scenario,
    plan: Plan,
    seed: u64,
    samples: usize,
    oat_runs: usize,
    quantiles: (f64, f64),
    names: Vec<String>,
    columns: Vec<Vec<usize>>,
    channels: Vec<(usize, &'static str)>,
    measured: Vec<(&'static str, Measure)>,
    outputs: Vec<String>,
    /// Per agenda issue, the term without a deal.
    fallback: Vec<f64>,
}

impl<'a> Analysis<'a> {
    fn new(sc: &'a Scenario, opts: &SensitivityOptions) -> Result<Self, SimError> {
        let plan = Plan::new(sc, &opts.overrides).map_err(SimError::Invalid)?;
        let seed = plan.settings.seed;
        let groups: Vec<&plan::Group> = plan.groups.iter().filter(|g| g.affects_talks).collect();
        let columns: Vec<Vec<usize>> = groups.iter().map(|g| g.columns.clone()).collect();
        let names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
        let channels: Vec<(usize, &'static str)> = [(0, "direct"), (1, "mediated")]
            .into_iter()
            .filter(|(c, _)| [plan.channel.direct(), plan.channel.mediated()][*c])
            .collect();
        let mut measured: Vec<(&'static str, Measure)> = Vec::new();
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
        Ok(Analysis {
            sc,
            plan,
            seed,
            samples: opts.samples.max(2),
            oat_runs: opts.oat_runs.max(1),
            quantiles: opts.quantiles,
            names,
            columns,
            channels,
            measured,
            outputs,
            fallback,
        })
    }

    /// Rows of the design: Sobol samples, then one-at-a-time runs.
    fn rows(&self) -> usize {
        self.samples + self.oat_runs
    }

    /// The design rows `rows` splits into: Sobol base rows and one-at-a-time runs.
    fn split(&self, rows: std::ops::Range<usize>) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let s = self.samples;
        let sobol = rows.start.min(s)..rows.end.min(s);
        let oat = rows.start.max(s) - s..rows.end.max(s) - s;
        (sobol, oat)
    }

    /// Model runs in `rows`: Sobol's, then one-at-a-time's.
    fn evaluations_in(&self, rows: std::ops::Range<usize>) -> (usize, usize) {
        let g = self.columns.len();
        let (sobol, oat) = self.split(rows);
        (sobol.len() * (g + 2), oat.len() * (2 * g + 1))
    }

    /// Every output of every model run in `rows`.
    fn evaluate(&self, rows: std::ops::Range<usize>, control: &dyn RunControl) -> Result<(Outputs, Outputs), SimError> {
        let (sc, plan, seed) = (self.sc, &self.plan, self.seed);
        let first_error = std::sync::Mutex::new(None);
        let (sobol_n, oat_n) = self.evaluations_in(rows.clone());
        let total = (sobol_n + oat_n) as u64;
        let done = AtomicU64::new(0);
        let stopped = AtomicBool::new(false);
        let width = self.outputs.len();
        let model = |u: &[f64]| -> Vec<f64> {
            if stopped.load(Ordering::Relaxed) || control.cancelled() {
                stopped.store(true, Ordering::Relaxed);
                return vec![f64::NAN; width];
            }
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            control.progress(n, total);
            let draw = draw::Draw::from_uniforms(sc, plan, u);
            match run::run(sc, plan, &draw, run::RunOptions { seed, escalation: false }) {
                Ok(r) => {
                    let mut y = Vec::with_capacity(width);
                    for &(c, _) in &self.channels {
                        let ch = r.channels[c].as_ref();
                        let agreed = ch.is_some_and(|x| x.end == run::End::Agreement);
                        y.push(f64::from(u8::from(agreed)));
                        y.push(f64::from(u8::from(agreed && ch.is_some_and(|x| x.ratified))));
                        for (k, &none) in self.fallback.iter().enumerate() {
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
                    vec![f64::NAN; width]
                }
            }
        };
        let d = plan.dimension();
        let (sobol_rows, oat_rows) = self.split(rows);
        let sobol = sensitivity::sobol_evaluations(d, &self.columns, self.samples, seed, sobol_rows, model);
        let oat_seed = derive_seed(seed, &[1]);
        let oat = sensitivity::oat_evaluations(d, &self.columns, oat_rows, self.quantiles, oat_seed, model);
        if stopped.into_inner() {
            return Err(SimError::Cancelled { done: done.into_inner() });
        }
        if let Some(e) = first_error.into_inner().ok().flatten() {
            return Err(SimError::Negotiation(e));
        }
        Ok((sobol, oat))
    }

    /// The report from the outputs of every model run of the design.
    fn finish(&self, sobol_ys: &[Vec<f64>], oat_ys: &[Vec<f64>]) -> SensitivityReport {
        let (g, outputs) = (self.columns.len(), self.outputs.len());
        let sobol = sensitivity::sobol_indices(self.samples, g, outputs, sobol_ys, self.seed);
        let oat = sensitivity::oat_effects(self.oat_runs, g, outputs, self.quantiles, oat_ys);
        let ranked = (0..outputs)
            .map(|o| {
                let conf = |c: &Vec<Vec<Option<f64>>>, k: usize| c.get(o).and_then(|row| row[k]);
                let mut rows: Vec<RankedInput> = (0..g)
                    .map(|k| {
                        let (first_order, first_conf) = (sobol.first[o][k], conf(&sobol.first_conf, k));
                        RankedInput {
                            input: self.names[k].clone(),
                            first_order,
                            first_conf,
                            total: sobol.total[o][k],
                            total_conf: conf(&sobol.total_conf, k),
                            // An index whose interval holds 0 is not told apart from no effect.
                            within_noise: match (first_order, first_conf) {
                                (Some(s), Some(c)) => s.abs() <= c,
                                (Some(_), None) => false,
                                (None, _) => true,
                            },
                            low: oat.low[o][k],
                            high: oat.high[o][k],
                        }
                    })
                    .collect();
                // Effects told apart from noise first (largest first-order index on
                // top), then the rest by their one-at-a-time swing, never above them.
                rows.sort_by(|a, b| {
                    let key = |r: &RankedInput| r.first_order.unwrap_or(0.0);
                    a.within_noise
                        .cmp(&b.within_noise)
                        .then_with(
                            || if a.within_noise { std::cmp::Ordering::Equal } else { key(b).total_cmp(&key(a)) },
                        )
                        .then((b.high - b.low).abs().total_cmp(&(a.high - a.low).abs()))
                        .then(a.input.cmp(&b.input))
                });
                RankedOutput {
                    output: self.outputs[o].clone(),
                    channel: self.measured[o].0.to_string(),
                    measure: self.measured[o].1.clone(),
                    baseline: oat.baseline[o],
                    variance: sobol.variance[o],
                    rows,
                }
            })
            .collect();
        SensitivityReport {
            title: self.sc.meta.title.clone(),
            seed: self.seed,
            outputs: self.outputs.clone(),
            inputs: self.names.clone(),
            sobol,
            oat,
            ranked,
        }
    }
}

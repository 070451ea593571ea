//! Aggregating runs (in index order, so results do not depend on threads)
//! into the per-channel report.

use std::collections::BTreeMap;

use demarche_scenario::Scenario;
use serde::{Deserialize, Serialize};

use crate::confrontation::{self, DyadScore};
use crate::escalation::{dyad_bit, has};
use crate::exact::{keyed, Dist, ExactSum};
use crate::plan::{Plan, PrincipalSource};
use crate::run::{End, RunOutcome};

/// Mean and 10th / 50th / 90th percentiles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub mean: f64,
    pub p10: f64,
    pub median: f64,
    pub p90: f64,
}

/// Quantile `q` of sorted values (linear interpolation between order statistics).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Summary of the finite values; `None` when there are none.
pub fn summarise(values: &[f64]) -> Option<Summary> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    Some(Summary { mean, p10: quantile(&v, 0.1), median: quantile(&v, 0.5), p90: quantile(&v, 0.9) })
}

/// Summary of a distribution of per-run values; `None` when it is empty.
/// `scale` multiplies every value (rounds into days).
pub fn summarise_dist(d: &Dist, scale: f64) -> Option<Summary> {
    (!d.is_empty()).then(|| Summary {
        mean: d.mean() * scale,
        p10: d.quantile(0.1) * scale,
        median: d.quantile(0.5) * scale,
        p90: d.quantile(0.9) * scale,
    })
}

/// Wilson score interval (95 %) for a proportion.
pub fn wilson(successes: u64, n: u64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let z = 1.959_963_985;
    let (n, p) = (n as f64, successes as f64 / n as f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * ((p * (1.0 - p) + z * z / (4.0 * n)) / n).sqrt() / (1.0 + z * z / n);
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

#[derive(Clone, Debug, Serialize)]
pub struct ActorRef {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct IssueShare {
    pub issue: String,
    pub share: f64,
}

/// The agreed terms on one agenda issue, over the runs that reached a deal at the table.
#[derive(Clone, Debug, Serialize)]
pub struct Terms {
    pub issue: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_quo: Option<f64>,
    pub summary: Summary,
    /// The median read on the issue's scale (`Issue::describe`).
    pub reading: String,
    pub reading_p10: String,
    pub reading_p90: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Blocker {
    pub actor: String,
    /// Share of deals at the table the ratifier objects to.
    pub objects: f64,
    /// Share of deals at the table its veto actually blocks.
    pub blocks: f64,
    /// Its veto's binding probability.
    pub binding: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PrincipalResult {
    pub actor: String,
    /// Mean effective utility of the deals reached (with influence, on the agenda).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deal: Option<f64>,
    /// The same, discounted by the rounds taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deal_discounted: Option<f64>,
    /// Mean reservation (no-deal) value (None when no run had a zone of agreement).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActorResult {
    pub actor: String,
    /// Mean own utility of the deals at the table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deal: Option<f64>,
    /// Mean own utility of no deal.
    pub no_deal: f64,
    /// Mean own utility of what happens: a ratified deal, else no deal.
    pub expected: f64,
    /// Share of deals at the table that cross one of its red lines (None: it states none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub red_line_crossed: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crossed_on: Vec<IssueShare>,
}

/// Whose limit bounds a closed zone on one side, and where (the median over
/// the runs in which it is that actor's).
#[derive(Clone, Debug, Serialize)]
pub struct ZoneLimit {
    pub actor: String,
    /// Share of this issue's closed runs in which this actor's limit is the binding one.
    pub share: f64,
    pub value: f64,
    /// The value read on the issue's scale.
    pub reading: String,
    /// Set when the actor is a ratifier holding a principal to its red line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratifier_for: Option<String>,
}

/// One way to open a closed zone: an actor moves one of its limits.
#[derive(Clone, Debug, Serialize)]
pub struct ZoneMove {
    pub actor: String,
    /// `lower` (accept less than before) or `upper` (accept more).
    pub limit: String,
    /// How far, on the issue's scale (the median gap).
    pub by: f64,
    pub to: f64,
    pub reading: String,
    /// The actor's stated salience on the issue.
    pub salience: f64,
    /// `by / range × salience`: the share of the scale moved, weighted by how much the actor cares.
    pub cost: f64,
}

/// An agenda issue on which the red lines leave no zone of agreement in some
/// runs, and what would open it.
#[derive(Clone, Debug, Serialize)]
pub struct ZoneGap {
    pub issue: String,
    pub name: String,
    /// Share of all runs with no overlap on this issue.
    pub share: f64,
    /// The gap between the limits, on the issue's scale.
    pub gap: Summary,
    /// The median gap as a share of the scale.
    pub gap_of_scale: f64,
    /// The highest lower limit and the lowest upper limit (most often binding).
    pub low: ZoneLimit,
    pub high: ZoneLimit,
    /// Cheapest first.
    pub moves: Vec<ZoneMove>,
}

/// Who used a coercive option first, in what share of the runs.
#[derive(Clone, Debug, Serialize)]
pub struct FirstMover {
    pub actor: String,
    pub target: String,
    pub option: String,
    /// `force` or `coercion`.
    pub kind: String,
    /// Share of all runs in which this option was the first used.
    pub share: f64,
    /// The round it opens in, and its date when the scenario has an as-of date.
    pub round: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// One dyad's confrontation indicator.
#[derive(Clone, Debug, Serialize)]
pub struct DyadRisk {
    pub a: String,
    pub b: String,
    /// Share of runs ending with the dyad in confrontation (after a ratified
    /// deal where there is one, else without a deal).
    pub overall: f64,
    /// The same among runs without a ratified deal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_deal: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChannelReport {
    pub channel: String,
    /// Share of runs in which the red lines leave no zone of agreement (the
    /// same for both channels: the zone does not depend on the channel).
    pub no_zone: f64,
    /// Share of runs with a deal at the table, and its 95 % (Wilson) interval.
    pub agreement: f64,
    pub agreement_interval: [f64; 2],
    /// Share of runs whose deal also survives ratification, and its 95 % (Wilson) interval.
    pub ratified: f64,
    pub ratified_interval: [f64; 2],
    /// Share of runs ending in a coercive option used before a ratified deal
    /// (any `[[options]]`; force and coercion alike), and its 95 % interval.
    pub force: f64,
    pub force_interval: [f64; 2],
    /// Share of runs in which some option of kind `force` (first or not) is
    /// worth using before a ratified deal — what the backtest's P(force) scores.
    pub force_only: f64,
    /// Share of runs in which a principal, misjudging the other's red lines,
    /// walked away from a zone that existed (the information mechanism).
    pub misperceived: f64,
    /// Share of runs in which deniability averted a ratifier's block (mediated only).
    pub blocks_averted: f64,
    /// Share of runs whose ratified deal broke down before the deadline (the
    /// durability mechanism; mediated only).
    pub broke_down: f64,
    /// Days one round of this channel lasts, and the days to a deal at the table.
    pub round_days: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<Summary>,
    /// Who acted first, by option, most frequent first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub first_mover: Vec<FirstMover>,
    pub end_reasons: BTreeMap<String, f64>,
    /// Rounds to a deal (runs with a deal at the table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounds: Option<Summary>,
    pub terms: Vec<Terms>,
    pub blockers: Vec<Blocker>,
    pub principals: Vec<PrincipalResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pareto_gap: Option<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nash_gap: Option<Summary>,
    pub actors: Vec<ActorResult>,
    /// Dyads by confrontation indicator, highest first (only those above 0).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub escalation: Vec<DyadRisk>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub title: String,
    pub runs: u64,
    pub seed: u64,
    pub principals: Vec<ActorRef>,
    /// How the principals were chosen: `settings`, `mediated` or `most_capable`.
    pub principals_from: String,
    pub agenda: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mediator: Option<String>,
    /// Every option used, defaults included.
    pub settings: BTreeMap<String, String>,
    /// Share of runs in which no deal was possible (no zone of agreement), by issue.
    pub no_zone: f64,
    pub no_zone_by_issue: Vec<IssueShare>,
    /// Share of runs whose zone exists but is narrower than 1 % of the scale on
    /// some agenda issue (a knife edge), and on which issues.
    pub narrow_zone: f64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub narrow_zone_by_issue: Vec<IssueShare>,
    /// Each agenda issue that closes the zone in some runs, and what would open it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub what_it_takes: Vec<ZoneGap>,
    pub channels: Vec<ChannelReport>,
    /// Whether the confrontation indicator was computed, and on how many runs.
    pub escalation: bool,
    pub escalation_runs: u64,
    /// The confrontation indicator for every dyad of actors with stances,
    /// highest first ([`crate::confrontation`]); the per-channel `escalation`
    /// lists hold the expected-utility classification alone.
    pub confrontation: Vec<DyadScore>,
    pub notes: Vec<String>,
}

/// Per-channel running totals.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct ChannelAcc {
    runs: u64,
    agreed: u64,
    ratified: u64,
    ends: BTreeMap<String, u64>,
    rounds: Dist,
    terms: Vec<Dist>,
    objections: Vec<u64>,
    blocks: Vec<u64>,
    principal: [ExactSum; 2],
    principal_disc: [ExactSum; 2],
    reservation: [ExactSum; 2],
    reservation_runs: u64,
    pareto: Dist,
    nash: Dist,
    actor_deal: Vec<ExactSum>,
    actor_expected: Vec<ExactSum>,
    crossed_any: Vec<u64>,
    crossed: BTreeMap<u32, u64>,
    conflict: Vec<u64>,
    conflict_no_deal: Vec<u64>,
    no_deal_runs: u64,
    escalation_runs: u64,
    forced: u64,
    misperceived: u64,
    no_zone: u64,
    forced_any: u64,
    averted: u64,
    broke_down: u64,
    first_by_option: BTreeMap<usize, u64>,
}

/// What a run range adds up to: every count, exact sum and per-run value the
/// report is made from, in run order. Two tallies of adjacent ranges merge
/// ([`Tally::merge`]) into the tally of both, exactly (module
/// [`crate::exact`]), so a simulation split across processes gives the report
/// one process gives.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tally {
    escalation: bool,
    runs: u64,
    no_zone: Vec<u64>,
    /// Per agenda issue: the gap widths of the runs it was closed in, and
    /// whose limits bound it ((actor, party) → values).
    gap_widths: Vec<Dist>,
    narrow: Vec<u64>,
    narrow_runs: u64,
    #[serde(with = "keyed")]
    gap_low: Vec<BTreeMap<(usize, usize), Dist>>,
    #[serde(with = "keyed")]
    gap_high: Vec<BTreeMap<(usize, usize), Dist>>,
    no_deal_utility: Vec<ExactSum>,
    channels: [Option<ChannelAcc>; 2],
    dyads: usize,
    escalation_runs: u64,
    /// Runs with each dyad in conflict on the stated positions (no deal), for
    /// the confrontation indicator's expected-utility ingredient.
    baseline_conflict: Vec<u64>,
}

/// Why two tallies cannot be merged.
#[derive(Debug, thiserror::Error)]
#[error("the partial results do not fit together: {0}")]
pub struct MergeError(pub String);

fn add_counts(a: &mut [u64], b: &[u64]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
}

fn add_sums(a: &mut [ExactSum], b: &[ExactSum]) {
    a.iter_mut().zip(b).for_each(|(x, y)| x.merge(y));
}

fn add_map<K: Ord + Clone>(a: &mut BTreeMap<K, u64>, b: &BTreeMap<K, u64>) {
    for (k, v) in b {
        *a.entry(k.clone()).or_insert(0) += v;
    }
}

impl ChannelAcc {
    /// Adds `b`, the totals of other runs.
    fn merge(&mut self, b: &ChannelAcc) -> Result<(), String> {
        self.runs += b.runs;
        self.agreed += b.agreed;
        self.ratified += b.ratified;
        add_map(&mut self.ends, &b.ends);
        self.rounds.merge(&b.rounds)?;
        for (x, y) in self.terms.iter_mut().zip(&b.terms) {
            x.merge(y)?;
        }
        add_counts(&mut self.objections, &b.objections);
        add_counts(&mut self.blocks, &b.blocks);
        add_sums(&mut self.principal, &b.principal);
        add_sums(&mut self.principal_disc, &b.principal_disc);
        add_sums(&mut self.reservation, &b.reservation);
        self.reservation_runs += b.reservation_runs;
        self.pareto.merge(&b.pareto)?;
        self.nash.merge(&b.nash)?;
        add_sums(&mut self.actor_deal, &b.actor_deal);
        add_sums(&mut self.actor_expected, &b.actor_expected);
        add_counts(&mut self.crossed_any, &b.crossed_any);
        add_map(&mut self.crossed, &b.crossed);
        add_counts(&mut self.conflict, &b.conflict);
        add_counts(&mut self.conflict_no_deal, &b.conflict_no_deal);
        self.no_deal_runs += b.no_deal_runs;
        self.escalation_runs += b.escalation_runs;
        self.forced += b.forced;
        self.misperceived += b.misperceived;
        self.no_zone += b.no_zone;
        self.forced_any += b.forced_any;
        self.averted += b.averted;
        self.broke_down += b.broke_down;
        add_map(&mut self.first_by_option, &b.first_by_option);
        Ok(())
    }

    fn shape(&self) -> [usize; 8] {
        [
            self.terms.len(),
            self.objections.len(),
            self.blocks.len(),
            self.actor_deal.len(),
            self.actor_expected.len(),
            self.crossed_any.len(),
            self.conflict.len(),
            self.conflict_no_deal.len(),
        ]
    }
}

impl Tally {
    /// The runs counted.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Adds `b`, the tally of other runs: counts, exact sums and value
    /// distributions add, so the order and grouping of the parts do not matter.
    pub fn merge(&mut self, b: &Tally) -> Result<(), MergeError> {
        let channels_match = self.channels.iter().zip(&b.channels).all(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => x.shape() == y.shape(),
            (None, None) => true,
            _ => false,
        });
        if self.escalation != b.escalation
            || self.no_zone.len() != b.no_zone.len()
            || self.no_deal_utility.len() != b.no_deal_utility.len()
            || self.dyads != b.dyads
            || self.baseline_conflict.len() != b.baseline_conflict.len()
            || !channels_match
        {
            return Err(MergeError("they were made with different scenarios or options".into()));
        }
        self.runs += b.runs;
        add_counts(&mut self.no_zone, &b.no_zone);
        let fail = |e: String| MergeError(e);
        for (x, y) in self.gap_widths.iter_mut().zip(&b.gap_widths) {
            x.merge(y).map_err(fail)?;
        }
        add_counts(&mut self.narrow, &b.narrow);
        self.narrow_runs += b.narrow_runs;
        for (mine, theirs) in self.gap_low.iter_mut().zip(&b.gap_low).chain(self.gap_high.iter_mut().zip(&b.gap_high)) {
            for (k, v) in theirs {
                match mine.get_mut(k) {
                    Some(d) => d.merge(v).map_err(fail)?,
                    None => {
                        mine.insert(*k, v.clone());
                    }
                }
            }
        }
        add_sums(&mut self.no_deal_utility, &b.no_deal_utility);
        for (x, y) in self.channels.iter_mut().zip(&b.channels) {
            if let (Some(x), Some(y)) = (x.as_mut(), y.as_ref()) {
                x.merge(y).map_err(fail)?;
            }
        }
        self.escalation_runs += b.escalation_runs;
        add_counts(&mut self.baseline_conflict, &b.baseline_conflict);
        Ok(())
    }
}

/// Folds runs into a report, in the order given.
pub struct Accumulator<'a> {
    sc: &'a Scenario,
    plan: &'a Plan,
    t: Tally,
}

impl std::ops::Deref for Accumulator<'_> {
    type Target = Tally;
    fn deref(&self) -> &Tally {
        &self.t
    }
}

impl<'a> Accumulator<'a> {
    pub fn new(sc: &'a Scenario, plan: &'a Plan, escalation: bool) -> Self {
        let n_a = sc.actors.len();
        let m = plan.bdm_actors.len();
        let dyads = m * m;
        let scale = |k: usize| {
            let iss = &sc.issues[plan.agenda[k]];
            Dist::on_scale(iss.min, iss.max)
        };
        let widths = |k: usize| Dist::on_scale(0.0, sc.issues[plan.agenda[k]].range());
        let acc = || ChannelAcc {
            rounds: Dist::new(1.0),
            terms: (0..plan.agenda.len()).map(scale).collect(),
            pareto: Dist::on_scale(0.0, 1.0),
            nash: Dist::on_scale(0.0, 1.0),
            objections: vec![0; plan.ratifiers.len()],
            blocks: vec![0; plan.ratifiers.len()],
            actor_deal: vec![ExactSum::default(); n_a],
            actor_expected: vec![ExactSum::default(); n_a],
            crossed_any: vec![0; n_a],
            conflict: vec![0; if escalation { dyads } else { 0 }],
            conflict_no_deal: vec![0; if escalation { dyads } else { 0 }],
            ..Default::default()
        };
        let t = Tally {
            escalation,
            runs: 0,
            no_zone: vec![0; plan.agenda.len()],
            gap_widths: (0..plan.agenda.len()).map(widths).collect(),
            narrow: vec![0; plan.agenda.len()],
            narrow_runs: 0,
            gap_low: vec![BTreeMap::new(); plan.agenda.len()],
            gap_high: vec![BTreeMap::new(); plan.agenda.len()],
            no_deal_utility: vec![ExactSum::default(); n_a],
            channels: [plan.channel.direct().then(acc), plan.channel.mediated().then(acc)],
            dyads,
            escalation_runs: 0,
            baseline_conflict: vec![0; if escalation { dyads } else { 0 }],
        };
        Accumulator { sc, plan, t }
    }

    /// An accumulator that goes on from `tally` (made on the same scenario and plan).
    pub fn resume(sc: &'a Scenario, plan: &'a Plan, tally: Tally) -> Self {
        Accumulator { sc, plan, t: tally }
    }

    /// The runs folded so far, as a tally to store or merge.
    pub fn into_tally(self) -> Tally {
        self.t
    }

    pub fn add(&mut self, r: &RunOutcome) {
        self.t.runs += 1;
        if self.t.escalation && !r.baseline_conflicts.is_empty() {
            self.t.escalation_runs += 1;
            for (d, count) in self.t.baseline_conflict.iter_mut().enumerate() {
                *count += u64::from(has(&r.baseline_conflicts, d));
            }
        }
        if let Some(k) = r.no_zone {
            self.t.no_zone[k] += 1;
        }
        self.t.narrow_runs += u64::from(!r.narrow.is_empty());
        for &k in &r.narrow {
            self.t.narrow[k] += 1;
        }
        for g in &r.gaps {
            let iss = &self.sc.issues[self.plan.agenda[g.k]];
            let on_scale = || Dist::on_scale(iss.min, iss.max);
            self.t.gap_widths[g.k].push(g.width());
            self.t.gap_low[g.k].entry((g.low_by, g.low_party)).or_insert_with(on_scale).push(g.low);
            self.t.gap_high[g.k].entry((g.high_by, g.high_party)).or_insert_with(on_scale).push(g.high);
        }
        for (a, u) in r.status_quo_utility.iter().enumerate() {
            self.t.no_deal_utility[a].add(*u);
        }
        let n_issues = self.sc.issues.len();
        for (c, slot) in self.t.channels.iter_mut().enumerate() {
            let (Some(acc), Some(run)) = (slot.as_mut(), r.channels[c].as_ref()) else { continue };
            acc.runs += 1;
            *acc.ends.entry(run.end.as_str().to_string()).or_insert(0) += 1;
            if run.reservation.iter().all(|x| x.is_finite()) {
                acc.reservation_runs += 1;
                for p in 0..2 {
                    acc.reservation[p].add(run.reservation[p]);
                }
            }
            let deal = run.end == End::Agreement;
            if deal {
                acc.agreed += 1;
                acc.rounds.push(run.rounds as f64);
                for (k, t) in run.terms.iter().enumerate() {
                    acc.terms[k].push(*t);
                }
                for p in 0..2 {
                    acc.principal[p].add(run.principal_utility[p]);
                    acc.principal_disc[p].add(run.discounted[p]);
                }
                acc.pareto.push(run.pareto_gap);
                acc.nash.push(run.nash_gap);
                for (a, u) in run.actor_utility.iter().enumerate() {
                    acc.actor_deal[a].add(*u);
                }
                let mut crossed_actor = vec![false; self.sc.actors.len()];
                for &x in &run.crossings {
                    *acc.crossed.entry(x).or_insert(0) += 1;
                    crossed_actor[x as usize / n_issues.max(1)] = true;
                }
                for (a, c) in crossed_actor.iter().enumerate() {
                    acc.crossed_any[a] += u64::from(*c);
                }
                for (k, &o) in run.objections.iter().enumerate() {
                    acc.objections[k] += u64::from(o);
                }
                for (k, &b) in run.blocked.iter().enumerate() {
                    acc.blocks[k] += u64::from(b);
                }
            }
            acc.misperceived += u64::from(run.before_force == End::Misperceived);
            acc.no_zone += u64::from(run.before_force == End::NoZone);
            acc.forced_any += u64::from(run.force_any);
            acc.averted += u64::from(run.block_averted);
            acc.broke_down += u64::from(run.broke_down);
            if let Some((k, _)) = run.force {
                acc.forced += 1;
                *acc.first_by_option.entry(k).or_insert(0) += 1;
            }
            let standing = deal && run.ratified;
            acc.ratified += u64::from(standing);
            for a in 0..self.sc.actors.len() {
                acc.actor_expected[a].add(if standing {
                    run.actor_utility[a]
                } else {
                    r.status_quo_utility.get(a).copied().unwrap_or(0.0)
                });
            }
            if self.t.escalation && !r.baseline_conflicts.is_empty() {
                acc.escalation_runs += 1;
                let bits = if standing { &run.conflicts } else { &r.baseline_conflicts };
                for d in 0..self.t.dyads {
                    acc.conflict[d] += u64::from(has(bits, d));
                    if !standing {
                        acc.conflict_no_deal[d] += u64::from(has(&r.baseline_conflicts, d));
                    }
                }
                acc.no_deal_runs += u64::from(!standing);
            }
        }
    }

    pub fn finish(self, notes: Vec<String>) -> Report {
        let sc = self.sc;
        let plan = self.plan;
        let n = self.runs.max(1) as f64;
        let id = |a: usize| sc.actors[a].id.clone();
        let mut channels = Vec::new();
        for (c, acc) in self.channels.iter().enumerate() {
            let Some(acc) = acc else { continue };
            let runs = acc.runs.max(1) as f64;
            let deals = acc.agreed as f64;
            let per_deal = |x: f64| (acc.agreed > 0).then(|| x / deals);
            let mut terms = Vec::new();
            for (k, &i) in plan.agenda.iter().enumerate() {
                let Some(s) = summarise_dist(&acc.terms[k], 1.0) else { continue };
                let iss = &sc.issues[i];
                terms.push(Terms {
                    issue: iss.id.clone(),
                    name: iss.name.clone(),
                    unit: iss.unit.clone(),
                    status_quo: iss.status_quo,
                    reading: iss.describe(s.median),
                    reading_p10: iss.describe(s.p10),
                    reading_p90: iss.describe(s.p90),
                    summary: s,
                });
            }
            let principals = (0..2)
                .map(|p| PrincipalResult {
                    actor: id(plan.principals[p]),
                    deal: per_deal(acc.principal[p].value()),
                    deal_discounted: per_deal(acc.principal_disc[p].value()),
                    reservation: (acc.reservation_runs > 0)
                        .then(|| acc.reservation[p].value() / acc.reservation_runs as f64),
                })
                .collect();
            // An actor with no stance (a mediator, say) has no utility to report.
            let actors = (0..sc.actors.len())
                .filter(|&a| plan.stance_of[a].iter().flatten().next().is_some())
                .map(|a| {
                    let has_red = plan.stance_of[a].iter().flatten().any(|&k| sc.stances[k].has_red_line());
                    let crossed_on = acc
                        .crossed
                        .iter()
                        .filter(|(&x, _)| x as usize / sc.issues.len().max(1) == a)
                        .map(|(&x, &cnt)| IssueShare {
                            issue: sc.issues[x as usize % sc.issues.len().max(1)].id.clone(),
                            share: cnt as f64 / deals.max(1.0),
                        })
                        .collect();
                    ActorResult {
                        actor: id(a),
                        deal: per_deal(acc.actor_deal[a].value()),
                        no_deal: self.no_deal_utility[a].value() / n,
                        expected: acc.actor_expected[a].value() / runs,
                        red_line_crossed: (has_red && acc.agreed > 0).then(|| acc.crossed_any[a] as f64 / deals),
                        crossed_on,
                    }
                })
                .collect();
            let blockers = plan
                .ratifiers
                .iter()
                .enumerate()
                .map(|(k, r)| Blocker {
                    actor: id(r.actor),
                    objects: acc.objections[k] as f64 / deals.max(1.0),
                    blocks: acc.blocks[k] as f64 / deals.max(1.0),
                    binding: r.binding,
                })
                .collect();
            let mut escalation = Vec::new();
            if self.escalation {
                let m = plan.bdm_actors.len();
                for i in 0..m {
                    for j in i + 1..m {
                        let bit = dyad_bit(m, i, j);
                        let overall = acc.conflict[bit] as f64 / acc.escalation_runs.max(1) as f64;
                        let no_deal =
                            (acc.no_deal_runs > 0).then(|| acc.conflict_no_deal[bit] as f64 / acc.no_deal_runs as f64);
                        if overall > 0.0 || no_deal.is_some_and(|x| x > 0.0) {
                            escalation.push(DyadRisk {
                                a: id(plan.bdm_actors[i]),
                                b: id(plan.bdm_actors[j]),
                                overall,
                                no_deal,
                            });
                        }
                    }
                }
                escalation.sort_by(|x, y| y.overall.total_cmp(&x.overall).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b)));
            }
            channels.push(ChannelReport {
                channel: if c == 0 { "direct".into() } else { "mediated".into() },
                no_zone: acc.no_zone as f64 / runs,
                agreement: acc.agreed as f64 / runs,
                agreement_interval: wilson(acc.agreed, acc.runs),
                ratified: acc.ratified as f64 / runs,
                ratified_interval: wilson(acc.ratified, acc.runs),
                force: acc.forced as f64 / runs,
                force_interval: wilson(acc.forced, acc.runs),
                force_only: acc.forced_any as f64 / runs,
                misperceived: acc.misperceived as f64 / runs,
                blocks_averted: acc.averted as f64 / runs,
                broke_down: acc.broke_down as f64 / runs,
                round_days: plan.round_days[c],
                days: summarise_dist(&acc.rounds, f64::from(plan.round_days[c])),
                first_mover: {
                    let mut v: Vec<FirstMover> = acc
                        .first_by_option
                        .iter()
                        .map(|(&k, &count)| {
                            let o = &plan.options[k];
                            FirstMover {
                                actor: id(o.holder),
                                target: id(o.target),
                                option: o.name.clone(),
                                kind: o.kind.as_str().into(),
                                share: count as f64 / runs,
                                round: o.from_round[c],
                                date: o.from_date.clone(),
                            }
                        })
                        .collect();
                    v.sort_by(|a, b| b.share.total_cmp(&a.share));
                    v
                },
                end_reasons: acc.ends.iter().map(|(k, v)| (k.to_string(), *v as f64 / runs)).collect(),
                rounds: summarise_dist(&acc.rounds, 1.0),
                terms,
                blockers,
                principals,
                pareto_gap: summarise_dist(&acc.pareto, 1.0),
                nash_gap: summarise_dist(&acc.nash, 1.0),
                actors,
                escalation,
            });
        }
        let mut settings = plan.settings.entries();
        settings.insert("principals".into(), format!("{},{}", id(plan.principals[0]), id(plan.principals[1])));
        settings.insert(
            "agenda".into(),
            plan.agenda.iter().map(|&i| sc.issues[i].id.clone()).collect::<Vec<_>>().join(","),
        );
        if let Some(m) = plan.mediator {
            settings.insert("mediator.actor".into(), id(m));
        }
        for r in &plan.ratifiers {
            settings.insert(format!("ratifiers.{}", id(r.actor)), format!("{}", r.binding));
        }
        Report {
            title: sc.meta.title.clone(),
            runs: self.runs,
            seed: plan.settings.seed,
            principals: plan
                .principals
                .iter()
                .map(|&a| ActorRef { id: id(a), name: sc.actors[a].name.clone() })
                .collect(),
            principals_from: match plan.principal_source {
                PrincipalSource::Settings => "settings",
                PrincipalSource::Mediated => "mediated",
                PrincipalSource::MostCapable => "most_capable",
            }
            .into(),
            agenda: plan.agenda.iter().map(|&i| sc.issues[i].id.clone()).collect(),
            mediator: plan.mediator.map(id),
            settings,
            no_zone: self.no_zone.iter().sum::<u64>() as f64 / n,
            no_zone_by_issue: plan
                .agenda
                .iter()
                .zip(&self.no_zone)
                .filter(|(_, &c)| c > 0)
                .map(|(&i, &c)| IssueShare { issue: sc.issues[i].id.clone(), share: c as f64 / n })
                .collect(),
            narrow_zone: self.narrow_runs as f64 / n,
            narrow_zone_by_issue: plan
                .agenda
                .iter()
                .zip(&self.narrow)
                .filter(|(_, &c)| c > 0)
                .map(|(&i, &c)| IssueShare { issue: sc.issues[i].id.clone(), share: c as f64 / n })
                .collect(),
            what_it_takes: self.what_it_takes(),
            channels,
            escalation: self.escalation,
            escalation_runs: self.escalation_runs,
            confrontation: self.confrontation(),
            notes,
        }
    }
}

impl Accumulator<'_> {
    /// Per closed agenda issue: how often, by how much, whose limits, and the
    /// moves that would open it, cheapest first.
    fn what_it_takes(&self) -> Vec<ZoneGap> {
        let (sc, plan) = (self.sc, self.plan);
        let n = self.runs.max(1) as f64;
        let mut out = Vec::new();
        for (k, &i) in plan.agenda.iter().enumerate() {
            let widths = &self.gap_widths[k];
            let Some(gap) = summarise_dist(widths, 1.0) else { continue };
            let iss = &sc.issues[i];
            let closed = widths.len() as f64;
            let limit = |by: &BTreeMap<(usize, usize), Dist>| -> Option<ZoneLimit> {
                let (&(actor, party), values) =
                    by.iter().max_by(|a, b| a.1.len().cmp(&b.1.len()).then(b.0.cmp(a.0)))?;
                let value = summarise_dist(values, 1.0)?.median;
                let principal = plan.principals[party];
                Some(ZoneLimit {
                    actor: sc.actors[actor].id.clone(),
                    share: values.len() as f64 / closed,
                    value,
                    reading: iss.describe(value),
                    ratifier_for: (actor != principal).then(|| sc.actors[principal].id.clone()),
                })
            };
            let (Some(low), Some(high)) = (limit(&self.gap_low[k]), limit(&self.gap_high[k])) else { continue };
            let salience = |id: &str| sc.stance(id, &iss.id).map(|s| s.salience).unwrap_or(0.0);
            let range = iss.range().max(f64::MIN_POSITIVE);
            // Each move closes the gap between the two limits shown (their medians).
            let by = (low.value - high.value).max(0.0);
            let mut moves = vec![
                ZoneMove {
                    actor: low.actor.clone(),
                    limit: "lower".into(),
                    by,
                    to: high.value,
                    reading: iss.describe(high.value),
                    salience: salience(&low.actor),
                    cost: by / range * salience(&low.actor),
                },
                ZoneMove {
                    actor: high.actor.clone(),
                    limit: "upper".into(),
                    by,
                    to: low.value,
                    reading: iss.describe(low.value),
                    salience: salience(&high.actor),
                    cost: by / range * salience(&high.actor),
                },
            ];
            moves.sort_by(|a, b| a.cost.total_cmp(&b.cost));
            out.push(ZoneGap {
                issue: iss.id.clone(),
                name: iss.name.clone(),
                share: closed / n,
                gap_of_scale: gap.median / range,
                gap,
                low,
                high,
                moves,
            });
        }
        out.sort_by(|a, b| b.share.total_cmp(&a.share));
        out
    }

    /// The confrontation indicator, with the expected-utility model's share of
    /// no-deal runs in conflict as its ingredient when it was computed.
    fn confrontation(&self) -> Vec<DyadScore> {
        if !(self.escalation && self.escalation_runs > 0) {
            return confrontation::indicator(self.sc, None);
        }
        let m = self.plan.bdm_actors.len();
        let mut shares = BTreeMap::new();
        for i in 0..m {
            for j in i + 1..m {
                let share = self.baseline_conflict[dyad_bit(m, i, j)] as f64 / self.escalation_runs as f64;
                let id = |k: usize| self.sc.actors[self.plan.bdm_actors[k]].id.clone();
                shares.insert((id(i), id(j)), share);
            }
        }
        confrontation::indicator(self.sc, Some(&shares))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_intervals() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert!((quantile(&v, 0.1) - 1.4).abs() < 1e-12);
        let s = summarise(&[f64::NAN, 2.0, 4.0]).unwrap();
        assert_eq!((s.mean, s.median), (3.0, 3.0));
        assert!(summarise(&[]).is_none());
        let [lo, hi] = wilson(0, 100);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.03 && hi < 0.04);
        let [lo, hi] = wilson(50, 100);
        assert!(lo < 0.5 && hi > 0.5);
    }
}

//! The numeric core: n actors (capability, position, salience) on one issue,
//! one round at a time. Plain slices in, plain numbers out; the engine in
//! [`crate::engine`] wraps it in the scenario and forecast types.
//!
//! One round (Scholz, Calbert & Smith 2011, appendix steps 2–11):
//! 1. every rᵢ = 1; with `risk = security`, each actor's danger (the sum of
//!    the others' expected utilities of challenging it) sets its risk exponent;
//! 2. with those exponents, each actor i computes, for every j, its own
//!    expected utility of challenging j and its estimate of j's of challenging
//!    it; the pair classifies the dyad and may make an offer to i;
//! 3. each actor accepts at most one offer (per `offer_selection`), and all
//!    move at once.

use demarche_forecast::InteractionKind;
use demarche_scenario::settings::bdm::{
    BdmSettings, Capitulation, Convergence, Denominator, Numerator, OfferSelection, Outcome, ReferencePoint, RiskModel,
    VoteRisk,
};

use crate::pow::powr;
use crate::votes::{Geometry, VoteTable};

/// The most actors one issue may have: the vote tables take O(n²) memory
/// (about 24 bytes per pair of actors).
pub const MAX_ACTORS: usize = 5_000;

/// Inputs the model cannot run on.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error("capability, position and salience have different lengths ({0}, {1}, {2})")]
    Lengths(usize, usize, usize),
    #[error("no actors")]
    Empty,
    #[error("{n} actors is more than the bdm engine's limit of {max} per issue")]
    TooMany { n: usize, max: usize },
    #[error("actor {index}: {what} is {value}; it must be {expected}")]
    Value { index: usize, what: &'static str, value: f64, expected: &'static str },
    #[error("the scale length R is {0}; it must be a positive finite number")]
    Scale(f64),
}

/// One issue's actors, as parallel slices.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    pub capability: &'a [f64],
    pub position: &'a [f64],
    pub salience: &'a [f64],
    /// R, the length that distances are divided by.
    pub scale: f64,
}

/// Codes of the compact per-round dyad matrix (`kinds[i·n + j]`, from i's view).
pub mod code {
    /// The same actor, or two actors at the same position: nothing to dispute.
    pub const NONE: u8 = 0;
    pub const CONFLICT: u8 = 1;
    pub const COMPROMISE: u8 = 2;
    pub const CAPITULATION: u8 = 3;
    pub const STALEMATE: u8 = 4;
}

pub fn kind_code(k: InteractionKind) -> u8 {
    match k {
        InteractionKind::Conflict => code::CONFLICT,
        InteractionKind::Compromise => code::COMPROMISE,
        InteractionKind::Capitulation => code::CAPITULATION,
        InteractionKind::Stalemate => code::STALEMATE,
    }
}

pub fn kind_of_code(c: u8) -> Option<InteractionKind> {
    Some(match c {
        code::CONFLICT => InteractionKind::Conflict,
        code::COMPROMISE => InteractionKind::Compromise,
        code::CAPITULATION => InteractionKind::Capitulation,
        code::STALEMATE => InteractionKind::Stalemate,
        _ => return None,
    })
}

/// A dyad as actor i sees it: `actor_eu` = EUᵢ(i challenges j), `other_eu` =
/// EUᵢ(j challenges i), both computed with i's risk exponent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dyad {
    pub actor: usize,
    pub other: usize,
    pub kind: InteractionKind,
    pub actor_eu: f64,
    pub other_eu: f64,
}

/// The offer an actor accepted: it moves towards (or to) `other`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Move {
    pub other: usize,
    pub kind: InteractionKind,
    /// The mover's expected utility of challenging `other`.
    pub own_eu: f64,
    /// The mover's estimate of `other`'s expected utility of challenging it.
    pub other_eu: f64,
    pub new_position: f64,
}

/// What happened in one round.
#[derive(Clone, Debug, PartialEq)]
pub struct RoundReport {
    /// 1 for the first round.
    pub round: u32,
    /// The risk exponents rᵢ used in the round.
    pub risk: Vec<f64>,
    /// Each actor's accepted offer, if any.
    pub moves: Vec<Option<Move>>,
    /// After the round: weighted mean, weighted median and the forecast outcome.
    pub mean: f64,
    pub median: f64,
    pub outcome: f64,
    /// The largest distance any actor moved.
    pub max_move: f64,
}

/// The model's state between rounds.
#[derive(Clone, Debug)]
pub struct Model {
    settings: BdmSettings,
    s: Vec<f64>,
    w: Vec<f64>,
    x: Vec<f64>,
    scale: f64,
    round: u32,
    geo: Geometry,
    votes: VoteTable,
}

impl Model {
    pub fn new(inputs: Inputs<'_>, settings: &BdmSettings) -> Result<Self, InputError> {
        let Inputs { capability: c, position: x, salience: s, scale } = inputs;
        if c.len() != x.len() || s.len() != x.len() {
            return Err(InputError::Lengths(c.len(), x.len(), s.len()));
        }
        let n = x.len();
        if n == 0 {
            return Err(InputError::Empty);
        }
        if n > MAX_ACTORS {
            return Err(InputError::TooMany { n, max: MAX_ACTORS });
        }
        if !(scale.is_finite() && scale > 0.0) {
            return Err(InputError::Scale(scale));
        }
        for i in 0..n {
            let bad = |what, value, expected| Err(InputError::Value { index: i, what, value, expected });
            if !(c[i].is_finite() && c[i] >= 0.0) {
                return bad("capability", c[i], "a finite number ≥ 0");
            }
            if !x[i].is_finite() {
                return bad("position", x[i], "finite");
            }
            if !(0.0..=1.0).contains(&s[i]) {
                return bad("salience", s[i], "between 0 and 1");
            }
        }
        Ok(Model {
            settings: settings.clone(),
            s: s.to_vec(),
            w: c.iter().zip(s).map(|(c, s)| c * s).collect(),
            x: x.to_vec(),
            scale,
            round: 0,
            geo: Geometry::default(),
            votes: VoteTable::default(),
        })
    }

    pub fn len(&self) -> usize {
        self.x.len()
    }

    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    pub fn positions(&self) -> &[f64] {
        &self.x
    }

    pub fn scale(&self) -> f64 {
        self.scale
    }

    pub fn settings(&self) -> &BdmSettings {
        &self.settings
    }

    /// Rounds run so far.
    pub fn round(&self) -> u32 {
        self.round
    }

    /// The capability×salience-weighted mean position (the plain mean if every
    /// weight is 0).
    pub fn mean(&self) -> f64 {
        weighted_mean(&self.x, &self.w)
    }

    /// The weighted median: the position held by some actor that beats every
    /// other in a pairwise vote with linear utilities (lowest on ties).
    pub fn median(&self) -> f64 {
        weighted_median(&self.x, &self.w)
    }

    /// The forecast outcome of the current positions, per `outcome`.
    pub fn outcome(&self) -> f64 {
        match self.settings.outcome {
            Outcome::Mean => self.mean(),
            Outcome::Median => self.median(),
        }
    }

    /// Whether a finished round meets the convergence rule.
    pub fn converged(&self, report: &RoundReport, previous_outcome: f64) -> bool {
        let tol = self.settings.tolerance * self.scale;
        match self.settings.convergence {
            Convergence::Positions => report.max_move <= tol,
            Convergence::Outcome => (report.outcome - previous_outcome).abs() <= tol,
            Convergence::None => false,
        }
    }

    /// Run one round; `visit` sees every dyad of actors at different positions.
    pub fn step(&mut self, mut visit: impl FnMut(Dyad)) -> RoundReport {
        let n = self.len();
        self.geo.rebuild(&self.x);
        let mu = match self.settings.reference_point {
            ReferencePoint::Median => self.median(),
            ReferencePoint::Mean => self.mean(),
        };
        let need_all = self.settings.probability_denominator == Denominator::AllVotes;

        // Step 1: risk exponents from security, evaluated with every r = 1.
        let mut r = vec![1.0; n];
        if self.settings.risk == RiskModel::Security && self.geo.m() > 1 {
            self.votes.compute(&self.geo, &self.x, &self.w, None, self.scale, need_all);
            let danger: Vec<f64> = (0..n).map(|i| self.danger(i, mu)).collect();
            let lo = danger.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = danger.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if hi > lo {
                for (ri, d) in r.iter_mut().zip(&danger) {
                    let big_r = (2.0 * d - hi - lo) / (hi - lo);
                    *ri = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0);
                }
            }
        }

        // Step 2: expected utilities with the new exponents, offers.
        let rho = (self.settings.vote_risk == VoteRisk::Voter).then_some(r.as_slice());
        self.votes.compute(&self.geo, &self.x, &self.w, rho, self.scale, need_all);
        let mut moves = vec![None; n];
        let m = self.geo.m();
        let mut terms = Terms::with_len(m);
        let logs = self.utility_logs(&r);
        for i in 0..n {
            let a = self.geo.slot[i];
            let rows = logs.as_ref().map(|(ls, lf)| (&ls[a * m..(a + 1) * m], &lf[a * m..(a + 1) * m]));
            self.fill_terms(&mut terms, i, r[i], mu, rows);
            let mut best = Best::new(self.settings.offer_selection);
            for j in 0..n {
                let b = self.geo.slot[j];
                if b == a {
                    continue;
                }
                let p = terms.p_ab[b];
                let (us, uf) = (terms.us[b], terms.uf[b]);
                let own = self.s[j] * (p * us + (1.0 - p) * uf) + (1.0 - self.s[j]) * us - terms.sq_self[b];
                let other = terms.eu_other[b];
                let kind = classify(own, other);
                visit(Dyad { actor: i, other: j, kind, actor_eu: own, other_eu: other });
                if let Some(offer) = self.offer(i, j, own, other) {
                    best.consider(offer, self.x[i], self.x[j]);
                }
            }
            moves[i] = best.take();
        }

        // Step 3: everyone moves at once.
        let mut max_move = 0.0f64;
        for (i, mv) in moves.iter().enumerate() {
            if let Some(mv) = mv {
                max_move = max_move.max((mv.new_position - self.x[i]).abs());
                self.x[i] = mv.new_position;
            }
        }
        self.round += 1;
        RoundReport {
            round: self.round,
            risk: r,
            moves,
            mean: self.mean(),
            median: self.median(),
            outcome: self.outcome(),
            max_move,
        }
    }

    /// The offer, if any, that j's challenge makes to i (the replication's rules).
    fn offer(&self, i: usize, j: usize, own: f64, other: f64) -> Option<Move> {
        let (xi, xj) = (self.x[i], self.x[j]);
        let (kind, new_position) = if other > own && own > 0.0 {
            (InteractionKind::Conflict, xj)
        } else if other > 0.0 && 0.0 > own && other > own.abs() {
            (InteractionKind::Compromise, xi + (xj - xi) * (own / other).abs())
        } else if other > 0.0
            && 0.0 > own
            && other < own.abs()
            && self.settings.capitulation == Capitulation::LossExceedsGain
        {
            (InteractionKind::Capitulation, xj)
        } else {
            return None;
        };
        Some(Move { other: j, kind, own_eu: own, other_eu: other, new_position })
    }

    /// Actor i's danger: Σ_{j≠i} EUᵢ(j challenges i), all exponents 1.
    fn danger(&self, i: usize, mu: f64) -> f64 {
        let a = self.geo.slot[i];
        let m = self.geo.m();
        let mut sum = 0.0;
        for b in 0..m {
            let others = self.geo.count[b] - usize::from(b == a);
            if others == 0 {
                continue;
            }
            let xb = self.geo.distinct[b];
            let dist = (self.x[i] - xb).abs();
            let (_, p_ba) = self.probabilities(a, b);
            let (us, uf) = success_failure(dist, self.scale, 1.0);
            let sq = self.status_quo_term(1.0, 0.0, ((xb - mu).abs() + dist) / self.scale);
            let eu = self.s[i] * (p_ba * us + (1.0 - p_ba) * uf) + (1.0 - self.s[i]) * us - sq;
            sum += others as f64 * eu;
        }
        sum
    }

    /// (P(a beats b), P(b beats a)) for distinct positions a, b.
    #[inline]
    fn probabilities(&self, a: usize, b: usize) -> (f64, f64) {
        if a == b {
            return (0.0, 0.0);
        }
        let (vab, vba) = self.votes.pair(a, b);
        let (nab, nba) = match self.settings.probability_numerator {
            Numerator::PositiveVotes => (vab, vba),
            Numerator::NetVotes => ((vab - vba).max(0.0), (vba - vab).max(0.0)),
        };
        let den = match self.settings.probability_denominator {
            Denominator::AllVotes => self.votes.all_votes,
            Denominator::Dyad => vab + vba,
        };
        if den > 0.0 {
            (nab / den, nba / den)
        } else {
            (0.0, 0.0)
        }
    }

    /// Q·U^sq + (1 − Q)·(T·U^b + (1 − T)·U^w), with `e` = (|x_c − μ| + |x_c − x_t|)/R
    /// for challenger c and target t.
    /// `usq` = U^sq = 2 − 4·0.5^r, computed once per actor by the caller.
    #[inline]
    fn status_quo_term(&self, r: f64, usq: f64, e: f64) -> f64 {
        let (q, t) = (self.settings.q, self.settings.t);
        if q == 1.0 {
            return usq;
        }
        let ub = 2.0 - 4.0 * powr((0.5 - 0.25 * e).max(0.0), r);
        let uw = 2.0 - 4.0 * powr(0.5 + 0.25 * e, r);
        q * usq + (1.0 - q) * (t * ub + (1.0 - t) * uw)
    }

    /// Per distinct position b, the terms actor i needs against an actor at b.
    /// `rows`: ln of the U^s and U^f bases against every distinct position,
    /// for i's position (see [`Model::utility_logs`]).
    fn fill_terms(&self, t: &mut Terms, i: usize, r: f64, mu: f64, rows: Option<(&[f64], &[f64])>) {
        let a = self.geo.slot[i];
        let xi = self.x[i];
        let own_mu = (xi - mu).abs();
        let usq = 2.0 - 4.0 * powr(0.5, r);
        for (b, &xb) in self.geo.distinct.iter().enumerate() {
            let dist = (xi - xb).abs();
            let (us, uf) = match rows {
                Some((ls, lf)) if r != 1.0 => (2.0 - 4.0 * (r * ls[b]).exp(), 2.0 - 4.0 * (r * lf[b]).exp()),
                _ => success_failure(dist, self.scale, r),
            };
            let (p_ab, p_ba) = self.probabilities(a, b);
            t.us[b] = us;
            t.uf[b] = uf;
            t.p_ab[b] = p_ab;
            t.sq_self[b] = self.status_quo_term(r, usq, (own_mu + dist) / self.scale);
            let sq_other = self.status_quo_term(r, usq, ((xb - mu).abs() + dist) / self.scale);
            t.eu_other[b] = self.s[i] * (p_ba * us + (1.0 - p_ba) * uf) + (1.0 - self.s[i]) * us - sq_other;
        }
    }
}

impl Model {
    /// The logarithms of the U^s and U^f bases for every pair of distinct
    /// positions (symmetric, m×m each), so that each actor's utilities cost an
    /// `exp` instead of a `pow`: b^r = e^(r·ln b), to a relative 1e-14. `None`
    /// when every exponent is 1 or the matrices would be large (m > 2048).
    fn utility_logs(&self, r: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
        let m = self.geo.m();
        if m > 2048 || r.iter().all(|&v| v == 1.0) {
            return None;
        }
        let u = &self.geo.distinct;
        let (mut ls, mut lf) = (vec![0.0; m * m], vec![0.0; m * m]);
        for a in 0..m {
            for b in a..m {
                let dist = (u[a] - u[b]).abs();
                let s = (0.5 - 0.5 * dist / self.scale).max(0.0).ln();
                let f = (0.5 + 0.5 * dist / self.scale).ln();
                ls[a * m + b] = s;
                ls[b * m + a] = s;
                lf[a * m + b] = f;
                lf[b * m + a] = f;
            }
        }
        Some((ls, lf))
    }
}

/// U^s and U^f at distance `dist` on a scale of length R with exponent r.
/// Written as the replication writes it, `0.5 − 0.5·|Δ|/R`: with r < 1 the
/// power is steep near 0, and this form gives exactly 0 for the two ends of
/// the scale where `|Δ|·(1/R)` may not.
#[inline]
fn success_failure(dist: f64, scale: f64, r: f64) -> (f64, f64) {
    let us = 2.0 - 4.0 * powr((0.5 - 0.5 * dist / scale).max(0.0), r);
    let uf = 2.0 - 4.0 * powr(0.5 + 0.5 * dist / scale, r);
    (us, uf)
}

/// Receiver i's terms against each distinct position.
struct Terms {
    us: Vec<f64>,
    uf: Vec<f64>,
    p_ab: Vec<f64>,
    sq_self: Vec<f64>,
    eu_other: Vec<f64>,
}

impl Terms {
    fn with_len(m: usize) -> Self {
        Terms { us: vec![0.0; m], uf: vec![0.0; m], p_ab: vec![0.0; m], sq_self: vec![0.0; m], eu_other: vec![0.0; m] }
    }
}

/// The dyad's type in the expected-utility plane of the actor whose view it is.
///
/// Both expect to gain by challenging: conflict. One expects to gain more than
/// the other expects to lose: compromise; less: capitulation (the loser gives
/// in). Neither expects to gain: stalemate. (`capitulation = never` only stops
/// the replication's actors from *moving* on a capitulation.)
pub fn classify(own: f64, other: f64) -> InteractionKind {
    if own > 0.0 && other > 0.0 {
        InteractionKind::Conflict
    } else if other > 0.0 {
        if other > own.abs() {
            InteractionKind::Compromise
        } else {
            InteractionKind::Capitulation
        }
    } else if own > 0.0 {
        if own > other.abs() {
            InteractionKind::Compromise
        } else {
            InteractionKind::Capitulation
        }
    } else {
        InteractionKind::Stalemate
    }
}

/// The best offer so far under a selection rule (first in actor order on ties).
struct Best {
    rule: OfferSelection,
    // Per kind (conflict, compromise, capitulation) for the priority rules.
    by_kind: [Option<(f64, Move)>; 3],
    any: Option<((f64, f64), Move)>,
}

impl Best {
    fn new(rule: OfferSelection) -> Self {
        Best { rule, by_kind: [None, None, None], any: None }
    }

    fn consider(&mut self, mv: Move, x_self: f64, x_other: f64) {
        let distance = (x_self - mv.new_position).abs();
        match self.rule {
            OfferSelection::Replication | OfferSelection::PriorityNearest => {
                let slot = match mv.kind {
                    InteractionKind::Conflict => 0,
                    InteractionKind::Compromise => 1,
                    _ => 2,
                };
                let key = if self.rule == OfferSelection::Replication && slot == 1 {
                    // Scholz's code ranks compromises by the EU-weighted
                    // midpoint of the two positions, lowest first.
                    let (a, b) = (mv.own_eu.abs(), mv.other_eu.abs());
                    (a * x_self + b * x_other) / (a + b)
                } else {
                    distance
                };
                if self.by_kind[slot].as_ref().is_none_or(|(k, _)| key < *k) {
                    self.by_kind[slot] = Some((key, mv));
                }
            }
            OfferSelection::Nearest => {
                if self.any.as_ref().is_none_or(|(k, _)| distance < k.0) {
                    self.any = Some(((distance, 0.0), mv));
                }
            }
            OfferSelection::Strongest => {
                let key = (-mv.other_eu, distance);
                if self.any.as_ref().is_none_or(|(k, _)| key.0 < k.0 || (key.0 == k.0 && key.1 < k.1)) {
                    self.any = Some((key, mv));
                }
            }
        }
    }

    fn take(self) -> Option<Move> {
        match self.rule {
            OfferSelection::Replication | OfferSelection::PriorityNearest => {
                self.by_kind.into_iter().flatten().next().map(|(_, m)| m)
            }
            _ => self.any.map(|(_, m)| m),
        }
    }
}

pub fn weighted_mean(x: &[f64], w: &[f64]) -> f64 {
    let total: f64 = w.iter().sum();
    if total > 0.0 {
        x.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / total
    } else {
        x.iter().sum::<f64>() / x.len().max(1) as f64
    }
}

/// The lowest position at which the cumulative weight reaches half the total:
/// it minimises Σ wₖ|xₖ − y| over the positions held, so it beats every other
/// position in a pairwise vote with linear utilities.
pub fn weighted_median(x: &[f64], w: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let total: f64 = idx.iter().map(|&i| w[i]).sum();
    if total.is_nan() || total <= 0.0 {
        return idx.first().map_or(f64::NAN, |&i| x[i]);
    }
    let mut cum = 0.0;
    for &i in &idx {
        cum += w[i];
        if cum >= 0.5 * total {
            return x[i];
        }
    }
    x[idx[idx.len() - 1]]
}

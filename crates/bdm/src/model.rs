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
    BdmSettings, Convergence, Denominator, Numerator, Outcome, ReferencePoint, RiskModel, VoteRisk,
};

use crate::kernels::Simd;
use crate::offers::Receiver;
use crate::terms::{DangerPairs, DangerSetup, DangerSums, SlotRows, StatusQuo, Terms};
use crate::votes::{Boundaries, Geometry, LinearVotes, Rule, VoteTable};

/// The most actors one issue may have: the vote tables take O(m²) memory for
/// m distinct positions (about 10 bytes per pair of positions: 250 MB at 5,000).
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
    simd: Simd,
    geo: Geometry,
    beta: Boundaries,
    /// Votes with every exponent 1 (the risk step; step 2 when no voter has r ≠ 1).
    linear: LinearVotes,
    /// Votes with the voters' own exponents, when some r ≠ 1.
    votes: VoteTable,
    /// Whether step 2 reads `votes` (else `linear`).
    powered: bool,
    scratch: Scratch,
}

/// Buffers reused from round to round.
#[derive(Clone, Debug, Default)]
struct Scratch {
    rows: SlotRows,
    terms: Terms,
    danger: Vec<DangerSums>,
    /// Actors per distinct position, as floats.
    counts: Vec<f64>,
    pairs: DangerPairs,
    /// The current slot's P(a beats b) and P(b beats a).
    p_ab: Vec<f64>,
    p_ba: Vec<f64>,
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
            simd: Simd::detect(),
            geo: Geometry::default(),
            beta: Boundaries::default(),
            linear: LinearVotes::default(),
            votes: VoteTable::default(),
            powered: false,
            scratch: Scratch::default(),
        })
    }

    /// Run the vectorised loops on `simd` instead of the best path the
    /// processor supports (all paths give the same bits; for tests). Any
    /// `Simd` value is one this processor runs: see [`Simd`].
    pub fn with_simd(mut self, simd: Simd) -> Self {
        self.simd = simd;
        self
    }

    /// The instruction-set path in use.
    pub fn simd(&self) -> Simd {
        self.simd
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

    /// Run one round; `visit` sees every dyad of actors at different positions
    /// (actor by actor, each actor's dyads in the other's index order).
    pub fn step(&mut self, mut visit: impl FnMut(Dyad)) -> RoundReport {
        self.round_with(Some(&mut visit))
    }

    /// Run one round without reporting dyads: only the accepted offers are
    /// searched for, which is faster than [`Model::step`] (same results).
    pub fn advance(&mut self) -> RoundReport {
        self.round_with(None)
    }

    fn round_with(&mut self, mut visit: Option<&mut dyn FnMut(Dyad)>) -> RoundReport {
        let n = self.len();
        let simd = self.simd;
        self.geo.rebuild(&self.x);
        let m = self.geo.m();
        let mu = match self.settings.reference_point {
            ReferencePoint::Median => self.median(),
            ReferencePoint::Mean => self.mean(),
        };
        let rule =
            Rule { numerator: self.settings.probability_numerator, denominator: self.settings.probability_denominator };
        let sq = StatusQuo { q: self.settings.q, t: self.settings.t };
        let mut moves = vec![None; n];
        let mut r = vec![1.0; n];
        if m > 1 {
            self.beta.compute(&self.geo);

            // Step 1: risk exponents from security, evaluated with every r = 1.
            self.linear.compute(&self.geo, &self.w, rule);
            if self.settings.risk == RiskModel::Security {
                let danger = self.dangers(mu, sq);
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
            self.powered = self.settings.vote_risk == VoteRisk::Voter && r.iter().any(|&v| v != 1.0);
            if self.powered {
                self.votes.compute(simd, &self.geo, &self.beta, &self.w, Some(&r), self.scale, rule);
            }
            match visit.as_mut() {
                Some(visit) => {
                    // Actor by actor, in index order, as the dyads are reported.
                    let mut filled = None;
                    for i in 0..n {
                        let a = self.geo.slot[i];
                        if filled != Some(a) {
                            self.fill_rows(a, &r, sq, mu);
                            filled = Some(a);
                        }
                        self.fill_terms(i, r[i], sq);
                        let t = &self.scratch.terms;
                        for j in 0..n {
                            let b = self.geo.slot[j];
                            if b == a {
                                continue;
                            }
                            let own = t.own_eu(b, self.s[j]);
                            let other = t.eu_other[b];
                            let kind = classify(own, other);
                            visit(Dyad { actor: i, other: j, kind, actor_eu: own, other_eu: other });
                        }
                        moves[i] = self.select(i);
                    }
                }
                None => {
                    // Position by position: the rows are shared by its actors.
                    for a in 0..m {
                        self.fill_rows(a, &r, sq, mu);
                        for k in self.geo.start[a]..self.geo.start[a + 1] {
                            let i = self.geo.order[k];
                            self.fill_terms(i, r[i], sq);
                            moves[i] = self.select(i);
                        }
                    }
                }
            }
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

    /// Every actor's danger: Σ_{j≠i} EUᵢ(j challenges i), all exponents 1,
    /// from the linear vote table.
    fn dangers(&mut self, mu: f64, sq: StatusQuo) -> Vec<f64> {
        let simd = self.simd;
        let m = self.geo.m();
        let net = self.settings.probability_numerator == Numerator::NetVotes;
        let dyad = self.settings.probability_denominator == Denominator::Dyad;
        let sc = &mut self.scratch;
        sc.danger.clear();
        sc.counts.clear();
        sc.counts.extend(self.geo.count.iter().map(|&c| c as f64));
        let setup = DangerSetup { scale: self.scale, mu, sq, net, dyad };
        sc.pairs.reset(m);
        for a in 0..m {
            self.linear.upper_row(simd, &self.beta, a);
            sc.pairs.add_row(simd, a, &self.geo.distinct, &sc.counts, &self.linear.vab, &self.linear.vba, setup);
        }
        sc.danger.clear();
        sc.danger.extend((0..m).map(|a| sc.pairs.get(a)));
        let all: f64 = sc.danger.iter().zip(&sc.counts).map(|(d, c)| c * d.votes).sum();
        let all_votes = (!dyad).then_some(all);
        if let Some(d) = all_votes {
            self.linear.set_all_votes(d);
        }
        let sums = &self.scratch.danger;
        (0..self.x.len()).map(|i| sums[self.geo.slot[i]].danger(self.s[i], all_votes)).collect()
    }

    /// The rows of slot a (logarithms if one of its actors has r ≠ 1).
    fn fill_rows(&mut self, a: usize, r: &[f64], sq: StatusQuo, mu: f64) {
        let logs = self.geo.members(a).iter().any(|&i| r[i] != 1.0);
        let xa = self.geo.distinct[a];
        let sc = &mut self.scratch;
        sc.rows.fill(self.simd, xa, &self.geo.distinct, self.scale, logs, sq.q != 1.0, mu);
        if self.powered {
            self.votes.probabilities(self.simd, a, &mut sc.p_ab, &mut sc.p_ba);
        } else {
            self.linear.probabilities(self.simd, &self.geo, &self.beta, a, &mut sc.p_ab, &mut sc.p_ba);
        }
    }

    /// Actor i's terms, from the rows of its slot.
    fn fill_terms(&mut self, i: usize, r: f64, sq: StatusQuo) {
        let a = self.geo.slot[i];
        let sc = &mut self.scratch;
        sc.terms.fill(self.simd, &sc.rows, a, r, self.s[i], sq, &sc.p_ab, &sc.p_ba);
    }

    /// The offer actor i accepts, from its terms.
    fn select(&self, i: usize) -> Option<Move> {
        let a = self.geo.slot[i];
        let receiver = Receiver {
            a,
            xi: self.x[i],
            dist: &self.scratch.rows.dist,
            terms: &self.scratch.terms,
            geo: &self.geo,
            s: &self.s,
        };
        receiver.select(self.settings.offer_selection, self.settings.capitulation)
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

//! The SMP's fixed data (actors, saliences, parameters) and one state of the
//! bargaining: positions and ideals, and what follows from them (distances,
//! risk attitudes, utilities, the probability of each position prevailing).

use demarche_scenario::settings::smp::{
    BargnModel, BigRAdjust, BigRRange, InterVecBrgn, PceModel, SmpSettings, StateTransitions, ThirdPartyCommit,
    VictoryProbModel, VotingRule, WinProbGrouping,
};

use crate::pce::{self, PceError};
use crate::rules::{big_r_from_prob, bs_util, bv_diff, est_risk, sum, sum_sq};

/// The nine KTAB parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    pub vpm: VictoryProbModel,
    pub pcem: PceModel,
    pub stm: StateTransitions,
    pub vr: VotingRule,
    pub big_r_adjust: BigRAdjust,
    pub big_r_range: BigRRange,
    pub tpc: ThirdPartyCommit,
    pub ivb: InterVecBrgn,
    pub bargn: BargnModel,
    /// Not a KTAB parameter: how near-equal positions are grouped for win probabilities.
    pub grouping: WinProbGrouping,
}

impl Params {
    pub fn from_settings(s: &SmpSettings) -> Self {
        Params {
            vpm: s.victory_prob_model,
            pcem: s.pce_model,
            stm: s.state_transitions,
            vr: s.voting_rule,
            big_r_adjust: s.big_r_adjust,
            big_r_range: s.big_r_range,
            tpc: s.third_party_commit,
            ivb: s.inter_vec_brgn,
            bargn: s.bargn_model,
            grouping: s.win_prob_grouping,
        }
    }
}

/// Why a run stopped before its end.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelError {
    Pce {
        turn: usize,
        error: PceError,
    },
    /// KTAB's sanity check on risk attitudes failed (KTAB stops the run here).
    DegenerateRisk {
        turn: usize,
        detail: String,
    },
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelError::Pce { turn, error } => write!(f, "turn {turn}: {error}"),
            ModelError::DegenerateRisk { turn, detail } => write!(f, "turn {turn}: {detail}"),
        }
    }
}

/// Row-sparse ideal-accommodation matrix; `None` rows mean the identity row.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Accommodation {
    /// For each actor, `(reference actor, rate)` in reference order; empty
    /// when the whole matrix is the identity.
    pub rows: Vec<Vec<(usize, f64)>>,
}

impl Accommodation {
    pub fn is_identity(&self) -> bool {
        self.rows.is_empty()
    }
}

/// What stays fixed during a run: n actors on `dims` dimensions, all scaled to
/// [0,1] as KTAB does internally.
#[derive(Clone, Debug)]
pub struct Model {
    pub n: usize,
    pub dims: usize,
    /// Capability (KTAB's `sCap`): the voting weight in coalitions.
    pub cap: Vec<f64>,
    /// Saliences, actor-major (`n × dims`), each actor's adding to at most 1.
    pub sal: Vec<f64>,
    /// Σₖ sₖ per actor (KTAB's `sum(vSal)`).
    pub sal_sum: Vec<f64>,
    /// Σₖ sₖ² per actor.
    pub sal_sq: Vec<f64>,
    /// Capability × total salience: the weight in challenges.
    pub w_eff: Vec<f64>,
    pub params: Params,
    pub accommodation: Accommodation,
}

impl Model {
    pub fn new(cap: Vec<f64>, sal: Vec<f64>, dims: usize, params: Params, accommodation: Accommodation) -> Self {
        let n = cap.len();
        let sal_sum: Vec<f64> = (0..n).map(|i| sum(&sal[i * dims..(i + 1) * dims])).collect();
        let sal_sq: Vec<f64> = (0..n).map(|i| sum_sq(&sal[i * dims..(i + 1) * dims])).collect();
        let w_eff = (0..n).map(|i| sal_sum[i] * cap[i]).collect();
        Model { n, dims, cap, sal, sal_sum, sal_sq, w_eff, params, accommodation }
    }

    #[inline(always)]
    pub fn sal_of(&self, i: usize) -> &[f64] {
        &self.sal[i * self.dims..(i + 1) * self.dims]
    }
}

/// Positions and ideals of every actor (actor-major, `n × dims`, on [0,1]).
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub pos: Vec<f64>,
    pub ideal: Vec<f64>,
}

impl State {
    #[inline(always)]
    pub fn pos_of(&self, i: usize, dims: usize) -> &[f64] {
        &self.pos[i * dims..(i + 1) * dims]
    }

    #[inline(always)]
    pub fn ideal_of(&self, i: usize, dims: usize) -> &[f64] {
        &self.ideal[i * dims..(i + 1) * dims]
    }
}

/// Euclidean tolerance under which two positions count as the same (KTAB's
/// `posTol`, on the [0,1] scale).
pub const POS_TOL: f64 = 1e-3;

/// A state as the actors see it.
#[derive(Clone, Debug)]
pub struct Assessed {
    /// `d[i·n + j]`: distance from i's ideal to j's position, weighted by i's saliences.
    pub d: Vec<f64>,
    /// The same distances by position: `d_by_target[j·n + i] = d[i·n + j]`,
    /// so a sum over actors for a fixed position reads memory in order.
    pub d_by_target: Vec<f64>,
    /// Risk attitude of each actor.
    pub r: Vec<f64>,
    /// Each actor's own utility of each position (`n × n`), KTAB's `aUtil[i](i, j)`.
    pub u_self: Vec<f64>,
    /// The same, grouped by voters: `Tiles::new(n, n, |j, i| u_self[i·n + j])`.
    pub u_self_tiles: crate::kernels::Tiles,
    /// First actor of each group of (nearly) equal positions.
    pub unique: Vec<usize>,
    /// Probability that each unique position prevails.
    pub unique_prob: Vec<f64>,
    /// Probability that each actor's position prevails.
    pub win_prob: Vec<f64>,
}

impl Assessed {
    /// h's estimate of the utility to i of j's position.
    #[inline(always)]
    pub fn util(&self, m: &Model, h: usize, i: usize, j: usize) -> f64 {
        let n = m.n;
        bs_util(self.d[i * n + j], est_risk(self.r[h], self.r[i], m.params.big_r_adjust))
    }
}

/// KTAB's change-detection tolerance for its risk-attitude checks.
const DU_TOL: f64 = 1e-6;

/// Distances, risk attitudes, utilities and win probabilities of a state.
pub fn assess(m: &Model, s: &State, turn: usize) -> Result<Assessed, ModelError> {
    let n = m.n;
    let dims = m.dims;
    let p = &m.params;
    let mut d = vec![0.0; n * n];
    for i in 0..n {
        let idl = s.ideal_of(i, dims);
        let sal = m.sal_of(i);
        for j in 0..n {
            d[i * n + j] = bv_diff(idl, s.pos_of(j, dims), sal, m.sal_sq[i]);
        }
    }
    let d_by_target = transpose(&d, n);
    // Risk-neutral utilities, their coalitions and PCE give the risk attitudes.
    let u0: Vec<f64> = d.iter().map(|&x| bs_util(x, 0.0)).collect();
    // Actors on bit-identical positions give bit-identical columns: sum each once.
    let class = identical_positions(s, n, dims);
    let c = crate::kernels::coalitions_grouped(p.vr, &m.cap, &u0, n, n, Some(&class));
    let prob = pce::probabilities(p.pcem, p.vpm, &c).map_err(|error| ModelError::Pce { turn, error })?;
    let r = big_r_from_prob(&prob, p.big_r_range);
    check_risk(m, &d, &u0, &r, turn)?;

    let mut u_self = vec![0.0; n * n];
    for i in 0..n {
        let rii = est_risk(r[i], r[i], p.big_r_adjust);
        for j in 0..n {
            u_self[i * n + j] = bs_util(d[i * n + j], rii);
        }
    }
    let u_self_tiles = crate::kernels::Tiles::new(n, n, |j, i| u_self[i * n + j]);
    let (unique, owner) = unique_positions(s, n, dims, p.grouping);
    let nu = unique.len();
    let mut uu = vec![0.0; n * nu];
    for i in 0..n {
        for (k, &j) in unique.iter().enumerate() {
            uu[i * nu + k] = u_self[i * n + j];
        }
    }
    let unique_prob =
        pce::scalar_pce(p.vr, p.vpm, p.pcem, &m.cap, &uu, nu, nu).map_err(|error| ModelError::Pce { turn, error })?;
    let win_prob = owner.iter().map(|&k| unique_prob[k]).collect();
    Ok(Assessed { d, d_by_target, r, u_self, u_self_tiles, unique, unique_prob, win_prob })
}

/// The transpose of a square row-major matrix, in blocks that stay in cache.
fn transpose(x: &[f64], n: usize) -> Vec<f64> {
    const BLOCK: usize = 32;
    let mut t = vec![0.0; n * n];
    for i0 in (0..n).step_by(BLOCK) {
        for j0 in (0..n).step_by(BLOCK) {
            for i in i0..(i0 + BLOCK).min(n) {
                for j in j0..(j0 + BLOCK).min(n) {
                    t[j * n + i] = x[i * n + j];
                }
            }
        }
    }
    t
}

/// KTAB refuses states in which risk attitudes change nothing: the
/// risk-aware utilities must differ from the risk-neutral ones, and each
/// actor's estimate of them must differ from the objective ones.
fn check_risk(m: &Model, d: &[f64], u0: &[f64], r: &[f64], turn: usize) -> Result<(), ModelError> {
    let n = m.n;
    let mut sq = 0.0;
    // G_i = Σ_j (∂u/∂r)² at i's distances: utility differences for a change
    // of risk attitude δ are δ·(1−d)·d (or δ·(1−d) past d = 1).
    let mut g = vec![0.0; n];
    for i in 0..n {
        let mut gi = 0.0;
        for j in 0..n {
            let x = d[i * n + j];
            let ra = bs_util(x, r[i]);
            let diff = u0[i * n + j] - ra;
            sq += diff * diff;
            let slope = if x <= 1.0 { (1.0 - x) * x } else { 1.0 - x };
            gi += slope * slope;
        }
        g[i] = gi;
    }
    if DU_TOL >= sq.sqrt() {
        return Err(ModelError::DegenerateRisk {
            turn,
            detail: "risk attitudes leave every utility unchanged (KTAB stops here: \
                     utility values not in valid range)"
                .into(),
        });
    }
    for h in 0..n {
        let mut s = 0.0;
        for i in 0..n {
            let delta = est_risk(r[h], r[i], m.params.big_r_adjust) - r[i];
            s += delta * delta * g[i];
        }
        if DU_TOL >= s.sqrt() {
            return Err(ModelError::DegenerateRisk {
                turn,
                detail: format!(
                    "actor {h}'s estimates of utilities equal the objective ones (KTAB stops here: \
                     estimate of change in utility out of valid range)"
                ),
            });
        }
    }
    Ok(())
}

/// For each actor, the first actor whose position is bit for bit the same.
pub fn identical_positions(s: &State, n: usize, dims: usize) -> Vec<usize> {
    let mut first: std::collections::HashMap<Vec<u64>, usize> = std::collections::HashMap::with_capacity(n);
    (0..n)
        .map(|i| {
            let key: Vec<u64> = s.pos_of(i, dims).iter().map(|x| x.to_bits()).collect();
            *first.entry(key).or_insert(i)
        })
        .collect()
}

/// KTAB's grouping of positions: each position joins the first earlier
/// representative within [`POS_TOL`]. Returns the representatives and, for
/// each actor, the index of the last representative within tolerance (the one
/// whose probability KTAB reports for it). "Earlier" is in actor order
/// (KTAB) or in coordinate order ([`WinProbGrouping::Canonical`]).
pub fn unique_positions(s: &State, n: usize, dims: usize, grouping: WinProbGrouping) -> (Vec<usize>, Vec<usize>) {
    let close = |a: usize, b: usize| -> bool {
        let pa = s.pos_of(a, dims);
        let pb = s.pos_of(b, dims);
        let mut sq = 0.0;
        for k in 0..dims {
            let x = pa[k] - pb[k];
            sq += x * x;
        }
        sq.sqrt() < POS_TOL
    };
    let mut order: Vec<usize> = (0..n).collect();
    if grouping == WinProbGrouping::Canonical {
        order.sort_by(|&a, &b| {
            let (pa, pb) = (s.pos_of(a, dims), s.pos_of(b, dims));
            pa.iter().zip(pb).map(|(x, y)| x.total_cmp(y)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    let mut unique: Vec<usize> = Vec::new();
    for &i in &order {
        if !unique.iter().any(|&u| close(i, u)) {
            unique.push(i);
        }
    }
    let owner = (0..n)
        .map(|i| {
            let mut k = 0;
            for (j1, &u) in unique.iter().enumerate() {
                if close(i, u) {
                    k = j1;
                }
            }
            k
        })
        .collect();
    (unique, owner)
}

/// Total Euclidean movement between two states (KTAB's `stateDist`).
pub fn state_dist(a: &State, b: &State, n: usize, dims: usize) -> f64 {
    let mut total = 0.0;
    for i in 0..n {
        let pa = a.pos_of(i, dims);
        let pb = b.pos_of(i, dims);
        let mut sq = 0.0;
        for k in 0..dims {
            let x = pa[k] - pb[k];
            sq += x * x;
        }
        total += sq.sqrt();
    }
    total
}

/// New ideals: each moves toward the others' (new) positions at the
/// accommodation rates, keeping the rest of its old self.
pub fn new_ideals(m: &Model, old_ideal: &[f64], new_pos: &[f64]) -> Vec<f64> {
    let dims = m.dims;
    if m.accommodation.is_identity() {
        return new_pos.to_vec();
    }
    let mut out = vec![0.0; m.n * dims];
    for i in 0..m.n {
        let mut si = 0.0;
        let ip = &mut out[i * dims..(i + 1) * dims];
        for &(j, a) in &m.accommodation.rows[i] {
            si += a;
            let pj = &new_pos[j * dims..(j + 1) * dims];
            for k in 0..dims {
                ip[k] += a * pj[k];
            }
        }
        let si = if 1.0 < si { 1.0 } else { si };
        let lag = 1.0 - si;
        let old = &old_ideal[i * dims..(i + 1) * dims];
        for k in 0..dims {
            ip[k] += lag * old[k];
        }
    }
    out
}

//! One turn of KTAB's "bargain, challenge, negotiate" (BCN) dynamics: every
//! actor picks its most advantageous challenge, the pair interpolates a
//! bargain, and every actor adopts the bargain (or the status quo) that its
//! own election among the proposals involving it favours.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use demarche_scenario::settings::smp::{BargnModel, StateTransitions};

use crate::challenge;
use crate::kernels;
use crate::model::{new_ideals, Assessed, Model, ModelError, State};
use crate::pce;
use crate::rules::{bs_util, bv_diff, interpolate};

/// A proposal: what the initiator and the receiver would each adopt.
#[derive(Clone, Debug, PartialEq)]
pub struct Bargain {
    pub init: usize,
    pub rcvr: usize,
    pub pos_init: Vec<f64>,
    pub pos_rcvr: Vec<f64>,
}

/// What happened in a turn, for reports.
#[derive(Clone, Debug, Default)]
pub struct TurnLog {
    /// Each actor's chosen target, if any challenge was worth making.
    pub targets: Vec<Option<usize>>,
    /// Index into the actor's proposals of the one it adopted (0: status quo).
    pub adopted: Vec<usize>,
}

/// Interpolate the bargain(s) of initiator i with target j.
fn make_bargains(m: &Model, s: &State, a: &Assessed, i: usize, j: usize, pii: f64) -> Vec<Bargain> {
    let dims = m.dims;
    let p = &m.params;
    let interp = |prob_i: f64| -> Bargain {
        let (pi, pj) = (s.pos_of(i, dims), s.pos_of(j, dims));
        let (si, sj) = (m.sal_of(i), m.sal_of(j));
        let mut bi = vec![0.0; dims];
        let mut bj = vec![0.0; dims];
        for k in 0..dims {
            let (x, y) = interpolate(p.ivb, pi[k], si[k], prob_i, pj[k], sj[k], 1.0 - prob_i);
            bi[k] = x;
            bj[k] = y;
        }
        Bargain { init: i, rcvr: j, pos_init: bi, pos_rcvr: bj }
    };
    let iij = interp(pii);
    if p.bargn == BargnModel::InitOnlyInterp {
        return vec![iij];
    }
    // KTAB passes j's estimate of the *expected gain to i* where a probability
    // is meant; reproduced as is.
    let (_, pji) = challenge::prob_edu(m, a, j, i, i, j);
    let jij = interp(pji);
    match p.bargn {
        BargnModel::InitRcvrInterp => vec![iij, jij],
        _ => {
            // KTAB weighs both views by the initiator's capability times each
            // side's total salience.
            let wi = m.cap[i] * m.sal_sum[i];
            let wj = m.cap[i] * m.sal_sum[j];
            let mix = |x: &[f64], y: &[f64]| -> Vec<f64> {
                x.iter().zip(y).map(|(&x, &y)| (wi * x + wj * y) / (wi + wj)).collect()
            };
            vec![Bargain {
                init: i,
                rcvr: j,
                pos_init: mix(&iij.pos_init, &jij.pos_init),
                pos_rcvr: mix(&iij.pos_rcvr, &jij.pos_rcvr),
            }]
        }
    }
}

/// Play one turn from `s` (assessed as `a`); `turn` numbers the state `s`.
pub fn step(m: &Model, s: &State, a: &Assessed, turn: usize, seed: u64) -> Result<(State, TurnLog), ModelError> {
    let n = m.n;
    let dims = m.dims;
    let p = &m.params;

    // Each initiator's best target and the bargains it proposes.
    let par = n >= kernels::PAR_MIN_ACTORS;
    let chosen: Vec<Option<(usize, f64)>> = challenge::best_targets(m, a);
    let proposals: Vec<Vec<Bargain>> = kernels::map_indices(n, par, |i| match chosen[i] {
        Some((j, pii)) => make_bargains(m, s, a, i, j, pii),
        None => Vec::new(),
    });
    let bargains: Vec<&Bargain> = proposals.iter().flatten().collect();

    // Utility to each actor of the state each bargain would bring about (a
    // bargain's value to an actor does not depend on whose list it is on):
    // the mean of its utilities of everyone's positions after the bargain.
    let mut starts: Vec<Vec<f64>> = vec![vec![0.0; n]];
    let mut skips: Vec<(usize, usize)> = vec![(usize::MAX, usize::MAX)];
    let principal_utils: Vec<Vec<f64>> =
        kernels::map_indices(bargains.len(), par, |b| principal_utilities(m, s, a, bargains[b]));
    for (b, start) in bargains.iter().zip(principal_utils) {
        starts.push(start);
        skips.push((b.init, b.rcvr));
    }
    let mut sums = kernels::skip_sums(&a.u_self_tiles, &starts, &skips).into_iter();
    let to_mean = |v: Vec<f64>| -> Vec<f64> { v.into_iter().map(|x| x / n as f64).collect() };
    let sq_value = to_mean(sums.next().unwrap_or_default());
    let values: Vec<Vec<f64>> = sums.map(to_mean).collect();

    // Each actor's proposals: status quo first, then by initiator.
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (bi, b) in bargains.iter().enumerate() {
        lists[b.init].push(bi);
        if b.rcvr != b.init {
            lists[b.rcvr].push(bi);
        }
    }

    let picks: Vec<Result<usize, ModelError>> = kernels::map_indices(n, par, |k| {
        let list = &lists[k];
        let nb = list.len() + 1;
        // u[x][m]: value to voter x of option m.
        let mut u = vec![0.0; n * nb];
        for x in 0..n {
            u[x * nb] = sq_value[x];
            for (col, &bi) in list.iter().enumerate() {
                u[x * nb + col + 1] = values[bi][x];
            }
        }
        let prob = pce::scalar_pce(p.vr, p.vpm, p.pcem, &m.cap, &u, nb, nb)
            .map_err(|error| ModelError::Pce { turn, error })?;
        Ok(match p.stm {
            StateTransitions::Deterministic => first_max(&prob),
            StateTransitions::Stochastic => draw(&prob, seed, turn, k),
        })
    });

    let mut pos = s.pos.clone();
    let mut adopted = Vec::with_capacity(n);
    for (k, pick) in picks.into_iter().enumerate() {
        let pick = pick?;
        adopted.push(pick);
        if pick > 0 {
            let b = bargains[lists[k][pick - 1]];
            let src = if b.init == k { &b.pos_init } else { &b.pos_rcvr };
            pos[k * dims..(k + 1) * dims].copy_from_slice(src);
        }
    }
    let ideal = new_ideals(m, &s.ideal, &pos);
    let targets = chosen.iter().map(|c| c.map(|(j, _)| j)).collect();
    Ok((State { pos, ideal }, TurnLog { targets, adopted }))
}

/// `u_x(init's new position) + u_x(rcvr's new position)` for every actor x:
/// the start of x's valuation of the state after bargain b.
fn principal_utilities(m: &Model, s: &State, a: &Assessed, b: &Bargain) -> Vec<f64> {
    let dims = m.dims;
    (0..m.n)
        .map(|x| {
            let idl = s.ideal_of(x, dims);
            let sal = m.sal_of(x);
            let ui = bs_util(bv_diff(idl, &b.pos_init, sal, m.sal_sq[x]), a.r[x]);
            let ur = bs_util(bv_diff(idl, &b.pos_rcvr, sal, m.sal_sq[x]), a.r[x]);
            let mut total = 0.0;
            total += ui;
            total += ur;
            total
        })
        .collect()
}

/// Index of the first largest probability (KTAB's `ndxMaxAbs`).
fn first_max(p: &[f64]) -> usize {
    let mut best = -1.0;
    let mut at = 0;
    for (i, &x) in p.iter().enumerate() {
        let v = x.abs();
        if best < v {
            best = v;
            at = i;
        }
    }
    at
}

/// Draw an option with probability p, from a stream that depends only on
/// (seed, turn, actor), so results do not depend on thread scheduling.
fn draw(p: &[f64], seed: u64, turn: usize, k: usize) -> usize {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((turn as u64) << 32) ^ k as u64);
    let x: f64 = rng.random::<f64>();
    let mut total = 0.0;
    for (i, &pi) in p.iter().enumerate() {
        total += pi;
        if x <= total {
            return i;
        }
    }
    p.len() - 1
}

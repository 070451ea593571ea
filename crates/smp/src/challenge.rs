//! Challenges: how likely i is to prevail against j once third parties weigh
//! in, and what i expects to gain by challenging j (KTAB's `probEduChlg`).

use rayon::prelude::*;

use crate::model::{Assessed, Model};
use crate::rules::{bs_util, est_risk, little_prob, third_party_vote, vote};

/// The smallest coalition in a challenge.
const MIN_CHALLENGE_COALITION: f64 = 1e-10;
/// Expected gains at or below this are not worth a challenge.
const MIN_SIGNIFICANT_GAIN: f64 = 1e-5;

/// h's estimate of (a) the probability that i defeats j and (b) the expected
/// change in utility to k if i challenges j, compared with the status quo.
pub fn prob_edu(m: &Model, a: &Assessed, h: usize, k: usize, i: usize, j: usize) -> (f64, f64) {
    let n = m.n;
    let p = &m.params;
    let rh = a.r[h];
    let est: Vec<f64> = a.r.iter().map(|&rx| est_risk(rh, rx, p.big_r_adjust)).collect();
    let u = |x: usize, y: usize| bs_util(a.d[x * n + y], est[x]);
    let (uii, uij, uji, ujj) = (u(i, i), u(i, j), u(j, i), u(j, j));
    let eu_sq = u(k, i) + u(k, j);
    let u_i_wins = u(k, i) + u(k, i);
    let u_j_wins = u(k, j) + u(k, j);
    let sj = m.sal_sum[j];

    let (c_i, c_j) = principals(m, i, j, uii, uij, uji, ujj);
    let (mut chij, mut chji) = (c_i, c_j);
    for t in 0..n {
        if t == i || t == j {
            continue;
        }
        let wt = m.w_eff[t];
        let (uti, utj, utt) = (u(t, i), u(t, j), u(t, t));
        let pit = little_prob(p.vr, wt, uti, utj, c_i, c_j);
        let v = third_party_vote(wt, p.vr, p.tpc, pit, 1.0 - pit, uti, utj, utt);
        chij = if v > 0.0 { chij + v } else { chij };
        chji = if v < 0.0 { chji - v } else { chji };
    }
    let phij = chij / (chij + chji);
    let phji = chji / (chij + chji);
    let eu_contest = phij * u_i_wins + phji * u_j_wins;
    let eu_challenge = (1.0 - sj) * u_i_wins + sj * eu_contest;
    (phij, eu_challenge - eu_sq)
}

/// The principals' own contributions to the contest (i:j), each added to the
/// side it favours on top of the minimal coalition.
#[inline(always)]
fn principals(m: &Model, i: usize, j: usize, uii: f64, uij: f64, uji: f64, ujj: f64) -> (f64, f64) {
    let vr = m.params.vr;
    let ci = vote(vr, m.w_eff[i], uii, uij);
    let cj = vote(vr, m.w_eff[j], uji, ujj);
    let mut chij = MIN_CHALLENGE_COALITION;
    let mut chji = MIN_CHALLENGE_COALITION;
    if ci > 0.0 {
        chij += ci;
    }
    if ci < 0.0 {
        chji -= ci;
    }
    if cj > 0.0 {
        chij += cj;
    }
    if cj < 0.0 {
        chji -= cj;
    }
    (chij, chji)
}

/// For every actor, its most advantageous target and its own estimate of the
/// probability of prevailing, or `None` when no challenge gains enough. Ties go
/// to the lowest-numbered target, as in KTAB.
pub fn best_targets(m: &Model, a: &Assessed) -> Vec<Option<(usize, f64)>> {
    (0..m.n).into_par_iter().map(|i| best_target(m, a, i)).collect()
}

fn best_target(m: &Model, a: &Assessed, i: usize) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    let mut best_eu = -1.0;
    for j in 0..m.n {
        if j == i {
            continue;
        }
        let (pij, edu) = prob_edu(m, a, i, i, i, j);
        if MIN_SIGNIFICANT_GAIN < edu && best_eu < edu {
            best = Some((j, pij));
            best_eu = edu;
        }
    }
    best
}

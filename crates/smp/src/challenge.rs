//! Challenges: how likely i is to prevail against j once third parties weigh
//! in, and what i expects to gain by challenging j (KTAB's `probEduChlg`).

use rayon::prelude::*;

use demarche_scenario::settings::smp::ThirdPartyCommit;

use crate::kernels::{Commit, Rule, LANES};
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
    crate::with_rule!(m.params.vr, R => crate::with_commit!(m.params.tpc, C => {
        (0..m.n).into_par_iter().map(|i| best_target::<R, C>(m, a, i)).collect()
    }))
}

/// Slack on the bounds used to skip targets, far above the rounding error
/// of the expected-gain formula (utilities are at most 1).
const BOUND_SLACK: f64 = 1e-12;
/// How many of the most promising targets are evaluated first to set the bar.
const FIRST_BATCH: usize = 8;

/// KTAB's choice among i's challenges: the first largest expected gain above
/// the significance threshold.
///
/// The expected gain of challenging j is `Δ·(1 − 2 s_j P(j wins))` up to
/// rounding, with `Δ = u_i(i) − u_i(j)`; so it never exceeds `Δ` (or
/// `Δ·(1 − 2 s_j)` when Δ < 0). The most promising targets are evaluated
/// first; every target whose bound falls short of the best gain found is then
/// skipped, as it can neither win nor tie. The targets evaluated are
/// evaluated exactly, so the choice is KTAB's.
fn best_target<R: Rule, C: Commit>(m: &Model, a: &Assessed, i: usize) -> Option<(usize, f64)> {
    let v = View::<R>::new(m, a, i);
    let n = m.n;
    let bound = |j: usize| -> f64 {
        let delta = v.uii - v.u_ij[j];
        let b = if delta >= 0.0 { delta } else { delta * (1.0 - 2.0 * m.sal_sum[j]) };
        b + BOUND_SLACK
    };
    let mut candidates: Vec<usize> = (0..n).filter(|&j| j != i && bound(j) > MIN_SIGNIFICANT_GAIN).collect();
    if candidates.is_empty() {
        return None;
    }
    let mut evaluated: Vec<(usize, f64, f64)> = Vec::with_capacity(candidates.len());
    if candidates.len() > 2 * FIRST_BATCH {
        // A guess at each gain from the principals' strengths alone.
        let guess = |j: usize| -> f64 {
            let delta = v.uii - v.u_ij[j];
            delta * (1.0 - 2.0 * m.sal_sum[j] * (v.cj[j] / (v.ci[j] + v.cj[j])))
        };
        let mut ranked = candidates.clone();
        ranked.select_nth_unstable_by(FIRST_BATCH, |&x, &y| guess(y).total_cmp(&guess(x)).then(x.cmp(&y)));
        let mut first: Vec<usize> = ranked[..FIRST_BATCH].to_vec();
        first.sort_unstable();
        let (p, edu) = v.evaluate::<C>(&first);
        evaluated.extend(first.iter().zip(p.iter().zip(&edu)).map(|(&j, (&p, &e))| (j, p, e)));
        let mut bar = MIN_SIGNIFICANT_GAIN;
        for &(_, _, e) in &evaluated {
            bar = if e > bar { e } else { bar };
        }
        candidates.retain(|&j| first.binary_search(&j).is_err() && bound(j) >= bar);
    }
    if !candidates.is_empty() {
        let (p, edu) = v.evaluate::<C>(&candidates);
        evaluated.extend(candidates.iter().zip(p.iter().zip(&edu)).map(|(&j, (&p, &e))| (j, p, e)));
    }
    evaluated.sort_unstable_by_key(|&(j, _, _)| j);
    let mut best: Option<(usize, f64)> = None;
    let mut best_eu = -1.0;
    for (j, pij, edu) in evaluated {
        if MIN_SIGNIFICANT_GAIN < edu && best_eu < edu {
            best = Some((j, pij));
            best_eu = edu;
        }
    }
    best
}

/// i's own estimates, for every target j, of the probability of beating j and
/// of the expected gain from challenging j (entry i is meaningless).
pub struct ChallengeRow {
    pub p: Vec<f64>,
    pub edu: Vec<f64>,
}

/// [`prob_edu`]`(i, i, i, j)` for every j at once (bit-identical to it).
pub fn challenge_row<R: Rule, C: Commit>(m: &Model, a: &Assessed, i: usize) -> ChallengeRow {
    let v = View::<R>::new(m, a, i);
    let all: Vec<usize> = (0..m.n).filter(|&j| j != i).collect();
    let (pc, ec) = v.evaluate::<C>(&all);
    let mut p = vec![f64::NAN; m.n];
    let mut edu = vec![f64::NAN; m.n];
    for (q, &j) in all.iter().enumerate() {
        p[j] = pc[q];
        edu[j] = ec[q];
    }
    ChallengeRow { p, edu }
}

/// What initiator i's evaluation of its challenges needs, whatever the target.
struct View<'a, R: Rule> {
    m: &'a Model,
    a: &'a Assessed,
    i: usize,
    /// i's estimate of each actor's risk attitude.
    est: Vec<f64>,
    /// u_x(i), u_x(x) and u_i(j) as i estimates them.
    u_xi: Vec<f64>,
    u_xx: Vec<f64>,
    u_ij: Vec<f64>,
    uii: f64,
    /// The principals' contributions to (i:j), per target j.
    ci: Vec<f64>,
    cj: Vec<f64>,
    _rule: std::marker::PhantomData<R>,
}

impl<'a, R: Rule> View<'a, R> {
    fn new(m: &'a Model, a: &'a Assessed, i: usize) -> Self {
        let n = m.n;
        let d = &a.d;
        let ri = a.r[i];
        let adjust = m.params.big_r_adjust;
        let est: Vec<f64> = a.r.iter().map(|&rx| est_risk(ri, rx, adjust)).collect();
        let u_xi: Vec<f64> = (0..n).map(|x| bs_util(d[x * n + i], est[x])).collect();
        let u_xx: Vec<f64> = (0..n).map(|x| bs_util(d[x * n + x], est[x])).collect();
        let uii = u_xi[i];
        let u_ij: Vec<f64> = (0..n).map(|j| bs_util(d[i * n + j], est[i])).collect();
        let mut ci = vec![0.0; n];
        let mut cj = vec![0.0; n];
        for j in 0..n {
            let (x, y) = principals_of::<R>(m.w_eff[i], m.w_eff[j], uii, u_ij[j], u_xi[j], u_xx[j]);
            ci[j] = x;
            cj[j] = y;
        }
        View { m, a, i, est, u_xi, u_xx, u_ij, uii, ci, cj, _rule: std::marker::PhantomData }
    }

    /// Exact `(P(i beats j), expected gain)` for the targets `js` (ascending, without i).
    fn evaluate<C: Commit>(&self, js: &[usize]) -> (Vec<f64>, Vec<f64>) {
        #[cfg(target_arch = "x86_64")]
        {
            if crate::kernels::has_avx2() {
                // SAFETY: the CPU supports AVX2 (checked at run time just above).
                return unsafe { self.evaluate_avx2::<C>(js) };
            }
        }
        self.evaluate_generic::<C>(js)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn evaluate_avx2<C: Commit>(&self, js: &[usize]) -> (Vec<f64>, Vec<f64>) {
        self.evaluate_generic::<C>(js)
    }

    #[inline(always)]
    fn evaluate_generic<C: Commit>(&self, js: &[usize]) -> (Vec<f64>, Vec<f64>) {
        let m = self.m;
        let c = js.len();
        let ci: Vec<f64> = js.iter().map(|&j| self.ci[j]).collect();
        let cj: Vec<f64> = js.iter().map(|&j| self.cj[j]).collect();
        let mut chij = ci.clone();
        let mut chji = cj.clone();
        // Under NoCommit and FullCommit a third party's two expected utilities
        // are computed by the same expression, so its vote is exactly 0.
        if C::MODEL == ThirdPartyCommit::SemiCommit {
            // Targets in groups of LANES whose running sums stay in registers
            // while the third parties are scanned in order.
            let mut q0 = 0;
            while q0 < c {
                let q1 = (q0 + LANES).min(c);
                let mut lane_j = [usize::MAX; LANES];
                let mut gci = [1.0; LANES];
                let mut gcj = [1.0; LANES];
                lane_j[..q1 - q0].copy_from_slice(&js[q0..q1]);
                gci[..q1 - q0].copy_from_slice(&ci[q0..q1]);
                gcj[..q1 - q0].copy_from_slice(&cj[q0..q1]);
                let (hij, hji) = self.sweep_group::<C>(&lane_j, &gci, &gcj);
                chij[q0..q1].copy_from_slice(&hij[..q1 - q0]);
                chji[q0..q1].copy_from_slice(&hji[..q1 - q0]);
                q0 = q1;
            }
        }
        let uii = self.uii;
        let u_i_wins = uii + uii;
        let mut p = vec![0.0; c];
        let mut edu = vec![0.0; c];
        for (q, &j) in js.iter().enumerate() {
            let uij = self.u_ij[j];
            let eu_sq = uii + uij;
            let u_j_wins = uij + uij;
            let sj = m.sal_sum[j];
            let phij = chij[q] / (chij[q] + chji[q]);
            let phji = chji[q] / (chij[q] + chji[q]);
            let eu_contest = phij * u_i_wins + phji * u_j_wins;
            let eu_challenge = (1.0 - sj) * u_i_wins + sj * eu_contest;
            p[q] = phij;
            edu[q] = eu_challenge - eu_sq;
        }
        (p, edu)
    }

    /// The coalitions (i:j) for up to LANES targets (`usize::MAX` marks an
    /// unused lane): the principals' sums plus every third party's vote, in
    /// ascending order of third party.
    #[inline(always)]
    fn sweep_group<C: Commit>(
        &self,
        lane_j: &[usize; LANES],
        ci: &[f64; LANES],
        cj: &[f64; LANES],
    ) -> ([f64; LANES], [f64; LANES]) {
        let m = self.m;
        let n = m.n;
        let d = &self.a.d;
        let mut chij = *ci;
        let mut chji = *cj;
        // Unused lanes read column 0; their results are discarded.
        let col: [usize; LANES] = std::array::from_fn(|l| if lane_j[l] == usize::MAX { 0 } else { lane_j[l] });
        for t in 0..n {
            if t == self.i {
                continue;
            }
            let row = &d[t * n..(t + 1) * n];
            let dist: [f64; LANES] = std::array::from_fn(|l| row[col[l]]);
            let (wt, uti, utt, rt) = (m.w_eff[t], self.u_xi[t], self.u_xx[t], self.est[t]);
            let (ik_def_j, i_def_jk) = match C::MODEL {
                ThirdPartyCommit::FullCommit => (uti + uti + uti, uti + uti + uti),
                ThirdPartyCommit::SemiCommit => (uti + uti + utt, uti + uti + uti),
                ThirdPartyCommit::NoCommit => (uti + uti + utt, uti + uti + utt),
            };
            for l in 0..LANES {
                let utj = bs_util(dist[l], rt);
                let cn = R::vote(wt, uti, utj);
                let cni = if cn > 0.0 { ci[l] + cn } else { ci[l] };
                let cnj = if cn < 0.0 { cj[l] - cn } else { cj[l] };
                let pit = cni / (cni + cnj);
                let pjt = 1.0 - pit;
                let (j_def_ik, jk_def_i) = match C::MODEL {
                    ThirdPartyCommit::FullCommit => (utj + utj + utj, utj + utj + utj),
                    ThirdPartyCommit::SemiCommit => (utj + utj + utj, utj + utj + utt),
                    ThirdPartyCommit::NoCommit => (utj + utj + utt, utj + utj + utt),
                };
                let u_ik_j = (pit * ik_def_j) + (pjt * j_def_ik);
                let u_i_jk = (pit * i_def_jk) + (pjt * jk_def_i);
                let v = R::vote(wt, u_ik_j, u_i_jk);
                // t is not a third party in its own contest.
                let v = if lane_j[l] == t { 0.0 } else { v };
                // Adding +0 to a positive sum changes nothing, so these
                // unconditional updates equal KTAB's conditional ones.
                chij[l] += if v > 0.0 { v } else { 0.0 };
                chji[l] -= if v < 0.0 { v } else { 0.0 };
            }
        }
        (chij, chji)
    }
}

#[inline(always)]
fn principals_of<R: Rule>(wi: f64, wj: f64, uii: f64, uij: f64, uji: f64, ujj: f64) -> (f64, f64) {
    let ci = R::vote(wi, uii, uij);
    let cj = R::vote(wj, uji, ujj);
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

/// The straightforward per-pair computation, kept as the reference the fast
/// path is tested against.
pub fn best_targets_reference(m: &Model, a: &Assessed) -> Vec<Option<(usize, f64)>> {
    (0..m.n)
        .map(|i| {
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
        })
        .collect()
}

//! Challenges: how likely i is to prevail against j once third parties weigh
//! in, and what i expects to gain by challenging j (KTAB's `probEduChlg`).

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
    coalitions(vote(vr, m.w_eff[i], uii, uij), vote(vr, m.w_eff[j], uji, ujj))
}

/// The two sides' coalitions from the principals' own votes `ci`, `cj`: each
/// vote goes to the side it favours, on top of the minimal coalition.
#[inline(always)]
fn coalitions(ci: f64, cj: f64) -> (f64, f64) {
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
    let screen = Screening::new(m, a);
    crate::with_rule!(m.params.vr, R => crate::with_commit!(m.params.tpc, C => {
        crate::kernels::map_indices(m.n, m.n >= crate::kernels::PAR_MIN_ACTORS, |i| {
            best_target::<R, C>(m, a, &screen, i)
        })
    }))
}

/// The order in which third parties are screened (heaviest challenge weight
/// first, the same for every initiator) and the distances laid out in that
/// order for each target, so screening a target reads memory in sequence.
pub struct Screening {
    /// Third parties, heaviest first, and each actor's place in that order.
    order: Vec<usize>,
    rank: Vec<usize>,
    /// `by_target[j·n + k]`: distance from `order[k]`'s ideal to j's position.
    by_target: Vec<f64>,
}

impl Screening {
    pub fn new(m: &Model, a: &Assessed) -> Self {
        let n = m.n;
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_unstable_by(|&x, &y| m.w_eff[y].total_cmp(&m.w_eff[x]).then(x.cmp(&y)));
        let by_target: Vec<f64> = if m.params.tpc == ThirdPartyCommit::SemiCommit && n > 2 * FIRST_BATCH {
            let mut v = vec![0.0; n * n];
            for j in 0..n {
                let col = &a.d_by_target[j * n..(j + 1) * n];
                for (k, &t) in order.iter().enumerate() {
                    v[j * n + k] = col[t];
                }
            }
            v
        } else {
            Vec::new()
        };
        let mut rank = vec![0; n];
        for (k, &t) in order.iter().enumerate() {
            rank[t] = k;
        }
        Screening { order, rank, by_target }
    }
}

/// Slack on the bounds used to skip targets, far above the rounding error
/// of the expected-gain formula (utilities are at most 1).
const BOUND_SLACK: f64 = 1e-12;
/// Relative slack on bounds built from sums in another order than KTAB's.
const SUM_SLACK: f64 = 1e-9;
/// How many of the most promising targets are evaluated first to set the bar.
const FIRST_BATCH: usize = LANES;
/// Third parties screened between two checks of the bounds.
const SCREEN_CHUNK: usize = 32;

/// KTAB's choice among i's challenges: the first largest expected gain above
/// the significance threshold. See [`best_target_body`] for how targets that
/// cannot win are skipped.
fn best_target<R: Rule, C: Commit>(m: &Model, a: &Assessed, sc: &Screening, i: usize) -> Option<(usize, f64)> {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::kernels::has_avx2() {
            // SAFETY: the CPU supports AVX2 (checked at run time just above).
            return unsafe { best_target_avx2::<R, C>(m, a, sc, i) };
        }
    }
    best_target_body::<R, C>(m, a, sc, i)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn best_target_avx2<R: Rule, C: Commit>(
    m: &Model,
    a: &Assessed,
    sc: &Screening,
    i: usize,
) -> Option<(usize, f64)> {
    best_target_body::<R, C>(m, a, sc, i)
}

/// The expected gain of challenging j is `Δ·(1 − 2 s_j P_ji)` up to rounding,
/// with `Δ = u_i(i) − u_i(j)` and `P_ji = χ_ji/(χ_ij + χ_ji)` the probability
/// that j prevails; so it never exceeds `Δ` (or `Δ·(1 − 2 s_j)` when Δ < 0),
/// and any lower bound on `P_ji` lowers that bound further.
///
/// 1. The eight most promising targets (by a guess from the principals alone)
///    are evaluated exactly; the best gain among them is the bar.
/// 2. Each other target whose `Δ` bound reaches the bar is screened: third
///    parties are added heaviest first, and after every few the bound is
///    recomputed from the partial sums and the most the rest could add to i's
///    side. A target whose bound falls below the bar can neither win nor tie
///    and is dropped.
/// 3. Targets that survive screening are evaluated exactly (third parties in
///    KTAB's order) and may raise the bar.
///
/// Every target that could be chosen is evaluated exactly, so the choice is KTAB's.
#[inline(always)]
fn best_target_body<R: Rule, C: Commit>(m: &Model, a: &Assessed, sc: &Screening, i: usize) -> Option<(usize, f64)> {
    let v = View::<R>::new(m, a, i);
    let n = m.n;
    let delta = |j: usize| v.uii - v.u_ij[j];
    let bound = |j: usize| -> f64 {
        let d = delta(j);
        let b = if d >= 0.0 { d } else { d * (1.0 - 2.0 * m.sal_sum[j]) };
        b + BOUND_SLACK
    };
    let candidates: Vec<usize> = (0..n).filter(|&j| j != i && bound(j) > MIN_SIGNIFICANT_GAIN).collect();
    if candidates.is_empty() {
        return None;
    }
    let mut evaluated: Vec<(usize, f64, f64)> = Vec::with_capacity(candidates.len().min(4 * LANES));
    let mut bar = MIN_SIGNIFICANT_GAIN;
    // A plain function, not a closure: closures do not inherit the caller's
    // target features, and this is where the exact evaluations run.
    #[inline(always)]
    fn exact<R: Rule, C: Commit>(v: &View<'_, R>, js: &[usize], evaluated: &mut Vec<(usize, f64, f64)>, bar: &mut f64) {
        let (p, edu) = v.evaluate_body::<C>(js);
        for (q, &j) in js.iter().enumerate() {
            evaluated.push((j, p[q], edu[q]));
            *bar = if edu[q] > *bar { edu[q] } else { *bar };
        }
    }
    if C::MODEL != ThirdPartyCommit::SemiCommit || candidates.len() <= 2 * FIRST_BATCH {
        // No third-party sums (see `evaluate_body`), or too few targets to bother.
        exact::<R, C>(&v, &candidates, &mut evaluated, &mut bar);
    } else {
        // A guess at each gain from the principals' strengths alone.
        let mut ranked: Vec<(f64, usize)> = candidates
            .iter()
            .map(|&j| (delta(j) * (1.0 - 2.0 * m.sal_sum[j] * (v.cj[j] / (v.ci[j] + v.cj[j]))), j))
            .collect();
        // Only the first batch needs to be the best guesses; the rest are
        // screened in whatever (deterministic) order the selection leaves.
        ranked.select_nth_unstable_by(FIRST_BATCH, |x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        let ranked: Vec<usize> = ranked.into_iter().map(|(_, j)| j).collect();
        let mut first: Vec<usize> = ranked[..FIRST_BATCH].to_vec();
        first.sort_unstable();
        exact::<R, C>(&v, &first, &mut evaluated, &mut bar);

        let pv = Permuted::new(&v, sc);
        let queue = &ranked[FIRST_BATCH..];
        let mut survivors: Vec<usize> = Vec::new();
        for (q, &j) in queue.iter().enumerate() {
            if bound(j) >= bar && pv.screen::<R>(&v, sc, j, bar) {
                survivors.push(j);
            }
            if survivors.len() >= LANES || (q + 1 == queue.len() && !survivors.is_empty()) {
                survivors.sort_unstable();
                let keep: Vec<usize> = survivors.drain(..).filter(|&j| bound(j) >= bar).collect();
                if !keep.is_empty() {
                    exact::<R, C>(&v, &keep, &mut evaluated, &mut bar);
                }
            }
        }
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

/// i's per-third-party quantities laid out in screening order.
struct Permuted {
    w: Vec<f64>,
    uti: Vec<f64>,
    utt: Vec<f64>,
    est: Vec<f64>,
    /// rest[k]: the most all third parties from position k on could add to
    /// i's side in any contest (slightly inflated against rounding).
    rest: Vec<f64>,
    /// Positions in the order of the initiator itself (not a third party).
    own: usize,
}

impl Permuted {
    fn new<R: Rule>(v: &View<'_, R>, sc: &Screening) -> Self {
        let m = v.m;
        let order = &sc.order;
        let pick = |x: &[f64]| -> Vec<f64> { order.iter().map(|&t| x[t]).collect() };
        let (uti, utt, est) = (pick(&v.u_xi), pick(&v.u_xx), pick(&v.est));
        let w = pick(&m.w_eff);
        let own = order.iter().position(|&t| t == v.i).unwrap_or(usize::MAX);
        // Third party t's comparison is a mix of u_t(t) − u_t(i) and
        // u_t(j) − u_t(t) with weights adding to one, and u_t(j) ≤ 1; votes grow
        // with the comparison under every rule. So its vote for i is at most
        // the vote for the larger of u_t(t) − u_t(i) and 1 − u_t(t).
        let caps: Vec<f64> = (0..order.len())
            .map(|k| {
                if k == own {
                    return 0.0;
                }
                let a = utt[k] - uti[k];
                let b = 1.0 - utt[k];
                let top = if a > b { a } else { b };
                let top = if top > 0.0 { top } else { 0.0 } + 1e-13;
                let cap = R::vote(w[k], top, 0.0);
                // NaN (degenerate states) must not make the bound look small.
                if cap.is_nan() {
                    f64::INFINITY
                } else {
                    cap * (1.0 + SUM_SLACK) + 1e-300
                }
            })
            .collect();
        let mut rest = vec![0.0; order.len() + 1];
        for k in (0..order.len()).rev() {
            rest[k] = rest[k + 1] + caps[k];
        }
        for x in &mut rest {
            *x *= 1.0 + SUM_SLACK;
        }
        Permuted { w, uti, utt, est, rest, own }
    }

    /// Screen target j: add third parties in screening order until j's bound
    /// on the expected gain falls below `bar` (false) or all are added (true:
    /// j must be evaluated exactly).
    #[inline(always)]
    fn screen<R: Rule>(&self, v: &View<'_, R>, sc: &Screening, j: usize, bar: f64) -> bool {
        let m = v.m;
        let n = m.n;
        let (ci, cj) = (v.ci[j], v.cj[j]);
        let delta = v.uii - v.u_ij[j];
        if !(delta >= 0.0) {
            return true; // no help from probabilities; evaluate exactly
        }
        let sal = m.sal_sum[j];
        let row = &sc.by_target[j * n..(j + 1) * n];
        // Neither i nor j is a third party in (i:j).
        let (skip_a, skip_b) = (self.own, sc.rank[j]);
        let mut pos = [0.0; LANES];
        let mut neg = [0.0; LANES];
        let mut k = 0;
        while k < n {
            let k1 = (k + SCREEN_CHUNK).min(n);
            let mut kk = k;
            while kk + LANES <= k1 {
                let (Ok(w), Ok(uti), Ok(utt), Ok(est), Ok(dist)) = (
                    <&[f64; LANES]>::try_from(&self.w[kk..kk + LANES]),
                    <&[f64; LANES]>::try_from(&self.uti[kk..kk + LANES]),
                    <&[f64; LANES]>::try_from(&self.utt[kk..kk + LANES]),
                    <&[f64; LANES]>::try_from(&self.est[kk..kk + LANES]),
                    <&[f64; LANES]>::try_from(&row[kk..kk + LANES]),
                ) else {
                    break;
                };
                for l in 0..LANES {
                    let vote = third_party::<R>(w[l], uti[l], utt[l], est[l], dist[l], ci, cj);
                    let q = kk + l;
                    let vote = if q == skip_a || q == skip_b { 0.0 } else { vote };
                    pos[l] += if vote > 0.0 { vote } else { 0.0 };
                    neg[l] -= if vote < 0.0 { vote } else { 0.0 };
                }
                kk += LANES;
            }
            for q in kk..k1 {
                let vote = third_party::<R>(self.w[q], self.uti[q], self.utt[q], self.est[q], row[q], ci, cj);
                let vote = if q == skip_a || q == skip_b { 0.0 } else { vote };
                pos[0] += if vote > 0.0 { vote } else { 0.0 };
                neg[0] -= if vote < 0.0 { vote } else { 0.0 };
            }
            k = k1;
            let (mut p, mut q) = (ci, cj);
            for l in 0..LANES {
                p += pos[l];
                q += neg[l];
            }
            // P_ji ≥ χ_ji / (χ_ij + χ_ji) with χ_ij at its largest.
            let lower = q / (p + self.rest[k] + q) * (1.0 - SUM_SLACK);
            let ub = delta * (1.0 - 2.0 * sal * lower) + BOUND_SLACK;
            if ub < bar {
                return false;
            }
        }
        true
    }
}

/// The SemiCommit vote of a third party (weight `wt`, utilities `uti` of i's
/// position and `utt` of its own, risk estimate `rt`, distance `dist` to j's
/// position) in (i:j), given the principals' contributions `ci`, `cj`.
#[inline(always)]
fn third_party<R: Rule>(wt: f64, uti: f64, utt: f64, rt: f64, dist: f64, ci: f64, cj: f64) -> f64 {
    let utj = bs_util(dist, rt);
    let cn = R::vote(wt, uti, utj);
    let cni = if cn > 0.0 { ci + cn } else { ci };
    let cnj = if cn < 0.0 { cj - cn } else { cj };
    let pit = cni / (cni + cnj);
    let pjt = 1.0 - pit;
    let u_ik_j = (pit * (uti + uti + utt)) + (pjt * (utj + utj + utj));
    let u_i_jk = (pit * (uti + uti + uti)) + (pjt * (utj + utj + utt));
    R::vote(wt, u_ik_j, u_i_jk)
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
    let (pc, ec) = v.evaluate_body::<C>(&all);
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
    /// Every third party, in KTAB's order.
    third: Vec<usize>,
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
        let third = (0..n).filter(|&t| t != i).collect();
        View { m, a, i, est, u_xi, u_xx, u_ij, uii, ci, cj, third, _rule: std::marker::PhantomData }
    }

    /// Exact `(P(i beats j), expected gain)` for the targets `js` (ascending, without i).
    #[inline(always)]
    fn evaluate_body<C: Commit>(&self, js: &[usize]) -> (Vec<f64>, Vec<f64>) {
        let m = self.m;
        let c = js.len();
        let mut chij: Vec<f64> = js.iter().map(|&j| self.ci[j]).collect();
        let mut chji: Vec<f64> = js.iter().map(|&j| self.cj[j]).collect();
        // Under NoCommit and FullCommit a third party's two expected utilities
        // are computed by the same expression, so its vote is exactly 0.
        if C::MODEL == ThirdPartyCommit::SemiCommit {
            let mut q0 = 0;
            while q0 < c {
                let q1 = (q0 + LANES).min(c);
                let mut lane_j = [usize::MAX; LANES];
                let mut gci = [1.0; LANES];
                let mut gcj = [1.0; LANES];
                lane_j[..q1 - q0].copy_from_slice(&js[q0..q1]);
                gci[..q1 - q0].copy_from_slice(&chij[q0..q1]);
                gcj[..q1 - q0].copy_from_slice(&chji[q0..q1]);
                let (mut hij, mut hji) = (gci, gcj);
                // Third parties in KTAB's (ascending) order.
                self.accumulate::<C>(&self.third, &lane_j, &gci, &gcj, &mut hij, &mut hji);
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

    /// Add the votes of third parties `ts` (in that order) in the contests
    /// (i:j) of up to LANES targets (`usize::MAX` marks an unused lane) to the
    /// running sums: positive votes to `pos`, negative ones to `neg`. `ci`,
    /// `cj` are the principals' contributions, which shape each vote.
    #[inline(always)]
    fn accumulate<C: Commit>(
        &self,
        ts: &[usize],
        lane_j: &[usize; LANES],
        ci: &[f64; LANES],
        cj: &[f64; LANES],
        pos: &mut [f64; LANES],
        neg: &mut [f64; LANES],
    ) {
        let m = self.m;
        let n = m.n;
        // Each lane's target's distances from every actor, in actor order
        // (unused lanes read target 0's; their results are discarded).
        let cols: [&[f64]; LANES] = std::array::from_fn(|l| {
            let j = if lane_j[l] == usize::MAX { 0 } else { lane_j[l] };
            &self.a.d_by_target[j * n..(j + 1) * n]
        });
        for &t in ts {
            let dist: [f64; LANES] = std::array::from_fn(|l| cols[l][t]);
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
                pos[l] += if v > 0.0 { v } else { 0.0 };
                neg[l] -= if v < 0.0 { v } else { 0.0 };
            }
        }
    }
}

#[inline(always)]
fn principals_of<R: Rule>(wi: f64, wj: f64, uii: f64, uij: f64, uji: f64, ujj: f64) -> (f64, f64) {
    coalitions(R::vote(wi, uii, uij), R::vote(wj, uji, ujj))
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

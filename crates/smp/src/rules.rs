//! KTAB's scalar building blocks: utility of distance, salience-weighted
//! distance, votes, victory probabilities, risk attitudes, third-party votes
//! and bargain interpolation.
//!
//! Every expression is written in the same order of floating-point operations
//! as KTAB's, so that deterministic runs agree with KTAB to the last bit where
//! KTAB itself is deterministic (see docs/models.md, `## smp`).

use demarche_scenario::settings::smp::{
    BigRAdjust, BigRRange, InterVecBrgn, ThirdPartyCommit, VictoryProbModel, VotingRule,
};

/// Utility of a normalised distance `sd` for an actor of risk attitude `r`
/// (−1 risk-averse … +1 risk-seeking): `(1 − d)(1 + d r)`. Rounding can push a
/// distance slightly past 1; the curve is then continued linearly.
#[inline(always)]
pub fn bs_util(sd: f64, r: f64) -> f64 {
    if sd <= 1.0 {
        (1.0 - sd) * (1.0 + sd * r)
    } else {
        (1.0 - sd) * (1.0 + r)
    }
}

/// Salience-weighted distance between an ideal and a position:
/// `√(Σₖ (sₖ Δₖ)² / Σₖ sₖ²)`, with `Δ = ideal − position`. `sal_sq` is
/// `Σₖ sₖ²` accumulated in dimension order.
#[inline(always)]
pub fn bv_diff(ideal: &[f64], pos: &[f64], sal: &[f64], sal_sq: f64) -> f64 {
    let mut ds_sq = 0.0;
    for k in 0..sal.len() {
        let ds = (ideal[k] - pos[k]) * sal[k];
        ds_sq += ds * ds;
    }
    (ds_sq / sal_sq).sqrt()
}

/// `Σₖ sₖ²` in dimension order (the denominator of [`bv_diff`]).
pub fn sum_sq(sal: &[f64]) -> f64 {
    let mut s = 0.0;
    for &x in sal {
        s += x * x;
    }
    s
}

/// `Σₖ sₖ` in dimension order.
pub fn sum(xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for &x in xs {
        s += x;
    }
    s
}

pub(crate) const BINARY_SMOOTHING: f64 = 1e-8;
pub(crate) const PROP_BIN_BINARY_SHARE: f64 = 0.2;
pub(crate) const PROP_CBC_CUBIC_SHARE: f64 = 0.5;

/// The influence an actor of weight `w` exerts for option `a` over `b`, given
/// its utilities `ua` and `ub` of them (positive: for `a`).
#[inline(always)]
pub fn vote(rule: VotingRule, w: f64, ua: f64, ub: f64) -> f64 {
    let du = ua - ub;
    match rule {
        VotingRule::Binary => w * binary_response(du),
        VotingRule::PropBin => w * ((1.0 - PROP_BIN_BINARY_SHARE) * du + PROP_BIN_BINARY_SHARE * binary_response(du)),
        VotingRule::Prop => w * du,
        VotingRule::PropCbc => w * ((1.0 - PROP_CBC_CUBIC_SHARE) * du + PROP_CBC_CUBIC_SHARE * (du * du * du)),
        VotingRule::Cubic => w * (du * du * du),
        VotingRule::ASymProsp => {
            if du < 0.0 {
                w * du
            } else if du > 0.0 {
                (2.0 * w * du) / 3.0
            } else {
                0.0
            }
        }
    }
}

#[inline(always)]
fn binary_response(du: f64) -> f64 {
    let r = du / BINARY_SMOOTHING;
    let r = if r > 1.0 { 1.0 } else { r };
    if r < -1.0 {
        -1.0
    } else {
        r
    }
}

const BINARY_VP_THRESHOLD: f64 = 1.10;
const BINARY_VP_FLOOR: f64 = 1e-6;

/// Probabilities that coalitions of strengths `s1` and `s2` win against each
/// other: `(p₁, p₂)`, computed separately as KTAB does (they add to 1 only up
/// to rounding).
#[inline(always)]
pub fn victory_prob(model: VictoryProbModel, s1: f64, s2: f64) -> (f64, f64) {
    let (x1, x2) = match model {
        VictoryProbModel::Linear => (s1, s2),
        VictoryProbModel::Square => (s1 * s1, s2 * s2),
        VictoryProbModel::Quartic => (quartic(s1), quartic(s2)),
        VictoryProbModel::Octic => {
            let (q1, q2) = (quartic(s1), quartic(s2));
            (q1 * q1, q2 * q2)
        }
        VictoryProbModel::Binary => {
            if s1 >= BINARY_VP_THRESHOLD * s2 {
                (1.0, BINARY_VP_FLOOR)
            } else if s2 >= BINARY_VP_THRESHOLD * s1 {
                (BINARY_VP_FLOOR, 1.0)
            } else {
                let r12 = s1 / (s1 + s2);
                let p12 = (r12 * (BINARY_VP_THRESHOLD + 1.0) - 1.0) / (BINARY_VP_THRESHOLD - 1.0);
                (p12, 1.0 - p12)
            }
        }
    };
    (x1 / (x1 + x2), x2 / (x1 + x2))
}

#[inline(always)]
fn quartic(x: f64) -> f64 {
    x * x * x * x
}

/// h's estimate of i's risk attitude, anchored on h's own `rh`.
#[inline(always)]
pub fn est_risk(rh: f64, ri: f64, adjust: BigRAdjust) -> f64 {
    match adjust {
        BigRAdjust::Full => ri,
        BigRAdjust::TwoThirds => (rh + (2.0 * ri)) / 3.0,
        BigRAdjust::Half => (rh + ri) / 2.0,
        BigRAdjust::OneThird => ((2.0 * rh) + ri) / 3.0,
        BigRAdjust::None => rh,
    }
}

/// Risk attitudes from win probabilities: the least likely winner is the most
/// risk-averse, rescaled to the chosen range. `pmin`/`pmax` are found as KTAB
/// does (starting from 1 and 0), so equal probabilities give NaN, as in KTAB.
pub fn big_r_from_prob(p: &[f64], range: BigRRange) -> Vec<f64> {
    let mut pmin = 1.0;
    let mut pmax = 0.0;
    for &x in p {
        pmin = if x < pmin { x } else { pmin };
        pmax = if x > pmax { x } else { pmax };
    }
    p.iter()
        .map(|&x| match range {
            BigRRange::Min => (x - pmin) / (pmax - pmin),
            BigRRange::Mid => (3.0 * x - (pmax + 2.0 * pmin)) / (2.0 * (pmax - pmin)),
            BigRRange::Max => (2.0 * x - (pmax + pmin)) / (pmax - pmin),
        })
        .collect()
}

/// Third party n's estimate of the probability that i wins the little contest
/// (i:j) once n adds its own weight to the side it prefers; `ci`, `cj` are the
/// principals' own contributions (always positive).
#[inline(always)]
pub fn little_prob(rule: VotingRule, wn: f64, uni: f64, unj: f64, ci: f64, cj: f64) -> f64 {
    let cn = vote(rule, wn, uni, unj);
    let cni = if cn > 0.0 { ci + cn } else { ci };
    let cnj = if cn < 0.0 { cj - cn } else { cj };
    cni / (cni + cnj)
}

/// The vote of third party k in (i:j), comparing the expected utility of
/// joining i with that of joining j ("sum of utilities" model; the utilities of
/// unchanged positions cancel). `pik` is k's estimate that i wins with k's help.
#[inline(always)]
pub fn third_party_vote(
    wk: f64,
    rule: VotingRule,
    commit: ThirdPartyCommit,
    pik: f64,
    pjk: f64,
    uki: f64,
    ukj: f64,
    ukk: f64,
) -> f64 {
    let (ik_def_j, j_def_ik, i_def_jk, jk_def_i) = match commit {
        ThirdPartyCommit::FullCommit => (uki + uki + uki, ukj + ukj + ukj, uki + uki + uki, ukj + ukj + ukj),
        ThirdPartyCommit::SemiCommit => (uki + uki + ukk, ukj + ukj + ukj, uki + uki + uki, ukj + ukj + ukk),
        ThirdPartyCommit::NoCommit => (uki + uki + ukk, ukj + ukj + ukk, uki + uki + ukk, ukj + ukj + ukk),
    };
    let u_ik_j = (pik * ik_def_j) + (pjk * j_def_ik);
    let u_i_jk = (pik * i_def_jk) + (pjk * jk_def_i);
    vote(rule, wk, u_ik_j, u_i_jk)
}

/// Round to 4 decimals on the [0,1] scale, as KTAB's bargains are.
#[inline(always)]
fn round4(x: f64) -> f64 {
    const S: f64 = 10000.0;
    // Truncation toward zero after adding ½, as KTAB's `(int)(0.5 + x*s)`.
    let y = (0.5 + x * S) as i32;
    f64::from(y) / S
}

const MIN_INTERP_WEIGHT: f64 = 1e-6;

/// Interpolate the bargain of actors i and j on one dimension: their
/// positions `ti`, `tj`, saliences `si`, `sj` and (estimated) probabilities of
/// prevailing `pi`, `pj`. Returns what i and j would adopt.
#[inline]
pub fn interpolate(rule: InterVecBrgn, ti: f64, si: f64, pi: f64, tj: f64, sj: f64, pj: f64) -> (f64, f64) {
    match rule {
        InterVecBrgn::S1P1 => weighted_interp(ti, si * pi, tj, sj * pj),
        InterVecBrgn::S2P2 => weighted_interp(ti, (si * si) * (pi * pi), tj, (sj * sj) * (pj * pj)),
        InterVecBrgn::S2PMax => {
            let di = if pj > pi { pj - pi } else { 0.0 };
            let dj = if pi > pj { pi - pj } else { 0.0 };
            let si2 = si * si;
            let sj2 = sj * sj;
            let dik = (di * sj2) / ((di * sj2) + MIN_INTERP_WEIGHT + ((1.0 - di) * si2));
            let djk = (dj * si2) / ((dj * si2) + MIN_INTERP_WEIGHT + ((1.0 - dj) * sj2));
            (ti + dik * (tj - ti), tj + djk * (ti - tj))
        }
    }
}

/// The weighted mean of two positions from each side's point of view; a tiny
/// extra weight on each side's own position avoids 0/0 when neither cares.
#[inline(always)]
fn weighted_interp(ti: f64, wi: f64, tj: f64, wj: f64) -> (f64, f64) {
    let bi = round4(((wi + MIN_INTERP_WEIGHT) * ti + wj * tj) / (wi + MIN_INTERP_WEIGHT + wj));
    let bj = round4((wi * ti + (MIN_INTERP_WEIGHT + wj) * tj) / (wi + MIN_INTERP_WEIGHT + wj));
    (bi, bj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utility_is_one_at_the_ideal_and_zero_at_full_distance() {
        for r in [-1.0, -0.5, 0.0, 0.5, 1.0] {
            assert_eq!(bs_util(0.0, r), 1.0);
            assert_eq!(bs_util(1.0, r), 0.0);
        }
        // Risk-seeking actors value intermediate distances more.
        assert!(bs_util(0.5, 1.0) > bs_util(0.5, 0.0));
        assert_eq!(bs_util(0.5, 0.0), 0.5);
    }

    #[test]
    fn votes_follow_the_rules() {
        assert_eq!(vote(VotingRule::Prop, 2.0, 0.7, 0.2), 2.0 * (0.7 - 0.2));
        assert_eq!(vote(VotingRule::Binary, 2.0, 0.7, 0.2), 2.0);
        assert_eq!(vote(VotingRule::Binary, 2.0, 0.2, 0.7), -2.0);
        let du: f64 = 0.5;
        assert_eq!(vote(VotingRule::Cubic, 1.0, du, 0.0), du * du * du);
        assert_eq!(vote(VotingRule::ASymProsp, 3.0, 0.5, 0.0), 1.0);
        assert_eq!(vote(VotingRule::ASymProsp, 3.0, 0.0, 0.5), -1.5);
    }

    #[test]
    fn victory_probabilities() {
        let (p1, p2) = victory_prob(VictoryProbModel::Linear, 2.0, 1.0);
        assert!((p1 - 2.0 / 3.0).abs() < 1e-15 && (p2 - 1.0 / 3.0).abs() < 1e-15);
        let (p1, _) = victory_prob(VictoryProbModel::Square, 2.0, 1.0);
        assert!((p1 - 0.8).abs() < 1e-15);
        let (p1, _) = victory_prob(VictoryProbModel::Quartic, 2.0, 1.0);
        assert!((p1 - 16.0 / 17.0).abs() < 1e-15);
        let (p1, _) = victory_prob(VictoryProbModel::Binary, 1.2, 1.0);
        assert!((p1 - 1.0 / (1.0 + 1e-6)).abs() < 1e-12);
        let (p1, p2) = victory_prob(VictoryProbModel::Binary, 1.0, 1.0);
        assert!((p1 - 0.5).abs() < 1e-12 && (p2 - 0.5).abs() < 1e-12);
    }

    #[test]
    fn risk_attitudes_span_the_range() {
        let r = big_r_from_prob(&[0.1, 0.2, 0.7], BigRRange::Mid);
        assert!((r[0] + 0.5).abs() < 1e-15 && (r[2] - 1.0).abs() < 1e-15);
        let r = big_r_from_prob(&[0.1, 0.2, 0.7], BigRRange::Max);
        assert!((r[0] + 1.0).abs() < 1e-15 && (r[2] - 1.0).abs() < 1e-15);
        let r = big_r_from_prob(&[0.1, 0.2, 0.7], BigRRange::Min);
        assert!(r[0].abs() < 1e-15 && (r[2] - 1.0).abs() < 1e-15);
        assert!(big_r_from_prob(&[0.5, 0.5], BigRRange::Mid)[0].is_nan());
    }

    #[test]
    fn interpolation_rounds_and_stays_between() {
        let (bi, bj) = interpolate(InterVecBrgn::S2P2, 0.2, 0.5, 0.6, 0.8, 0.5, 0.4);
        assert!((0.2..=0.8).contains(&bi) && (0.2..=0.8).contains(&bj));
        assert_eq!((bi * 10000.0).round() / 10000.0, bi);
        // Nobody cares: each keeps (almost) its own position.
        let (bi, bj) = interpolate(InterVecBrgn::S1P1, 0.2, 0.0, 0.5, 0.8, 0.0, 0.5);
        assert_eq!((bi, bj), (0.2, 0.8));
    }
}

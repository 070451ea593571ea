//! The principals' bargaining problem in one draw: effective ideal points,
//! weights and red lines after influence, the zone of agreement, its
//! discretisation, and the negotiation crate's outcome space and profiles.
//!
//! For principal p and agenda issue i (R = the issue's range):
//!
//! * influence: each `influences` relation k → p with weight w_k pulls by
//!   π_k = w_k · s_k (s_k: the influencer's salience on i; the pulls are
//!   scaled down to sum to 1 if they exceed it):
//!   θ'_p = θ_p + Σ π_k (θ_k − θ_p), s'_p = s_p + Σ π_k (s_k − s_p);
//!   red lines narrow towards the influencer's by λ_k = ρ · w_k (ρ =
//!   `red_line_influence`): lo' = lo + Σ λ_k (lo_k − lo)⁺, hi' = hi − Σ λ_k (hi − hi_k)⁺;
//!   the effective ideal is clamped into the effective red line;
//! * utility: u_p(x) = Σ_i ω_p,i v(|x_i − θ'_p,i| / R_i), ω = s' normalised over
//!   the agenda, v(d) = 1 − d² (quadratic loss) or 1 − d (linear);
//! * reservation: u_p(status quo) + the party's no-deal shift; an issue
//!   without a status quo contributes nothing (no deal settles nothing);
//! * zone: on each issue, the overlap of both effective red lines within the
//!   segment between the two ideal points (points outside it are worse for
//!   both); no overlap on any issue means no zone of agreement;
//! * discretisation: each zone interval gets k_i evenly spaced points, found
//!   greedily: while the product of the k_i stays within `resolution`, refine
//!   the issue with the largest (ω_0,i + ω_1,i) · width_i / R_i / (k_i − 1),
//!   down to a spacing of 0.5 % of the scale.

use demarche_negotiation::domain::{Issue as NIssue, OutcomeSpace, Value};
use demarche_negotiation::utility::{AdditiveUtility, Discount, IssueUtility, Profile, Utility};
use demarche_negotiation::NegotiationError;
use demarche_scenario::settings::simulation::Loss;
use demarche_scenario::Scenario;

use crate::draw::Draw;
use crate::plan::Plan;

/// Finest grid spacing, as a fraction of an issue's range.
pub const MIN_SPACING: f64 = 0.005;

/// The value of being at distance `d` (as a fraction of the range) from one's ideal.
#[inline]
pub fn value(loss: Loss, d: f64) -> f64 {
    let d = d.abs().min(1.0);
    match loss {
        Loss::Quadratic => 1.0 - d * d,
        Loss::Linear => 1.0 - d,
    }
}

/// One draw's bargaining problem.
#[derive(Clone, Debug)]
pub struct Bargain {
    pub loss: Loss,
    /// Per agenda issue.
    pub range: Vec<f64>,
    pub ideal: [Vec<f64>; 2],
    pub weight: [Vec<f64>; 2],
    pub red: [Vec<[f64; 2]>; 2],
    /// The no-deal point per agenda issue (None: no status quo).
    pub no_deal: Vec<Option<f64>>,
    pub reservation: [f64; 2],
    /// Grid points per agenda issue (within the zone).
    pub grid: Vec<Vec<f64>>,
    /// Agenda issues whose overlap of red lines is narrower than [`NARROW`] of the scale.
    pub narrow: Vec<usize>,
}

/// An overlap of red lines narrower than this share of the scale is flagged:
/// the zone exists, but only as a knife edge the inputs' precision cannot carry.
pub const NARROW: f64 = 0.01;

/// An agenda issue on which the principals' effective red lines do not
/// overlap: the highest lower limit (and whose it is) lies above the lowest
/// upper limit (and whose). The actor is the principal itself or a ratifier
/// whose veto binds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gap {
    /// Agenda index.
    pub k: usize,
    pub low: f64,
    pub low_by: usize,
    pub high: f64,
    pub high_by: usize,
    /// The principal (0 or 1) each bound belongs to (its own, or its ratifier's).
    pub low_party: usize,
    pub high_party: usize,
}

impl Gap {
    /// How far apart the limits are, on the issue's scale.
    pub fn width(&self) -> f64 {
        self.low - self.high
    }
}

/// Either a problem to negotiate or the agenda issues with no zone (the
/// first is `issue`).
// Built once per run and matched at once: boxing the large variant buys nothing.
#[allow(clippy::large_enum_variant)]
pub enum Setup {
    NoZone { issue: usize, gaps: Vec<Gap> },
    Ready(Bargain),
}

/// An influencer's pull on one issue: (influence × its salience, its ideal,
/// its salience, its red line, red-line weight λ).
type Pull = (f64, f64, f64, Option<[f64; 2]>, f64);

fn normalise(w: &mut [f64]) {
    let s: f64 = w.iter().sum();
    if s > 0.0 {
        w.iter_mut().for_each(|x| *x /= s);
    } else {
        let n = w.len().max(1) as f64;
        w.iter_mut().for_each(|x| *x = 1.0 / n);
    }
}

/// The problem of draw `d`.
pub fn setup(sc: &Scenario, plan: &Plan, d: &Draw) -> Setup {
    let k_n = plan.agenda.len();
    let loss = plan.settings.loss;
    let rho = plan.settings.red_line_influence;
    let range: Vec<f64> = plan.agenda.iter().map(|&i| sc.issues[i].range()).collect();
    let mut ideal = [vec![0.0; k_n], vec![0.0; k_n]];
    let mut sal = [vec![0.0; k_n], vec![0.0; k_n]];
    let mut red = [vec![[0.0; 2]; k_n], vec![[0.0; 2]; k_n]];
    // Whose limit each bound is: the principal's own (influence included) or a ratifier's.
    let mut red_by = [vec![[0usize; 2]; k_n], vec![[0usize; 2]; k_n]];
    for p in 0..2 {
        let a = plan.principals[p];
        for (k, &i) in plan.agenda.iter().enumerate() {
            let iss = &sc.issues[i];
            let (mut theta, mut s) =
                d.stance(plan, a, i).unwrap_or((iss.status_quo.unwrap_or((iss.min + iss.max) / 2.0), 0.0));
            let own_red = d.red_line(plan, a, i).unwrap_or([iss.min, iss.max]);
            let (mut lo, mut hi) = (own_red[0], own_red[1]);
            red_by[p][k] = [a, a];
            // Pulls towards the influencers, scaled to sum to at most 1.
            let pulls: Vec<Pull> = plan.influencers[p]
                .iter()
                .filter_map(|inf| {
                    let (tk, sk) = d.stance(plan, inf.actor, i)?;
                    let rl = d.red_line(plan, inf.actor, i);
                    Some((inf.weight * sk, tk, sk, rl, rho * inf.weight))
                })
                .collect();
            let total: f64 = pulls.iter().map(|x| x.0).sum();
            let scale = if total > 1.0 { 1.0 / total } else { 1.0 };
            let lambda_total: f64 = pulls.iter().filter(|x| x.3.is_some()).map(|x| x.4).sum();
            let lscale = if lambda_total > 1.0 { 1.0 / lambda_total } else { 1.0 };
            let (theta0, s0, lo0, hi0) = (theta, s, lo, hi);
            for &(pi, tk, sk, rl, lambda) in &pulls {
                theta += pi * scale * (tk - theta0);
                s += pi * scale * (sk - s0);
                if let Some([lk, hk]) = rl {
                    lo += lambda * lscale * (lk - lo0).max(0.0);
                    hi -= lambda * lscale * (hi0 - hk).max(0.0);
                }
            }
            // A ratifier whose veto binds in this draw holds its agent to its red
            // lines, whatever the influence settings (the agent cannot sign what
            // its principal will refuse).
            for (r, rat) in plan.ratifiers.iter().enumerate() {
                if rat.party != p || !d.veto_binds[r] {
                    continue;
                }
                if let Some([rl, rh]) = d.red_line(plan, rat.actor, i) {
                    if rl > lo {
                        lo = rl;
                        red_by[p][k][0] = rat.actor;
                    }
                    if rh < hi {
                        hi = rh;
                        red_by[p][k][1] = rat.actor;
                    }
                }
            }
            ideal[p][k] = if lo <= hi { theta.clamp(lo, hi) } else { theta };
            sal[p][k] = s.clamp(0.0, 1.0);
            red[p][k] = [lo, hi];
        }
    }
    let mut weight = sal;
    normalise(&mut weight[0]);
    normalise(&mut weight[1]);

    // Zone of agreement per issue.
    let mut zone = Vec::with_capacity(k_n);
    let mut gaps = Vec::new();
    let mut narrow = Vec::new();
    for k in 0..k_n {
        let lp = if red[0][k][0] >= red[1][k][0] { 0 } else { 1 };
        let hp = if red[0][k][1] <= red[1][k][1] { 0 } else { 1 };
        let lo = red[lp][k][0];
        let hi = red[hp][k][1];
        if lo > hi {
            gaps.push(Gap {
                k,
                low: lo,
                low_by: red_by[lp][k][0],
                high: hi,
                high_by: red_by[hp][k][1],
                low_party: lp,
                high_party: hp,
            });
            continue;
        }
        if hi - lo < NARROW * range[k] {
            narrow.push(k);
        }
        let (a, b) = (ideal[0][k].min(ideal[1][k]), ideal[0][k].max(ideal[1][k]));
        // The segment between the ideals meets the overlap (both ideals lie in their own red lines).
        let (zlo, zhi) = (a.max(lo), b.min(hi));
        zone.push(if zlo <= zhi { [zlo, zhi] } else { [lo, hi] });
    }
    if let Some(first) = gaps.first() {
        return Setup::NoZone { issue: first.k, gaps };
    }
    let widths: Vec<f64> = (0..k_n).map(|k| zone[k][1] - zone[k][0]).collect();
    let importance: Vec<f64> = (0..k_n).map(|k| weight[0][k] + weight[1][k]).collect();
    let counts = allocate(&widths, &range, &importance, plan.settings.resolution as u64);
    let grid: Vec<Vec<f64>> = (0..k_n)
        .map(|k| {
            let n = counts[k];
            if n <= 1 {
                vec![(zone[k][0] + zone[k][1]) / 2.0]
            } else {
                (0..n).map(|j| zone[k][0] + widths[k] * j as f64 / (n - 1) as f64).collect()
            }
        })
        .collect();
    let no_deal: Vec<Option<f64>> = plan.agenda.iter().map(|&i| plan.no_deal_point[i]).collect();
    let mut b = Bargain { loss, range, ideal, weight, red, no_deal, reservation: [0.0; 2], grid, narrow };
    for p in 0..2 {
        b.reservation[p] = b.no_deal_utility(p) + d.no_deal[p];
    }
    Setup::Ready(b)
}

/// Points per issue (see the module docs).
pub fn allocate(widths: &[f64], ranges: &[f64], importance: &[f64], budget: u64) -> Vec<u64> {
    let n = widths.len();
    let mut counts: Vec<u64> = (0..n).map(|k| if widths[k] > 1e-9 * ranges[k] { 2 } else { 1 }).collect();
    let mut product: u64 = counts.iter().product();
    while product > budget.max(1) {
        // Even two points per issue is too many: drop the least important issues to one point.
        let Some(k) = (0..n).filter(|&k| counts[k] > 1).min_by(|&a, &b| importance[a].total_cmp(&importance[b])) else {
            break;
        };
        product /= counts[k];
        counts[k] = 1;
    }
    loop {
        let mut best: Option<(f64, usize)> = None;
        for k in 0..n {
            if counts[k] < 2 {
                continue;
            }
            let spacing = widths[k] / ranges[k] / (counts[k] - 1) as f64;
            if spacing <= MIN_SPACING || product / counts[k] * (counts[k] + 1) > budget {
                continue;
            }
            let gain = importance[k].max(1e-6) * spacing;
            if best.is_none_or(|(g, _)| gain > g) {
                best = Some((gain, k));
            }
        }
        let Some((_, k)) = best else { break };
        product = product / counts[k] * (counts[k] + 1);
        counts[k] += 1;
    }
    counts
}

impl Bargain {
    /// Party p's value of point x on agenda issue k.
    #[inline]
    pub fn issue_value(&self, p: usize, k: usize, x: f64) -> f64 {
        value(self.loss, (x - self.ideal[p][k]) / self.range[k])
    }

    /// Party p's utility of the no-deal point.
    pub fn no_deal_utility(&self, p: usize) -> f64 {
        self.no_deal
            .iter()
            .enumerate()
            .map(|(k, x)| x.map(|x| self.weight[p][k] * self.issue_value(p, k, x)).unwrap_or(0.0))
            .sum()
    }

    /// Party p's utility of a point given as one value per agenda issue.
    pub fn utility(&self, p: usize, x: &[f64]) -> f64 {
        x.iter().enumerate().map(|(k, &v)| self.weight[p][k] * self.issue_value(p, k, v)).sum()
    }

    /// The agenda terms of an outcome of [`Bargain::space`].
    pub fn terms(&self, outcome: &[Value]) -> Vec<f64> {
        outcome
            .iter()
            .zip(&self.grid)
            .map(|(v, g)| match *v {
                Value::Index(j) => g.get(j as usize).copied().unwrap_or(g[0]),
                Value::Real(x) => x,
            })
            .collect()
    }

    /// The discretised negotiation: one integer issue per agenda issue (grid indices).
    pub fn space(&self, sc: &Scenario, plan: &Plan) -> Result<OutcomeSpace, NegotiationError> {
        let issues = plan
            .agenda
            .iter()
            .zip(&self.grid)
            .map(|(&i, g)| NIssue::integer(sc.issues[i].id.clone(), 0, g.len() as i64 - 1))
            .collect::<Result<Vec<_>, _>>()?;
        OutcomeSpace::new(sc.meta.title.clone(), issues)
    }

    /// Both principals' profiles over [`Bargain::space`].
    pub fn profiles(&self, sc: &Scenario, plan: &Plan, space: &OutcomeSpace) -> Result<Vec<Profile>, NegotiationError> {
        let discount = Discount::round(plan.settings.discount)?;
        (0..2)
            .map(|p| {
                let tables = (0..self.grid.len())
                    .map(|k| IssueUtility::Table(self.grid[k].iter().map(|&x| self.issue_value(p, k, x)).collect()))
                    .collect();
                let u = AdditiveUtility::new(space, self.weight[p].clone(), tables)?;
                Ok(Profile::new(sc.actors[plan.principals[p]].id.clone(), Utility::Additive(u))
                    .with_reservation(self.reservation[p])?
                    .with_discount(discount))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_respects_the_budget_and_favours_wide_important_issues() {
        let c = allocate(&[10.0, 10.0, 0.0], &[10.0, 10.0, 10.0], &[1.5, 0.5, 0.0], 64);
        assert_eq!(c[2], 1);
        assert!(c[0] > c[1], "{c:?}");
        assert!(c.iter().product::<u64>() <= 64);
        // Narrow intervals stop at the finest spacing.
        let c = allocate(&[0.01], &[10.0], &[1.0], 4096);
        assert_eq!(c, [2]);
        let c = allocate(&[1.0], &[10.0], &[1.0], 4096);
        assert!((21..=22).contains(&c[0]), "{c:?}");
        // Too many issues for the budget: the least important get one point.
        let c = allocate(&[1.0; 5], &[1.0; 5], &[0.5, 0.1, 0.4, 0.3, 0.2], 4);
        assert_eq!(c, [2, 1, 2, 1, 1]);
    }
}

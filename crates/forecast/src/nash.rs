//! The (asymmetric) Nash bargaining solution on one issue.
//!
//! Actor i's utility of outcome x is `uᵢ(x) = 1 − |x − pᵢ| / R` (R: the issue's
//! range); its bargaining weight is `wᵢ = cᵢ sᵢ`; its disagreement point dᵢ is the
//! status quo (or, with `disagreement = "worst"` or no status quo, the end of the
//! scale farthest from pᵢ). The solution maximises
//!
//! `N(x) = Σ wᵢ ln(uᵢ(x) − uᵢ(dᵢ))` over `I = {x : uᵢ(x) ≥ uᵢ(dᵢ) ∀i}`,
//!
//! which is concave on I, so a bisection on the sign of its one-sided slope finds
//! the maximiser to machine precision. If I has no interior (some actor loses
//! from every change), the disagreement point is the solution. Salience matters
//! only through wᵢ: the Nash solution is invariant to each actor's affine
//! rescaling of utility. See docs/models.md (Nash 1950; Kalai 1977; Schneider,
//! Finke & Bailer 2010).

use std::collections::BTreeMap;

use demarche_scenario::settings::nash::{Disagreement, NashSettings};
use demarche_scenario::IssueView;

use crate::engine::{EngineError, IssueEngine, Observer, Request};
use crate::forecast::IssueForecast;

#[derive(Clone, Debug, Default)]
pub struct Nash {
    pub settings: NashSettings,
}

/// The result of one Nash bargaining problem.
#[derive(Clone, Debug, PartialEq)]
pub struct NashSolution {
    pub outcome: f64,
    /// `Σ wᵢ ln gainᵢ` at the outcome (−∞ when no actor can gain).
    pub log_product: f64,
    /// False when only the disagreement point is individually rational.
    pub interior: bool,
    /// The individually rational interval.
    pub feasible: (f64, f64),
}

/// Solve `max Σ wᵢ ln(rᵢ − |x − pᵢ|)` over `x ∈ ∩ [pᵢ − rᵢ, pᵢ + rᵢ] ∩ [lo, hi]`,
/// where `rᵢ = |dᵢ − pᵢ|` is how far actor i's disagreement point lies from its
/// ideal. Actors with `wᵢ = 0` are ignored. `fallback` is returned when the
/// feasible set has no interior.
pub fn solve(p: &[f64], w: &[f64], r: &[f64], lo: f64, hi: f64, fallback: f64) -> NashSolution {
    let active: Vec<usize> = (0..p.len()).filter(|&i| w[i] > 0.0).collect();
    let (mut a, mut b) = (lo, hi);
    for &i in &active {
        a = a.max(p[i] - r[i]);
        b = b.min(p[i] + r[i]);
    }
    let eps = 1e-12 * (hi - lo).abs().max(1.0);
    if active.is_empty() || !(b - a > eps) {
        return NashSolution { outcome: fallback, log_product: f64::NEG_INFINITY, interior: false, feasible: (a, b) };
    }
    // Right-hand slope of N at x: Σ wᵢ · (−sgn⁺(x − pᵢ)) / (rᵢ − |x − pᵢ|).
    let slope_right = |x: f64| -> f64 {
        active
            .iter()
            .map(|&i| {
                let gap = r[i] - (x - p[i]).abs();
                let dir = if x >= p[i] { -1.0 } else { 1.0 };
                w[i] * dir / gap.max(f64::MIN_POSITIVE)
            })
            .sum()
    };
    let (mut l, mut h) = (a, b);
    for _ in 0..200 {
        let m = 0.5 * (l + h);
        if m <= l || m >= h {
            break;
        }
        if slope_right(m) > 0.0 {
            l = m;
        } else {
            h = m;
        }
    }
    let mut x = 0.5 * (l + h);
    // The maximiser often sits exactly on a kink (an ideal point); snap to it
    // when bisection has closed in on one.
    if let Some(&k) = active.iter().find(|&&i| (p[i] - x).abs() <= 4.0 * eps) {
        x = p[k];
    }
    let log_product = active.iter().map(|&i| w[i] * (r[i] - (x - p[i]).abs()).ln()).sum();
    NashSolution { outcome: x, log_product, interior: true, feasible: (a, b) }
}

impl IssueEngine for Nash {
    fn name(&self) -> &'static str {
        "nash"
    }

    fn settings(&self) -> BTreeMap<String, String> {
        let mut m = self.settings.entries();
        m.insert("utility".into(), "linear loss 1-|x-p|/R".into());
        m.insert("weights".into(), "capability*salience".into());
        m
    }

    fn forecast_issue(
        &self,
        v: &IssueView<'_>,
        _: &Request,
        _: &mut dyn Observer,
    ) -> Result<IssueForecast, EngineError> {
        let iss = v.issue;
        let mut notes = Vec::new();
        let sq = match (self.settings.disagreement, iss.status_quo) {
            (Disagreement::StatusQuo, Some(sq)) => Some(sq),
            (Disagreement::StatusQuo, None) => {
                notes.push(
                    "the issue has no status quo; each actor's disagreement point is its worst end of the scale".into(),
                );
                None
            }
            (Disagreement::Worst, _) => None,
        };
        let r: Vec<f64> = v
            .position
            .iter()
            .map(|&p| match sq {
                Some(d) => (d - p).abs(),
                None => (iss.min - p).abs().max((iss.max - p).abs()),
            })
            .collect();
        let w: Vec<f64> = v.capability.iter().zip(&v.salience).map(|(c, s)| c * s).collect();
        let fallback = sq.unwrap_or((iss.min + iss.max) / 2.0);
        let sol = solve(&v.position, &w, &r, iss.min, iss.max, fallback);
        if !sol.interior {
            notes.push(
                "no outcome makes every actor better off than the status quo: the Nash solution is the disagreement point (deadlock)"
                    .into(),
            );
        }
        let mut stats = BTreeMap::new();
        stats.insert("log_nash_product".into(), sol.log_product);
        stats.insert("feasible_low".into(), sol.feasible.0);
        stats.insert("feasible_high".into(), sol.feasible.1);
        Ok(IssueForecast::closed_form(v, sol.outcome, stats, notes))
    }
}

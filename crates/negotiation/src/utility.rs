//! Preferences: utility functions over outcomes, reservation values and time discounting.
//!
//! * [`AdditiveUtility`] — the linear-additive model `u(o) = Σ_i w_i · f_i(o_i)` with one
//!   evaluator `f_i` per issue (a table of per-value utilities for discrete issues, a
//!   piecewise-linear function for numeric ones) and issue weights `w_i`. Evaluation of a
//!   discrete outcome is one table look-up and one addition per issue (the weights are
//!   folded into the tables once, at construction).
//! * [`UtilityFunction`] — the general hook: any `Fn(&[Value]) -> f64`-like object
//!   (e.g. the ANAC-2014 hyper-rectangle constraint utilities in [`crate::nonlinear`]).
//! * [`Profile`] — one party: a [`Utility`], its reservation value (the utility of no
//!   agreement: the party's red line) and its [`Discount`].

use std::fmt::Debug;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::domain::{IssueValues, OutcomeSpace, Value};
use crate::error::NegotiationError;

/// How far issue weights may stray from summing to 1 before we refuse them. Genius files
/// written by hand routinely sum to 1 ± 1e-4 (the Laptop domain: 1.0000518); we keep such
/// weights as they are, exactly as Genius evaluates them.
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-3;

/// A utility function over complete outcomes: the general (non-additive) hook.
///
/// Implementations must be cheap to call and deterministic; protocols call them once per
/// offer per party. Outcomes passed in have been checked against the outcome space.
pub trait UtilityFunction: Send + Sync + Debug {
    /// The utility of `outcome` (one value per issue, in issue order).
    fn utility(&self, outcome: &[Value]) -> f64;

    /// Optional structure for exact analytics: a class id per value of discrete issue
    /// `issue` (which has `cardinality` values) such that values sharing a class are
    /// interchangeable — swapping one for another in any outcome never changes the utility.
    /// Enumeration then visits one value per class and counts the rest. `None` (the
    /// default) means every value may matter.
    fn value_classes(&self, issue: usize, cardinality: u32) -> Option<Vec<u32>> {
        let _ = (issue, cardinality);
        None
    }
}

/// Class ids for `n` values, numbered in order of first appearance: values with equal
/// `key`s share a class (for [`UtilityFunction::value_classes`]).
pub(crate) fn classes_by_key<K: std::hash::Hash + Eq>(n: usize, key: impl Fn(usize) -> K) -> Vec<u32> {
    let mut seen: std::collections::HashMap<K, u32> = std::collections::HashMap::new();
    (0..n)
        .map(|v| {
            let next = seen.len() as u32;
            *seen.entry(key(v)).or_insert(next)
        })
        .collect()
}

/// The per-issue evaluator of an additive utility function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueUtility {
    /// One utility per value index of a discrete issue.
    Table(Vec<f64>),
    /// Piecewise-linear in the value's number (integer value, or real point): breakpoints
    /// `(x, u)` sorted by `x`; constant beyond the first and last breakpoint.
    Linear(Vec<(f64, f64)>),
}

impl IssueUtility {
    /// Evaluates the piecewise-linear function at `x`.
    pub(crate) fn interpolate(points: &[(f64, f64)], x: f64) -> f64 {
        match points {
            [] => 0.0,
            [(_, u)] => *u,
            _ => {
                let first = points[0];
                let last = points[points.len() - 1];
                if x <= first.0 {
                    return first.1;
                }
                if x >= last.0 {
                    return last.1;
                }
                // first breakpoint strictly right of x; exists because x < last.0
                let k = points.partition_point(|p| p.0 <= x).max(1);
                let (x0, u0) = points[k - 1];
                let (x1, u1) = points[k];
                if x1 == x0 {
                    u1
                } else {
                    u0 + (u1 - u0) * (x - x0) / (x1 - x0)
                }
            }
        }
    }
}

/// The linear-additive utility `u(o) = Σ_i w_i · f_i(o_i)`.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditiveUtility {
    weights: Vec<f64>,
    evaluators: Vec<IssueUtility>,
    /// `w_i · f_i(v)` per discrete value (empty for `Linear` evaluators): the hot path.
    weighted: Vec<Vec<f64>>,
    /// The number of value index 0 for integer issues (so `Linear` can map an index to x).
    offsets: Vec<f64>,
}

impl AdditiveUtility {
    /// Builds and checks an additive utility over `space`: one weight and one evaluator per
    /// issue; tables must have one finite entry per value; `Linear` evaluators need numeric
    /// (integer or continuous) issues; weights must be finite, non-negative and sum to 1
    /// within [`WEIGHT_SUM_TOLERANCE`].
    pub fn new(
        space: &OutcomeSpace,
        weights: Vec<f64>,
        evaluators: Vec<IssueUtility>,
    ) -> Result<Self, NegotiationError> {
        let n = space.issues.len();
        if weights.len() != n || evaluators.len() != n {
            return Err(NegotiationError::invalid(format!(
                "{} weights and {} issue evaluators for {n} issues",
                weights.len(),
                evaluators.len()
            )));
        }
        for (issue, &w) in space.issues.iter().zip(&weights) {
            if !w.is_finite() || w < 0.0 {
                return Err(NegotiationError::invalid(format!(
                    "issue '{}': weight {w} is not a non-negative number",
                    issue.name
                )));
            }
        }
        let sum: f64 = weights.iter().sum();
        if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
            return Err(NegotiationError::invalid(format!(
                "issue weights sum to {sum}, not 1 (tolerance {WEIGHT_SUM_TOLERANCE}); normalise them"
            )));
        }
        let mut offsets = Vec::with_capacity(n);
        for (issue, eval) in space.issues.iter().zip(&evaluators) {
            match (eval, &issue.values) {
                (IssueUtility::Table(t), _) => {
                    let card = issue.cardinality().ok_or_else(|| {
                        NegotiationError::invalid(format!("issue '{}' is continuous but has a value table", issue.name))
                    })?;
                    if t.len() != card as usize {
                        return Err(NegotiationError::invalid(format!(
                            "issue '{}': {} utilities for {card} values",
                            issue.name,
                            t.len()
                        )));
                    }
                    if let Some(bad) = t.iter().find(|u| !u.is_finite()) {
                        return Err(NegotiationError::invalid(format!(
                            "issue '{}': utility {bad} is not finite",
                            issue.name
                        )));
                    }
                }
                (IssueUtility::Linear(points), IssueValues::Integer { .. } | IssueValues::Continuous { .. }) => {
                    if points.is_empty() || points.iter().any(|(x, u)| !x.is_finite() || !u.is_finite()) {
                        return Err(NegotiationError::invalid(format!("issue '{}': bad linear evaluator", issue.name)));
                    }
                    if points.windows(2).any(|w| w[1].0 < w[0].0) {
                        return Err(NegotiationError::invalid(format!(
                            "issue '{}': linear breakpoints are not sorted",
                            issue.name
                        )));
                    }
                }
                (IssueUtility::Linear(_), _) => {
                    return Err(NegotiationError::invalid(format!(
                        "issue '{}' has named values; it needs a value table, not a linear evaluator",
                        issue.name
                    )))
                }
            }
            offsets.push(match issue.values {
                IssueValues::Integer { low, .. } => low as f64,
                _ => 0.0,
            });
        }
        let mut u = AdditiveUtility { weights, evaluators, weighted: Vec::new(), offsets };
        u.refresh_cache();
        Ok(u)
    }

    fn refresh_cache(&mut self) {
        self.weighted = self
            .evaluators
            .iter()
            .zip(&self.weights)
            .map(|(e, &w)| match e {
                IssueUtility::Table(t) => t.iter().map(|u| w * u).collect(),
                IssueUtility::Linear(_) => Vec::new(),
            })
            .collect();
    }

    /// The issue weights.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The per-issue evaluators.
    pub fn evaluators(&self) -> &[IssueUtility] {
        &self.evaluators
    }

    /// `w_i · f_i(v)` for every value of discrete issue `i` (empty for linear evaluators).
    /// The utility of a discrete outcome is the sum of these, in issue order, starting at 0.
    pub fn weighted_table(&self, issue: usize) -> &[f64] {
        self.weighted.get(issue).map(Vec::as_slice).unwrap_or(&[])
    }

    /// `w_i · f_i(value)` for one issue.
    #[inline]
    pub fn issue_term(&self, issue: usize, value: Value) -> f64 {
        let Some(evaluator) = self.evaluators.get(issue) else { return 0.0 };
        match (evaluator, value) {
            (IssueUtility::Table(_), Value::Index(k)) => self.weighted[issue].get(k as usize).copied().unwrap_or(0.0),
            (IssueUtility::Linear(points), v) => {
                let x = match v {
                    Value::Index(k) => self.offsets[issue] + k as f64,
                    Value::Real(x) => x,
                };
                self.weights[issue] * IssueUtility::interpolate(points, x)
            }
            (IssueUtility::Table(_), Value::Real(_)) => 0.0,
        }
    }

    /// Utility of an all-discrete outcome given as value indices (the fast path).
    #[inline]
    pub fn utility_of_indices(&self, indices: &[u32]) -> f64 {
        let mut sum = 0.0;
        for (i, (&k, table)) in indices.iter().zip(&self.weighted).enumerate() {
            sum += match table.get(k as usize) {
                Some(t) => *t,
                None => self.issue_term(i, Value::Index(k)),
            };
        }
        sum
    }
}

impl UtilityFunction for AdditiveUtility {
    fn utility(&self, outcome: &[Value]) -> f64 {
        let mut sum = 0.0;
        for (i, &v) in outcome.iter().enumerate().take(self.evaluators.len()) {
            sum += self.issue_term(i, v);
        }
        sum
    }
}

/// A party's utility function: additive (analysable issue by issue) or general.
#[derive(Debug, Clone)]
pub enum Utility {
    /// Linear-additive; the frontier algorithms exploit this structure.
    Additive(AdditiveUtility),
    /// Anything else, behind the [`UtilityFunction`] hook (evaluated by enumeration).
    General(Arc<dyn UtilityFunction>),
}

impl Utility {
    /// The utility of `outcome`.
    #[inline]
    pub fn utility(&self, outcome: &[Value]) -> f64 {
        match self {
            Utility::Additive(a) => a.utility(outcome),
            Utility::General(g) => g.utility(outcome),
        }
    }

    /// See [`UtilityFunction::value_classes`].
    pub fn value_classes(&self, issue: usize, cardinality: u32) -> Option<Vec<u32>> {
        match self {
            Utility::Additive(a) => {
                // Values with bit-identical terms are interchangeable.
                let t = a.weighted_table(issue);
                if t.len() != cardinality as usize {
                    return None;
                }
                Some(classes_by_key(t.len(), |v| t[v].to_bits()))
            }
            Utility::General(g) => g.value_classes(issue, cardinality),
        }
    }

    /// The additive form, if this utility has one.
    pub fn as_additive(&self) -> Option<&AdditiveUtility> {
        match self {
            Utility::Additive(a) => Some(a),
            Utility::General(_) => None,
        }
    }
}

/// Time discounting, applied by protocols: utilities shrink as the negotiation drags on.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Discount {
    /// No discounting.
    #[default]
    None,
    /// Genius's discounting: `u · δ^t` with `t` the normalised time in `[0, 1]`.
    Time { factor: f64 },
    /// Per-round discounting: `u · δ^r` with `r` the number of completed rounds.
    Round { factor: f64 },
}

impl Discount {
    /// A Genius-style time discount `δ`; `δ` must lie in `(0, 1]` (1 means none).
    pub fn time(factor: f64) -> Result<Self, NegotiationError> {
        Self::check(factor)?;
        Ok(if factor == 1.0 { Discount::None } else { Discount::Time { factor } })
    }

    /// A per-round discount `δ` in `(0, 1]`.
    pub fn round(factor: f64) -> Result<Self, NegotiationError> {
        Self::check(factor)?;
        Ok(if factor == 1.0 { Discount::None } else { Discount::Round { factor } })
    }

    fn check(factor: f64) -> Result<(), NegotiationError> {
        if !(factor > 0.0 && factor <= 1.0) {
            return Err(NegotiationError::invalid(format!("discount factor {factor} is not in (0, 1]")));
        }
        Ok(())
    }

    /// The discounted value of `utility` at normalised time `time` (in `[0, 1]`) after
    /// `round` completed rounds. Genius discounts the reservation value the same way.
    pub fn apply(&self, utility: f64, time: f64, round: u64) -> f64 {
        match *self {
            Discount::None => utility,
            Discount::Time { factor } => utility * factor.powf(time.clamp(0.0, 1.0)),
            Discount::Round { factor } => utility * factor.powi(round.min(i32::MAX as u64) as i32),
        }
    }
}

/// One party's preferences over an outcome space.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Display name (profile file stem or the name it declares).
    pub name: String,
    /// Its utility function.
    pub utility: Utility,
    /// The party's reservation value: the utility it gets without agreement. It accepts no
    /// deal worth less; bargaining solutions measure gains from it (the disagreement point).
    pub reservation: f64,
    /// How its utilities shrink with time (applied by protocols, not by analytics).
    pub discount: Discount,
}

impl Profile {
    /// A profile with reservation value 0 and no discounting.
    pub fn new(name: impl Into<String>, utility: Utility) -> Self {
        Profile { name: name.into(), utility, reservation: 0.0, discount: Discount::None }
    }

    /// Sets the reservation value (must be finite).
    pub fn with_reservation(mut self, reservation: f64) -> Result<Self, NegotiationError> {
        if !reservation.is_finite() {
            return Err(NegotiationError::invalid(format!("reservation value {reservation} is not finite")));
        }
        self.reservation = reservation;
        Ok(self)
    }

    /// Sets the discount.
    pub fn with_discount(mut self, discount: Discount) -> Self {
        self.discount = discount;
        self
    }

    /// The (undiscounted) utility of `outcome`.
    #[inline]
    pub fn utility(&self, outcome: &[Value]) -> f64 {
        self.utility.utility(outcome)
    }

    /// Whether the party would accept `outcome` rather than walk away (utility ≥ reservation).
    pub fn accepts(&self, outcome: &[Value]) -> bool {
        self.utility(outcome) >= self.reservation
    }
}

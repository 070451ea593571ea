//! Ranked values with zeroing rules: Genius's constraint utility spaces
//! (`<utility_space type="constraint">`, the Railway templates' profiles).
//!
//! A profile ranks the values of some issues (integer ranks; a value is worth its rank
//! divided by the issue's highest rank) and lists rules:
//!
//! * **outcome rules** make the whole outcome worth 0 when they fire;
//! * **issue rules** belong to one ranked issue and make that issue's term 0 when they fire.
//!
//! The utility is `u(o) = 0` if an outcome rule fires, else
//! `u(o) = (1/R) Σ_{ranked entries e} [no rule of e's issue fires] · rank_e(o_e) / maxrank_e`,
//! with `R` the number of ranked entries, summed in the file's order — as Genius 10.4's
//! `ConstraintUtilitySpace.getUtility` computes it, bit for bit. Every test a rule makes
//! (a value equal to a string, containing one, an integer's sign, a sum of integer values in
//! a range) is decided once per value when the profile is read ([`crate::io::genius`]), so
//! evaluation only looks up tables.

use std::sync::Arc;

use crate::domain::Value;
use crate::error::NegotiationError;
use crate::utility::{classes_by_key, UtilityFunction};

/// A per-value table of one issue: `table[value index]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueTest {
    /// The issue's position in the outcome space.
    pub issue: usize,
    /// Whether the test holds for each value index.
    pub holds: Vec<bool>,
}

impl ValueTest {
    #[inline]
    fn at(&self, outcome: &[Value]) -> bool {
        match outcome.get(self.issue) {
            Some(Value::Index(k)) => self.holds.get(*k as usize).copied().unwrap_or(false),
            _ => false,
        }
    }
}

/// A rule that makes the whole outcome worth 0.
#[derive(Debug, Clone, PartialEq)]
pub enum OutcomeRule {
    /// Fires unless one of the tests holds (Genius's `inclusiveZeroOutcomeConstraint`,
    /// whose checks "fail" and so spare the outcome).
    UnlessAny(Vec<ValueTest>),
    /// Fires when both tests hold (Genius's `conditionalZeroOutcomeConstraint`: a trigger on
    /// the first issue, a value not containing the condition on the second).
    Both(ValueTest, ValueTest),
}

impl OutcomeRule {
    #[inline]
    fn fires(&self, outcome: &[Value]) -> bool {
        match self {
            OutcomeRule::UnlessAny(tests) => !tests.iter().any(|t| t.at(outcome)),
            OutcomeRule::Both(a, b) => a.at(outcome) && b.at(outcome),
        }
    }
}

/// Integer values of one issue, for a sum: the issue counts `times` times (it may be listed
/// more than once).
#[derive(Debug, Clone, PartialEq)]
pub struct IntegerValues {
    pub issue: usize,
    /// Shared by every rule that sums the issue.
    pub values: Arc<[i32]>,
    pub times: i32,
}

/// A rule that makes one ranked issue's term 0.
#[derive(Debug, Clone, PartialEq)]
pub enum IssueRule {
    /// Fires when every test in `all` holds and then `then` holds (if given): Genius's
    /// `zeroConstraint` (no `then`) and `conditionalZeroConstraint`.
    AllThen { all: Vec<ValueTest>, then: Option<ValueTest> },
    /// Fires when the sum of `terms` (32-bit, wrapping, as Java's `int`) lies in
    /// `min..=max` and `then` holds: Genius's `sumZeroConstraint`, `sumZeroNotConstraint`
    /// and `sumZeroConstraintList`.
    SumThen { terms: Vec<IntegerValues>, min: i32, max: i32, then: ValueTest },
}

impl IssueRule {
    #[inline]
    fn fires(&self, outcome: &[Value]) -> bool {
        match self {
            IssueRule::AllThen { all, then } => {
                all.iter().all(|t| t.at(outcome)) && then.as_ref().is_none_or(|t| t.at(outcome))
            }
            IssueRule::SumThen { terms, min, max, then } => {
                let mut total = 0i32;
                for t in terms {
                    let v = match outcome.get(t.issue) {
                        Some(Value::Index(k)) => t.values.get(*k as usize).copied().unwrap_or(0),
                        _ => 0,
                    };
                    // Adding `v` `times` times, wrapping as Java's `int` does.
                    total = total.wrapping_add(v.wrapping_mul(t.times));
                }
                *min <= total && total <= *max && then.at(outcome)
            }
        }
    }
}

/// One entry of the ranks: an issue's value scores and the rules that can zero it.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedIssue {
    pub issue: usize,
    /// `rank / highest rank` per value index.
    pub score: Arc<[f64]>,
    /// Shared by every entry of the same issue (an issue ranked twice).
    pub rules: Arc<[IssueRule]>,
}

/// Genius's constraint utility space; see the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedRulesUtility {
    ranked: Vec<RankedIssue>,
    outcome_rules: Vec<OutcomeRule>,
}

impl RankedRulesUtility {
    /// The utility, or an error if nothing is ranked (Genius would divide 0 by 0).
    pub fn new(ranked: Vec<RankedIssue>, outcome_rules: Vec<OutcomeRule>) -> Result<Self, NegotiationError> {
        if ranked.is_empty() {
            return Err(NegotiationError::invalid(
                "a constraint utility space ranks no issue (its utility would be 0/0)",
            ));
        }
        Ok(RankedRulesUtility { ranked, outcome_rules })
    }

    /// Every per-value table that reads `issue`, for [`UtilityFunction::value_classes`].
    fn tables_of(&self, issue: usize) -> Vec<Signature<'_>> {
        let mut tests: Vec<&ValueTest> = Vec::new();
        let mut tables = Vec::new();
        for rule in &self.outcome_rules {
            match rule {
                OutcomeRule::UnlessAny(all) => tests.extend(all),
                OutcomeRule::Both(a, b) => tests.extend([a, b]),
            }
        }
        for entry in &self.ranked {
            if entry.issue == issue {
                tables.push(Signature::Scores(&entry.score));
            }
            for rule in entry.rules.iter() {
                match rule {
                    IssueRule::AllThen { all, then } => tests.extend(all.iter().chain(then)),
                    IssueRule::SumThen { terms, then, .. } => {
                        tables
                            .extend(terms.iter().filter(|t| t.issue == issue).map(|t| Signature::Integers(&t.values)));
                        tests.push(then);
                    }
                }
            }
        }
        tables.extend(tests.into_iter().filter(|t| t.issue == issue).map(|t| Signature::Bools(&t.holds)));
        tables
    }
}

/// One per-value table, compared value by value.
enum Signature<'a> {
    Bools(&'a [bool]),
    Scores(&'a [f64]),
    Integers(&'a [i32]),
}

impl Signature<'_> {
    /// The table's entry for value `v`, as bits (a missing entry is its own class).
    fn key(&self, v: usize) -> u64 {
        match self {
            Signature::Bools(t) => t.get(v).map_or(2, |b| *b as u64),
            Signature::Scores(t) => t.get(v).map_or(u64::MAX, |x| x.to_bits()),
            Signature::Integers(t) => t.get(v).map_or(u64::MAX, |x| *x as u32 as u64),
        }
    }
}

impl UtilityFunction for RankedRulesUtility {
    fn utility(&self, outcome: &[Value]) -> f64 {
        if self.outcome_rules.iter().any(|r| r.fires(outcome)) {
            return 0.0;
        }
        let mut sum = 0.0;
        for entry in &self.ranked {
            if entry.rules.iter().any(|r| r.fires(outcome)) {
                continue;
            }
            if let Some(Value::Index(k)) = outcome.get(entry.issue) {
                sum += entry.score.get(*k as usize).copied().unwrap_or(0.0);
            }
        }
        sum / self.ranked.len() as f64
    }

    /// Values that every table reading the issue treats alike are interchangeable.
    fn value_classes(&self, issue: usize, cardinality: u32) -> Option<Vec<u32>> {
        let tables = self.tables_of(issue);
        Some(classes_by_key(cardinality as usize, |v| tables.iter().map(|t| t.key(v)).collect::<Vec<u64>>()))
    }
}

//! Outcome spaces: issues, their values, and outcomes as compact index vectors.
//!
//! An [`OutcomeSpace`] is the Cartesian product of its [`Issue`]s. An [`Outcome`] picks one
//! [`Value`] per issue, in issue order. Discrete issues (categorical, ordinal, integer ranges)
//! are addressed by a `u32` index into the issue's value list, so an outcome over discrete
//! issues is a small vector of indices that utility functions evaluate with table look-ups.
//! Continuous issues carry the real value itself.

use serde::{Deserialize, Serialize};

use crate::error::NegotiationError;

/// The largest number of values a discrete issue may have. Integer issues beyond this must be
/// modelled as continuous; it keeps per-value tables (one `f64` per value) bounded.
pub const MAX_DISCRETE_VALUES: u64 = 1 << 24;

/// The values an issue can take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum IssueValues {
    /// Unordered named values (Genius `discrete`, GeniusWeb `values`).
    Categorical { values: Vec<String> },
    /// Named values whose list order is meaningful (worst-to-best is not implied, only order).
    Ordinal { values: Vec<String> },
    /// Every integer in `low..=high` (Genius `integer` issues). Stored as a range, never
    /// materialised; value index `k` is the integer `low + k`.
    Integer { low: i64, high: i64 },
    /// Any real number in `low..=high` (Genius `real` issues, GeniusWeb number ranges).
    Continuous { low: f64, high: f64 },
}

/// One negotiable issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// The issue's name as the domain file spells it; names are unique within a space.
    pub name: String,
    /// Its values.
    pub values: IssueValues,
}

/// The value an outcome takes on one issue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// Index into a discrete issue's values (for integer issues: offset from `low`).
    Index(u32),
    /// A point of a continuous issue.
    Real(f64),
}

/// One value per issue, in the space's issue order.
pub type Outcome = Vec<Value>;

impl Issue {
    /// A categorical issue; errors if `values` is empty or has duplicates.
    pub fn categorical(name: impl Into<String>, values: Vec<String>) -> Result<Self, NegotiationError> {
        let issue = Issue { name: name.into(), values: IssueValues::Categorical { values } };
        issue.validate()?;
        Ok(issue)
    }

    /// An ordinal issue; errors if `values` is empty or has duplicates.
    pub fn ordinal(name: impl Into<String>, values: Vec<String>) -> Result<Self, NegotiationError> {
        let issue = Issue { name: name.into(), values: IssueValues::Ordinal { values } };
        issue.validate()?;
        Ok(issue)
    }

    /// An integer range `low..=high`.
    pub fn integer(name: impl Into<String>, low: i64, high: i64) -> Result<Self, NegotiationError> {
        let issue = Issue { name: name.into(), values: IssueValues::Integer { low, high } };
        issue.validate()?;
        Ok(issue)
    }

    /// A continuous interval `low..=high`.
    pub fn continuous(name: impl Into<String>, low: f64, high: f64) -> Result<Self, NegotiationError> {
        let issue = Issue { name: name.into(), values: IssueValues::Continuous { low, high } };
        issue.validate()?;
        Ok(issue)
    }

    /// Checks the issue is non-empty and well formed.
    pub fn validate(&self) -> Result<(), NegotiationError> {
        let bad = |msg: String| Err(NegotiationError::invalid(format!("issue '{}': {msg}", self.name)));
        match &self.values {
            IssueValues::Categorical { values } | IssueValues::Ordinal { values } => {
                if values.is_empty() {
                    return bad("has no values".into());
                }
                if values.len() as u64 > MAX_DISCRETE_VALUES {
                    return bad(format!("has {} values (at most {MAX_DISCRETE_VALUES})", values.len()));
                }
                let mut seen = std::collections::HashSet::with_capacity(values.len());
                for v in values {
                    if !seen.insert(v.as_str()) {
                        return bad(format!("value '{v}' appears twice"));
                    }
                }
            }
            IssueValues::Integer { low, high } => {
                if high < low {
                    return bad(format!("empty integer range {low}..={high}"));
                }
                let count = (*high as i128 - *low as i128 + 1) as u128;
                if count > MAX_DISCRETE_VALUES as u128 {
                    return bad(format!("integer range {low}..={high} has {count} values (at most {MAX_DISCRETE_VALUES}); model it as a real issue"));
                }
            }
            IssueValues::Continuous { low, high } => {
                if !low.is_finite() || !high.is_finite() || high < low {
                    return bad(format!("bad real range {low}..={high}"));
                }
            }
        }
        Ok(())
    }

    /// Number of values of a discrete issue; `None` for continuous issues.
    pub fn cardinality(&self) -> Option<u32> {
        match &self.values {
            IssueValues::Categorical { values } | IssueValues::Ordinal { values } => Some(values.len() as u32),
            IssueValues::Integer { low, high } => {
                Some((*high as i128 - *low as i128 + 1).clamp(0, MAX_DISCRETE_VALUES as i128) as u32)
            }
            IssueValues::Continuous { .. } => None,
        }
    }

    /// Whether the issue is discrete (has finitely many values).
    pub fn is_discrete(&self) -> bool {
        self.cardinality().is_some()
    }

    /// The index of the value named `name` (for integer issues, the decimal integer).
    pub fn index_of(&self, name: &str) -> Option<u32> {
        match &self.values {
            IssueValues::Categorical { values } | IssueValues::Ordinal { values } => {
                values.iter().position(|v| v == name).map(|i| i as u32)
            }
            IssueValues::Integer { low, high } => {
                let n: i64 = name.trim().parse().ok()?;
                (n >= *low && n <= *high).then(|| (n as i128 - *low as i128) as u32)
            }
            IssueValues::Continuous { .. } => None,
        }
    }

    /// Parses a value given by name (discrete) or number (continuous).
    pub fn parse_value(&self, text: &str) -> Result<Value, NegotiationError> {
        match &self.values {
            IssueValues::Continuous { low, high } => {
                let x: f64 = text.trim().parse().map_err(|_| {
                    NegotiationError::invalid(format!("issue '{}': '{text}' is not a number", self.name))
                })?;
                if x < *low || x > *high || !x.is_finite() {
                    return Err(NegotiationError::invalid(format!(
                        "issue '{}': {x} is outside {low}..={high}",
                        self.name
                    )));
                }
                Ok(Value::Real(x))
            }
            _ => self
                .index_of(text)
                .map(Value::Index)
                .ok_or_else(|| NegotiationError::invalid(format!("issue '{}' has no value '{text}'", self.name))),
        }
    }

    /// The display label of a value: its name, integer, or the real number.
    pub fn label(&self, value: Value) -> String {
        match (&self.values, value) {
            (IssueValues::Categorical { values } | IssueValues::Ordinal { values }, Value::Index(i)) => {
                values.get(i as usize).cloned().unwrap_or_else(|| format!("#{i}"))
            }
            (IssueValues::Integer { low, .. }, Value::Index(i)) => low.saturating_add(i as i64).to_string(),
            (_, Value::Real(x)) => format!("{x}"),
            (IssueValues::Continuous { .. }, Value::Index(i)) => format!("#{i}"),
        }
    }

    /// Whether `value` is a valid value of this issue.
    pub fn contains(&self, value: Value) -> bool {
        match (&self.values, value) {
            (IssueValues::Continuous { low, high }, Value::Real(x)) => x >= *low && x <= *high,
            (_, Value::Index(i)) => self.cardinality().is_some_and(|n| i < n),
            _ => false,
        }
    }

    /// The value as a real number: the integer for integer issues, the index for named
    /// values, the point for continuous issues. Used by numeric (linear) evaluators.
    pub fn numeric(&self, value: Value) -> f64 {
        match (&self.values, value) {
            (IssueValues::Integer { low, .. }, Value::Index(i)) => low.saturating_add(i as i64) as f64,
            (_, Value::Index(i)) => i as f64,
            (_, Value::Real(x)) => x,
        }
    }
}

/// The Cartesian product of a list of issues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeSpace {
    /// The domain's name (file stem or the name the file declares).
    pub name: String,
    /// The issues, in the order outcomes list their values.
    pub issues: Vec<Issue>,
}

impl OutcomeSpace {
    /// A space over `issues`; errors on no issues, duplicate names or malformed issues.
    pub fn new(name: impl Into<String>, issues: Vec<Issue>) -> Result<Self, NegotiationError> {
        let space = OutcomeSpace { name: name.into(), issues };
        space.validate()?;
        Ok(space)
    }

    /// Checks every issue and that names are unique.
    pub fn validate(&self) -> Result<(), NegotiationError> {
        if self.issues.is_empty() {
            return Err(NegotiationError::invalid(format!("domain '{}' has no issues", self.name)));
        }
        let mut seen = std::collections::HashSet::new();
        for issue in &self.issues {
            issue.validate()?;
            if !seen.insert(issue.name.as_str()) {
                return Err(NegotiationError::invalid(format!("issue '{}' is declared twice", issue.name)));
            }
        }
        Ok(())
    }

    /// Number of issues.
    pub fn len(&self) -> usize {
        self.issues.len()
    }

    /// Whether the space has no issues (never true for a validated space).
    pub fn is_empty(&self) -> bool {
        self.issues.is_empty()
    }

    /// Position of the issue named `name`.
    pub fn issue_index(&self, name: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.name == name)
    }

    /// Whether every issue is discrete.
    pub fn is_discrete(&self) -> bool {
        self.issues.iter().all(Issue::is_discrete)
    }

    /// Number of outcomes, exact as `u128` (saturating); `None` if some issue is continuous.
    pub fn size(&self) -> Option<u128> {
        let mut n: u128 = 1;
        for issue in &self.issues {
            n = n.saturating_mul(issue.cardinality()? as u128);
        }
        Some(n)
    }

    /// Per-issue value counts of a discrete space; `None` if some issue is continuous.
    pub fn cardinalities(&self) -> Option<Vec<u32>> {
        self.issues.iter().map(Issue::cardinality).collect()
    }

    /// The outcome with mixed-radix rank `rank` (last issue varies fastest), or `None` when
    /// the space is continuous or `rank` is out of range. Useful for uniform sampling.
    pub fn outcome_at(&self, mut rank: u128) -> Option<Outcome> {
        let cards = self.cardinalities()?;
        if rank >= self.size()? {
            return None;
        }
        let mut out = vec![Value::Index(0); cards.len()];
        for (slot, &c) in out.iter_mut().zip(&cards).rev() {
            *slot = Value::Index((rank % c as u128) as u32);
            rank /= c as u128;
        }
        Some(out)
    }

    /// Checks that `outcome` has one valid value per issue.
    pub fn check_outcome(&self, outcome: &[Value]) -> Result<(), NegotiationError> {
        if outcome.len() != self.issues.len() {
            return Err(NegotiationError::invalid(format!(
                "outcome has {} values but the domain has {} issues",
                outcome.len(),
                self.issues.len()
            )));
        }
        for (issue, &v) in self.issues.iter().zip(outcome) {
            if !issue.contains(v) {
                return Err(NegotiationError::invalid(format!("{v:?} is not a value of issue '{}'", issue.name)));
            }
        }
        Ok(())
    }

    /// Parses an outcome given as issue-name → value-name pairs (every issue exactly once).
    pub fn outcome_from_names<'a>(
        &self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Outcome, NegotiationError> {
        let mut out: Vec<Option<Value>> = vec![None; self.issues.len()];
        for (issue_name, value_name) in pairs {
            let i = self
                .issue_index(issue_name)
                .ok_or_else(|| NegotiationError::invalid(format!("unknown issue '{issue_name}'")))?;
            if out[i].is_some() {
                return Err(NegotiationError::invalid(format!("issue '{issue_name}' given twice")));
            }
            out[i] = Some(self.issues[i].parse_value(value_name)?);
        }
        out.into_iter()
            .zip(&self.issues)
            .map(|(v, issue)| v.ok_or_else(|| NegotiationError::invalid(format!("issue '{}' missing", issue.name))))
            .collect()
    }

    /// Issue name → value label, in issue order (for reports).
    pub fn labels(&self, outcome: &[Value]) -> Vec<(String, String)> {
        self.issues.iter().zip(outcome).map(|(issue, &v)| (issue.name.clone(), issue.label(v))).collect()
    }

    /// Iterates over every outcome of a discrete space in rank order (last issue fastest).
    /// Yields nothing for a space with a continuous issue. Lazy: allocates one outcome.
    pub fn iter_outcomes(&self) -> OutcomeIter {
        match self.cardinalities() {
            Some(cards) => OutcomeIter { current: Some(vec![0; cards.len()]), cards },
            None => OutcomeIter { current: None, cards: Vec::new() },
        }
    }
}

/// Odometer over a discrete space's outcomes, as index vectors.
#[derive(Debug, Clone)]
pub struct OutcomeIter {
    cards: Vec<u32>,
    current: Option<Vec<u32>>,
}

impl Iterator for OutcomeIter {
    type Item = Vec<u32>;

    fn next(&mut self) -> Option<Vec<u32>> {
        let cur = self.current.as_mut()?;
        let out = cur.clone();
        let mut i = cur.len();
        loop {
            if i == 0 {
                self.current = None;
                break;
            }
            i -= 1;
            cur[i] += 1;
            if cur[i] < self.cards[i] {
                break;
            }
            cur[i] = 0;
        }
        Some(out)
    }
}

/// Converts an index vector into an [`Outcome`].
pub fn indices_to_outcome(indices: &[u32]) -> Outcome {
    indices.iter().map(|&i| Value::Index(i)).collect()
}

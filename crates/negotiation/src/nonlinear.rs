//! Non-additive utilities: the constraint (hyper-rectangle) utility functions of ANAC 2014.
//!
//! A [`HyperRectangleUtility`] is a list of weighted boxes over integer issues. An outcome
//! earns an inclusive box's utility when every constrained issue's value lies in the box's
//! closed range on that issue (Genius's `INCLUDES`), and an exclusive box's when it lies
//! outside the box — some value outside its range (`EXCLUDES`). Its utility is the sum of
//! the boxes that pay, divided by the profile's declared maximum (`maxutility`) and capped
//! at 1, as Genius's `NonlinearUtilitySpace` computes it: `min(1, Σ / maxutility)`.

use crate::domain::{IssueValues, OutcomeSpace, Value};
use crate::error::NegotiationError;
use crate::utility::UtilityFunction;

/// Bound on the evaluation tables (64-bit words; 2²⁴ words = 128 MiB).
const MAX_MASK_WORDS: u128 = 1 << 24;

/// One box: closed ranges of value indices on some issues, and the utility it adds.
#[derive(Debug, Clone, PartialEq)]
pub struct HyperRectangle {
    /// `(issue position, lowest value index, highest value index)`, all inclusive.
    pub bounds: Vec<(usize, u32, u32)>,
    /// The utility the box pays (before normalisation).
    pub utility: f64,
    /// Pays outside the box instead of inside (Genius's `EXCLUDES`).
    pub exclusive: bool,
}

impl HyperRectangle {
    /// Whether `outcome` lies inside the box.
    #[inline]
    pub fn contains(&self, outcome: &[Value]) -> bool {
        self.bounds.iter().all(|&(issue, lo, hi)| match outcome.get(issue) {
            Some(Value::Index(k)) => *k >= lo && *k <= hi,
            _ => false,
        })
    }

    /// Whether the box pays for `outcome`: inside an inclusive box, outside an exclusive one.
    #[inline]
    pub fn pays(&self, outcome: &[Value]) -> bool {
        self.contains(outcome) != self.exclusive
    }
}

/// A sum of hyper-rectangle utilities, normalised by a declared maximum.
///
/// Evaluation uses bit masks: for each issue and value, the set of boxes whose range on that
/// issue admits the value (boxes that do not constrain the issue admit every value). An
/// outcome lies in the intersection of its values' masks.
#[derive(Debug, Clone, PartialEq)]
pub struct HyperRectangleUtility {
    rectangles: Vec<HyperRectangle>,
    max_utility: f64,
    /// Mask words per (issue, value): `masks[issue][value * words + w]`.
    masks: Vec<Vec<u64>>,
    /// Per issue, the boxes that do not constrain it (what a non-index value satisfies).
    free: Vec<Vec<u64>>,
    /// The exclusive boxes, as a mask.
    exclusive: Vec<u64>,
    words: usize,
}

impl HyperRectangleUtility {
    /// Builds the utility; the bounds must name discrete issues of `space` with index ranges
    /// inside the issue, and `max_utility` must be positive and finite.
    pub fn new(
        space: &OutcomeSpace,
        rectangles: Vec<HyperRectangle>,
        max_utility: f64,
    ) -> Result<Self, NegotiationError> {
        if !(max_utility.is_finite() && max_utility > 0.0) {
            return Err(NegotiationError::invalid(format!("maximum utility {max_utility} is not a positive number")));
        }
        for (r, rect) in rectangles.iter().enumerate() {
            if !rect.utility.is_finite() {
                return Err(NegotiationError::invalid(format!("hyper-rectangle {}: utility is not finite", r + 1)));
            }
            for &(issue, lo, hi) in &rect.bounds {
                let card = space.issues.get(issue).and_then(|i| i.cardinality()).ok_or_else(|| {
                    NegotiationError::invalid(format!(
                        "hyper-rectangle {}: issue #{} is not a discrete issue of the domain",
                        r + 1,
                        issue + 1
                    ))
                })?;
                if lo > hi || hi >= card {
                    return Err(NegotiationError::invalid(format!(
                        "hyper-rectangle {}: range {lo}..={hi} on issue '{}' is empty or outside its {card} values",
                        r + 1,
                        space.issues[issue].name
                    )));
                }
            }
        }
        let words = rectangles.len().div_ceil(64).max(1);
        let mask_words: u128 = space.issues.iter().map(|i| i.cardinality().unwrap_or(1) as u128 * words as u128).sum();
        if mask_words > MAX_MASK_WORDS {
            return Err(NegotiationError::invalid(format!(
                "{} hyper-rectangles over these issues need {mask_words} mask words (limit {MAX_MASK_WORDS})",
                rectangles.len()
            )));
        }
        let mut masks = Vec::with_capacity(space.issues.len());
        let mut free = Vec::with_capacity(space.issues.len());
        for (i, issue) in space.issues.iter().enumerate() {
            let mut f = vec![0u64; words];
            for (r, rect) in rectangles.iter().enumerate() {
                if !rect.bounds.iter().any(|b| b.0 == i) {
                    f[r / 64] |= 1u64 << (r % 64);
                }
            }
            free.push(f);
            // Continuous issues never appear in bounds (checked above): one all-ones mask.
            let card = issue.cardinality().unwrap_or(1) as usize;
            let mut m = vec![0u64; card * words];
            for (r, rect) in rectangles.iter().enumerate() {
                let (lo, hi) = rect
                    .bounds
                    .iter()
                    .filter(|b| b.0 == i)
                    .fold((0u32, u32::MAX), |(lo, hi), &(_, a, b)| (lo.max(a), hi.min(b)));
                for v in 0..card {
                    if (v as u32) >= lo && (v as u32) <= hi {
                        m[v * words + r / 64] |= 1u64 << (r % 64);
                    }
                }
            }
            masks.push(m);
        }
        let mut exclusive = vec![0u64; words];
        for (r, rect) in rectangles.iter().enumerate() {
            if rect.exclusive {
                exclusive[r / 64] |= 1u64 << (r % 64);
            }
        }
        Ok(HyperRectangleUtility { rectangles, max_utility, masks, free, exclusive, words })
    }

    /// Converts an integer-valued range on issue `issue` to value indices, clamped to the
    /// issue (Genius files state ranges in issue values, not indices).
    pub fn index_range(space: &OutcomeSpace, issue: usize, min: i64, max: i64) -> Result<(u32, u32), NegotiationError> {
        let Some(iss) = space.issues.get(issue) else {
            return Err(NegotiationError::invalid(format!(
                "hyper-rectangle names issue #{} which does not exist",
                issue + 1
            )));
        };
        match iss.values {
            IssueValues::Integer { low, high } => {
                let (a, b) = (min.max(low), max.min(high));
                if a > b {
                    return Err(NegotiationError::invalid(format!(
                        "hyper-rectangle range {min}..={max} misses issue '{}' ({low}..={high})",
                        iss.name
                    )));
                }
                Ok(((a as i128 - low as i128) as u32, (b as i128 - low as i128) as u32))
            }
            _ => Err(NegotiationError::invalid(format!(
                "hyper-rectangles need integer issues; '{}' is not one",
                iss.name
            ))),
        }
    }

    /// The boxes.
    pub fn rectangles(&self) -> &[HyperRectangle] {
        &self.rectangles
    }

    /// The declared maximum the raw sum is divided by.
    pub fn max_utility(&self) -> f64 {
        self.max_utility
    }

    /// The raw (un-normalised) sum of the boxes that pay for `outcome`, summed in box order.
    pub fn raw_utility(&self, outcome: &[Value]) -> f64 {
        let mut sum = 0.0;
        for w in 0..self.words {
            let mut acc = u64::MAX;
            for (i, (m, f)) in self.masks.iter().zip(&self.free).enumerate() {
                acc &= match outcome.get(i) {
                    Some(Value::Index(k)) => m.get(*k as usize * self.words + w).copied().unwrap_or(f[w]),
                    // A missing or real value satisfies only the boxes that ignore the issue.
                    _ => f[w],
                };
            }
            // `acc` holds the boxes `outcome` lies in; exclusive ones pay when it does not.
            // (Bits past the last box are 0 in every mask, so they stay 0.)
            let mut acc = acc ^ self.exclusive[w];
            while acc != 0 {
                let bit = acc.trailing_zeros() as usize;
                acc &= acc - 1;
                if let Some(r) = self.rectangles.get(w * 64 + bit) {
                    sum += r.utility;
                }
            }
        }
        sum
    }
}

impl UtilityFunction for HyperRectangleUtility {
    fn utility(&self, outcome: &[Value]) -> f64 {
        (self.raw_utility(outcome) / self.max_utility).min(1.0)
    }

    /// Values with the same mask on an issue are interchangeable.
    fn value_classes(&self, issue: usize, cardinality: u32) -> Option<Vec<u32>> {
        let m = self.masks.get(issue)?;
        if m.len() != cardinality as usize * self.words {
            return None;
        }
        Some(crate::utility::classes_by_key(cardinality as usize, |v| &m[v * self.words..(v + 1) * self.words]))
    }
}

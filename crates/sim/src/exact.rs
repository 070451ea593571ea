//! Exact, order-free accumulation, so that a simulation split into run ranges
//! and merged gives the bytes a single run gives ([`crate::partial`]).
//!
//! Floating-point addition is not associative: Σ over runs 0..N folded in one
//! pass and the same runs folded as two partial sums then added can differ in
//! the last bits. [`ExactSum`] adds each value as a fixed-point integer
//! (2⁻⁶⁴ resolution, i128), and integer addition is exact and associative;
//! the sum is turned back into an `f64` once, at the end. Per-run values kept
//! for quantiles travel as their bit patterns ([`bits`]), never through
//! decimal text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// 2⁶⁴: values are added as `round(x · 2⁶⁴)`.
const SCALE: f64 = 18_446_744_073_709_551_616.0;

/// A sum of `f64` values that does not depend on the order they are added in.
/// Each value is rounded to a multiple of 2⁻⁶⁴ (a relative error far below an
/// `f64`'s for the utilities and shares it holds); a non-finite value makes
/// the sum NaN, as it would in floating point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExactSum {
    fixed: i128,
    nan: bool,
}

impl ExactSum {
    pub fn add(&mut self, x: f64) {
        if x.is_finite() {
            // `as` saturates: a value beyond ±2⁶³ is held at the limit (none such is summed).
            self.fixed = self.fixed.saturating_add((x * SCALE).round() as i128);
        } else {
            self.nan = true;
        }
    }

    pub fn merge(&mut self, other: &ExactSum) {
        self.fixed = self.fixed.saturating_add(other.fixed);
        self.nan |= other.nan;
    }

    pub fn value(&self) -> f64 {
        if self.nan {
            f64::NAN
        } else {
            self.fixed as f64 / SCALE
        }
    }
}

impl Serialize for ExactSum {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.nan {
            s.serialize_str("nan")
        } else {
            s.serialize_str(&self.fixed.to_string())
        }
    }
}

impl<'de> Deserialize<'de> for ExactSum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == "nan" {
            return Ok(ExactSum { fixed: 0, nan: true });
        }
        text.parse::<i128>()
            .map(|fixed| ExactSum { fixed, nan: false })
            .map_err(|_| serde::de::Error::custom(format!("`{text}` is not an exact sum")))
    }
}

/// `f64` values as their bit patterns (`#[serde(with = "bits")]`).
pub mod bits {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|x| x.to_bits()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<u64>::deserialize(d)?.into_iter().map(f64::from_bits).collect())
    }
}

/// Lists of `f64` lists as bit patterns.
pub mod bits2 {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[Vec<f64>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|row| row.iter().map(|x| x.to_bits()).collect::<Vec<u64>>()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
        Ok(Vec::<Vec<u64>>::deserialize(d)?
            .into_iter()
            .map(|row| row.into_iter().map(f64::from_bits).collect())
            .collect())
    }
}

/// Per agenda issue, values by (actor, party): as lists of entries with bit patterns.
pub mod bits_by_key {
    use std::collections::BTreeMap;

    use super::*;

    type Keyed = Vec<BTreeMap<(usize, usize), Vec<f64>>>;

    pub fn serialize<S: Serializer>(v: &Keyed, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|m| {
            m.iter()
                .map(|(&(a, p), xs)| (a, p, xs.iter().map(|x| x.to_bits()).collect::<Vec<u64>>()))
                .collect::<Vec<_>>()
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Keyed, D::Error> {
        Ok(Vec::<Vec<(usize, usize, Vec<u64>)>>::deserialize(d)?
            .into_iter()
            .map(|m| m.into_iter().map(|(a, p, xs)| ((a, p), xs.into_iter().map(f64::from_bits).collect())).collect())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_does_not_depend_on_how_its_values_are_grouped() {
        let xs: Vec<f64> = (0..10_000).map(|i| ((i * 7919) % 1000) as f64 / 997.0 - 0.3).collect();
        let mut one = ExactSum::default();
        xs.iter().for_each(|&x| one.add(x));
        for cut in [1, 17, 4999, 9999] {
            let (mut a, mut b) = (ExactSum::default(), ExactSum::default());
            xs[..cut].iter().for_each(|&x| a.add(x));
            xs[cut..].iter().for_each(|&x| b.add(x));
            a.merge(&b);
            assert_eq!(a, one);
        }
        let plain: f64 = xs.iter().sum();
        assert!((one.value() - plain).abs() < 1e-9);
        let back: ExactSum = serde_json::from_str(&serde_json::to_string(&one).unwrap()).unwrap();
        assert_eq!(back, one);
        let mut nan = ExactSum::default();
        nan.add(f64::NAN);
        assert!(nan.value().is_nan());
    }
}

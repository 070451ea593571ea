//! Exact, order-free accumulation, so that a simulation split into run ranges
//! and merged gives the bytes a single run gives ([`crate::partial`]).
//!
//! Floating-point addition is not associative: Σ over runs 0..N folded in one
//! pass and the same runs folded as two partial sums then added can differ in
//! the last bits. [`ExactSum`] adds each value as a fixed-point integer
//! (2⁻⁶⁴ resolution, i128), and integer addition is exact and associative;
//! the sum is turned back into an `f64` once, at the end. Per-run values
//! kept for quantiles are counted in a [`Dist`], whose memory does not grow
//! with the runs.

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

/// Finest resolution of a coarse [`Dist`], as a share of the quantity's scale.
pub const RESOLUTION: f64 = 1.0 / 65_536.0;

/// Distinct values a [`Dist`] keeps exactly before it counts by quantum.
pub const EXACT_VALUES: usize = 4_096;

/// A distribution of per-run values whose memory does not grow with the runs.
/// It keeps each distinct value exactly while there are at most
/// [`EXACT_VALUES`] of them (its quantiles are then the order statistics of
/// the values themselves); past that it counts values per multiple of
/// `quantum` (the power of two at or under 2⁻²⁰ of their scale), its
/// quantiles those of the values rounded to it. Which of the two it is
/// depends only on how many distinct values all the runs gave, and the mean
/// is an exact sum either way, so parts of a simulation merge into exactly
/// the distribution one pass builds.
#[derive(Clone, Debug, PartialEq)]
pub struct Dist {
    quantum: f64,
    /// The buckets a dense counter covers (the scale's), `[first, first + len)`; `len` 0: none.
    first: i64,
    len: usize,
    /// Exact values (ordered keys of their bits) and their counts, until there are too many.
    exact: Option<std::collections::BTreeMap<i64, u64>>,
    /// Once coarse: counts per bucket on the scale (dense), and off it.
    dense: Vec<u64>,
    outside: std::collections::BTreeMap<i64, u64>,
    sum: ExactSum,
    n: u64,
}

/// An order-preserving integer key of a finite `f64` (total order, as `f64::total_cmp`).
fn key_of(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    if b < 0 {
        b ^ i64::MAX
    } else {
        b
    }
}

fn value_of(k: i64) -> f64 {
    f64::from_bits((if k < 0 { k ^ i64::MAX } else { k }) as u64)
}

impl Dist {
    /// An empty distribution whose coarse form counts per `quantum` (> 0), with no scale.
    pub fn new(quantum: f64) -> Self {
        let quantum = if quantum.is_finite() && quantum > 0.0 { quantum } else { 1.0 };
        Dist {
            quantum,
            first: 0,
            len: 0,
            exact: Some(Default::default()),
            dense: Vec::new(),
            outside: Default::default(),
            sum: ExactSum::default(),
            n: 0,
        }
    }

    /// For a quantity on the scale `[min, max]`: the quantum is the power of
    /// two at or under `(max − min) · RESOLUTION`, so a scale's round values
    /// stay exact even when coarse, and the scale's buckets are counted densely.
    pub fn on_scale(min: f64, max: f64) -> Self {
        let q = (max - min).abs() * RESOLUTION;
        if !(q.is_finite() && q > 0.0) {
            return Dist::new(1.0);
        }
        let quantum = 2f64.powi(q.log2().floor() as i32);
        let mut d = Dist::new(quantum);
        d.first = (min.min(max) / quantum).floor() as i64;
        d.len = (((max - min).abs() / quantum).ceil() as usize) + 2;
        d
    }

    fn bucket(&self, x: f64) -> i64 {
        (x / self.quantum).round() as i64
    }

    fn count(&mut self, bucket: i64, c: u64) {
        let i = bucket.wrapping_sub(self.first);
        if (0..self.len as i64).contains(&i) {
            if self.dense.is_empty() {
                self.dense = vec![0; self.len];
            }
            self.dense[i as usize] += c;
        } else {
            *self.outside.entry(bucket).or_insert(0) += c;
        }
    }

    /// Turns the exact values into counts per quantum.
    fn coarsen(&mut self) {
        if let Some(exact) = self.exact.take() {
            for (k, c) in exact {
                let b = self.bucket(value_of(k));
                self.count(b, c);
            }
        }
    }

    /// Adds a value (non-finite values are left out, as `summarise` leaves them).
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.sum.add(x);
        self.n += 1;
        match self.exact.as_mut() {
            Some(exact) => {
                *exact.entry(key_of(x)).or_insert(0) += 1;
                if exact.len() > EXACT_VALUES {
                    self.coarsen();
                }
            }
            None => {
                let b = self.bucket(x);
                self.count(b, 1);
            }
        }
    }

    /// The values counted.
    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    pub fn merge(&mut self, other: &Dist) -> Result<(), String> {
        if (self.quantum, self.first, self.len) != (other.quantum, other.first, other.len) {
            return Err("distributions on different scales".into());
        }
        match (self.exact.as_mut(), other.exact.as_ref()) {
            (Some(mine), Some(theirs)) => {
                for (k, c) in theirs {
                    *mine.entry(*k).or_insert(0) += c;
                }
                if mine.len() > EXACT_VALUES {
                    self.coarsen();
                }
            }
            (_, theirs) => {
                self.coarsen();
                match theirs {
                    Some(t) => {
                        for (&k, &c) in t {
                            let b = self.bucket(value_of(k));
                            self.count(b, c);
                        }
                    }
                    None => {
                        if !other.dense.is_empty() {
                            if self.dense.is_empty() {
                                self.dense = vec![0; self.len];
                            }
                            self.dense.iter_mut().zip(&other.dense).for_each(|(a, b)| *a += b);
                        }
                        for (k, c) in &other.outside {
                            *self.outside.entry(*k).or_insert(0) += c;
                        }
                    }
                }
            }
        }
        self.sum.merge(&other.sum);
        self.n += other.n;
        Ok(())
    }

    /// The coarse counts in order: (bucket, count).
    fn coarse(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        let end = self.first + self.len as i64;
        let below = self.outside.range(..self.first).map(|(&k, &c)| (k, c));
        let on = self.dense.iter().enumerate().filter(|(_, &c)| c > 0).map(move |(i, &c)| (self.first + i as i64, c));
        let above = self.outside.range(end..).map(|(&k, &c)| (k, c));
        below.chain(on).chain(above)
    }

    /// The `k`-th smallest value (0-based), as kept.
    fn order(&self, k: u64) -> f64 {
        let mut seen = 0;
        match &self.exact {
            Some(exact) => {
                for (&key, &c) in exact {
                    seen += c;
                    if seen > k {
                        return value_of(key);
                    }
                }
            }
            None => {
                for (b, c) in self.coarse() {
                    seen += c;
                    if seen > k {
                        return b as f64 * self.quantum;
                    }
                }
            }
        }
        f64::NAN
    }

    /// Quantile `q`, interpolated between order statistics as [`crate::report::quantile`] does.
    pub fn quantile(&self, q: f64) -> f64 {
        match self.n {
            0 => f64::NAN,
            1 => self.order(0),
            n => {
                let h = q.clamp(0.0, 1.0) * (n - 1) as f64;
                let lo = h.floor() as u64;
                let hi = (lo + 1).min(n - 1);
                let (a, b) = (self.order(lo), self.order(hi));
                a + (h - lo as f64) * (b - a)
            }
        }
    }

    /// The mean, exact.
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum.value() / self.n as f64
        }
    }
}

impl Serialize for Dist {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Dist", 7)?;
        st.serialize_field("quantum", &self.quantum.to_bits())?;
        st.serialize_field("first", &self.first)?;
        st.serialize_field("len", &self.len)?;
        st.serialize_field("exact", &self.exact.as_ref().map(|m| m.iter().collect::<Vec<_>>()))?;
        st.serialize_field("coarse", &self.coarse().collect::<Vec<_>>())?;
        st.serialize_field("sum", &self.sum)?;
        st.serialize_field("n", &self.n)?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for Dist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            quantum: u64,
            first: i64,
            len: usize,
            exact: Option<Vec<(i64, u64)>>,
            coarse: Vec<(i64, u64)>,
            sum: ExactSum,
            n: u64,
        }
        let r = Raw::deserialize(d)?;
        if r.len > 1 << 24 {
            return Err(serde::de::Error::custom("a distribution with too many buckets"));
        }
        let mut dist = Dist::new(f64::from_bits(r.quantum));
        (dist.first, dist.len, dist.sum, dist.n) = (r.first, r.len, r.sum, r.n);
        dist.exact = r.exact.map(|v| v.into_iter().collect());
        for (b, c) in r.coarse {
            dist.count(b, c);
        }
        Ok(dist)
    }
}

/// Per agenda issue, distributions by (actor, party), as lists of entries
/// (JSON maps take string keys only).
pub mod keyed {
    use std::collections::BTreeMap;

    use super::*;

    type Keyed = Vec<BTreeMap<(usize, usize), Dist>>;

    pub fn serialize<S: Serializer>(v: &Keyed, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|m| m.iter().map(|(&(a, p), d)| (a, p, d)).collect::<Vec<_>>()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Keyed, D::Error> {
        Ok(Vec::<Vec<(usize, usize, Dist)>>::deserialize(d)?
            .into_iter()
            .map(|m| m.into_iter().map(|(a, p, d)| ((a, p), d)).collect())
            .collect())
    }
}

impl Default for Dist {
    fn default() -> Self {
        Dist::new(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_distribution_is_exact_while_small_and_bounded_when_not_and_merges_exactly() {
        // Few distinct values: quantiles are the order statistics themselves.
        let xs: Vec<f64> = (0..5000).map(|i| ((i * 7919) % 1000) as f64 / 10.0 + 0.013).collect();
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let mut one = Dist::on_scale(0.0, 100.0);
        xs.iter().for_each(|&x| one.push(x));
        for q in [0.0, 0.1, 0.5, 0.9, 1.0] {
            assert_eq!(one.quantile(q), crate::report::quantile(&sorted, q), "q {q}");
        }
        // Many: counted per quantum, within half of one, in bounded memory.
        let many: Vec<f64> = (0..200_000).map(|i| (i as f64 * 0.618_033_988_75).fract() * 100.0).collect();
        let mut big = Dist::on_scale(0.0, 100.0);
        many.iter().for_each(|&x| big.push(x));
        assert!(big.exact.is_none() && big.outside.is_empty() && big.dense.len() <= 1 << 18);
        let mut s = many.clone();
        s.sort_by(f64::total_cmp);
        for q in [0.1, 0.5, 0.9] {
            assert!((big.quantile(q) - crate::report::quantile(&s, q)).abs() <= big.quantum, "q {q}");
        }
        // Any split merges into the one-pass distribution, whichever form the parts took.
        for (values, whole) in [(&xs, &one), (&many, &big)] {
            for cut in [1, 1234, 70_000.min(values.len() - 1)] {
                let (mut a, mut b) = (Dist::on_scale(0.0, 100.0), Dist::on_scale(0.0, 100.0));
                values[..cut].iter().for_each(|&x| a.push(x));
                values[cut..].iter().for_each(|&x| b.push(x));
                b.merge(&a).unwrap();
                assert_eq!(&b, whole, "cut {cut}");
            }
        }
        let back: Dist = serde_json::from_str(&serde_json::to_string(&big).unwrap()).unwrap();
        assert_eq!(back, big);
        assert!(Dist::new(1.0).quantile(0.5).is_nan());
        assert!(one.merge(&Dist::new(1.0)).is_err());
    }

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

//! The candidate outcomes a negotiation runs over, with every party's utility tabulated once.
//!
//! Protocols and strategies never evaluate a utility function in the hot loop: an
//! [`OutcomeTable`] enumerates the outcome space (or a grid / seeded sample of it when it is
//! continuous or too large), evaluates every profile on every candidate once, and keeps, per
//! party, the candidates sorted by that party's utility (best first). A strategy then finds
//! "the cheapest offer still worth `τ` to me" with one binary search, and the protocol reads
//! any party's utility of an offer with one array look-up.
//!
//! Candidates are addressed by [`OutcomeId`]. Strategies cannot make ids up (the constructor
//! is private to the crate): they can only pick ids the protocol shows them — their own
//! ranked list, or offers already on the table.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::domain::{IssueValues, Outcome, OutcomeSpace, Value};
use crate::error::NegotiationError;
use crate::utility::Profile;

/// A candidate outcome of an [`OutcomeTable`], by position. Only the table mints ids, so a
/// strategy can offer nothing but what it was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutcomeId(u32);

impl OutcomeId {
    /// The position of this candidate in its table.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// How candidates are chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableOptions {
    /// Largest number of candidates: discrete spaces up to this size are enumerated exactly;
    /// anything larger (or continuous) is discretised or sampled down to it.
    pub max_outcomes: usize,
    /// Grid points per continuous issue (reduced if the grid would exceed `max_outcomes`).
    pub continuous_grid: u32,
    /// Seed for sampling large spaces.
    pub seed: u64,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions { max_outcomes: 1 << 20, continuous_grid: 21, seed: 0 }
    }
}

/// The hard ceiling on candidates, whatever the options say (memory: ~12 bytes per
/// candidate per party plus the outcomes themselves when sampled).
pub const MAX_TABLE_OUTCOMES: usize = 1 << 24;

/// The most candidates drawn when a space has to be sampled (each is a separate outcome).
pub const MAX_SAMPLED_OUTCOMES: usize = 1 << 17;

/// How the candidates were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// Every outcome of a discrete space (ids are mixed-radix ranks, last issue fastest).
    Exact,
    /// Continuous issues replaced by a uniform grid; discrete issues complete.
    Grid,
    /// A seeded uniform sample of the space.
    Sampled,
}

#[derive(Debug, Clone)]
enum Candidates {
    /// Ids are mixed-radix ranks over the issue value lists.
    Product { values: Vec<Vec<Value>> },
    /// Explicit list.
    Listed { outcomes: Vec<Outcome> },
}

/// One party's column of the table: utilities by id and ids sorted best first.
#[derive(Debug, Clone)]
struct PartyColumn {
    utilities: Vec<f64>,
    /// Ids, best first (ties: lower id first).
    ranked: Vec<OutcomeId>,
    /// `utilities` in `ranked` order (contiguous, for binary search).
    ranked_utilities: Vec<f64>,
    /// How many of `ranked` reach the reservation value.
    acceptable: usize,
}

/// Every candidate outcome with every party's utility; see the module docs.
#[derive(Debug, Clone)]
pub struct OutcomeTable {
    space: OutcomeSpace,
    profiles: Vec<Profile>,
    candidates: Candidates,
    len: usize,
    coverage: Coverage,
    columns: Vec<PartyColumn>,
}

impl OutcomeTable {
    /// Tabulates `profiles` over `space`. Errors when there are no profiles or the options
    /// ask for no candidates.
    pub fn new(space: OutcomeSpace, profiles: Vec<Profile>, options: &TableOptions) -> Result<Self, NegotiationError> {
        if profiles.is_empty() {
            return Err(NegotiationError::invalid("a negotiation needs at least one profile"));
        }
        if profiles.len() > u16::MAX as usize {
            return Err(NegotiationError::too_large(format!("{} parties (at most {})", profiles.len(), u16::MAX)));
        }
        space.validate()?;
        let cap = options.max_outcomes.min(MAX_TABLE_OUTCOMES);
        if cap == 0 {
            return Err(NegotiationError::invalid("the outcome table must hold at least one outcome"));
        }
        let (candidates, coverage) = choose_candidates(&space, cap, options)?;
        let len = match &candidates {
            Candidates::Product { values } => values.iter().map(Vec::len).product(),
            Candidates::Listed { outcomes } => outcomes.len(),
        };
        let mut table = OutcomeTable { space, profiles, candidates, len, coverage, columns: Vec::new() };
        let columns = (0..table.profiles.len()).map(|p| table.column(p)).collect();
        table.columns = columns;
        Ok(table)
    }

    fn column(&self, party: usize) -> PartyColumn {
        let profile = &self.profiles[party];
        let utilities = self.evaluate(profile);
        let ranked: Vec<OutcomeId> = rank_descending(&utilities).into_iter().map(OutcomeId).collect();
        let ranked_utilities: Vec<f64> = ranked.iter().map(|id| utilities[id.index()]).collect();
        let acceptable = ranked_utilities.partition_point(|&u| u >= profile.reservation);
        PartyColumn { utilities, ranked, ranked_utilities, acceptable }
    }

    /// Evaluates `profile` on every candidate, in id order.
    fn evaluate(&self, profile: &Profile) -> Vec<f64> {
        if let (Some(a), Coverage::Exact, Candidates::Product { values }) =
            (profile.utility.as_additive(), self.coverage, &self.candidates)
        {
            // Additive over the full product: expand issue by issue (last issue fastest), adding
            // each issue's terms to every partial sum — the same additions, in the same order,
            // as `AdditiveUtility::utility_of_indices`, so the values are bit-identical.
            let mut sums = vec![0.0f64];
            for (i, vals) in values.iter().enumerate() {
                let terms: Vec<f64> = (0..vals.len() as u32).map(|k| a.issue_term(i, Value::Index(k))).collect();
                let mut next = Vec::with_capacity(sums.len() * terms.len());
                for &s in &sums {
                    next.extend(terms.iter().map(|&t| s + t));
                }
                sums = next;
            }
            return sums;
        }
        let mut out = Vec::with_capacity(self.len);
        match &self.candidates {
            Candidates::Product { values } => {
                // Odometer over the value lists, last issue fastest (matches `outcome_at`).
                let mut digits = vec![0usize; values.len()];
                let mut outcome: Outcome = values.iter().map(|v| v[0]).collect();
                for _ in 0..self.len {
                    out.push(profile.utility(&outcome));
                    let mut i = values.len();
                    while i > 0 {
                        i -= 1;
                        digits[i] += 1;
                        if digits[i] < values[i].len() {
                            outcome[i] = values[i][digits[i]];
                            break;
                        }
                        digits[i] = 0;
                        outcome[i] = values[i][0];
                    }
                }
            }
            Candidates::Listed { outcomes } => out.extend(outcomes.iter().map(|o| profile.utility(o))),
        }
        out
    }

    /// The outcome space.
    pub fn space(&self) -> &OutcomeSpace {
        &self.space
    }

    /// The profiles, one per party, in the order given.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// Number of parties.
    pub fn n_parties(&self) -> usize {
        self.profiles.len()
    }

    /// Number of candidates.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the table is empty (never true for a built table).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How the candidates cover the space.
    pub fn coverage(&self) -> Coverage {
        self.coverage
    }

    /// Party `party`'s utility of candidate `id` (undiscounted).
    #[inline]
    pub fn utility(&self, party: usize, id: OutcomeId) -> f64 {
        self.columns[party].utilities[id.index()]
    }

    /// Party `party`'s utilities of every candidate, by id.
    pub fn utilities(&self, party: usize) -> &[f64] {
        &self.columns[party].utilities
    }

    /// The candidate `id` as an outcome (one value per issue).
    pub fn outcome(&self, id: OutcomeId) -> Outcome {
        match &self.candidates {
            Candidates::Product { values } => {
                let mut rank = id.index();
                let mut out = vec![Value::Index(0); values.len()];
                for (slot, vals) in out.iter_mut().zip(values).rev() {
                    *slot = vals[rank % vals.len()];
                    rank /= vals.len();
                }
                out
            }
            Candidates::Listed { outcomes } => outcomes[id.index()].clone(),
        }
    }

    /// The id of `outcome` when the table enumerates the space exactly.
    pub fn id_of(&self, outcome: &[Value]) -> Option<OutcomeId> {
        match &self.candidates {
            Candidates::Product { values } if self.coverage == Coverage::Exact => {
                if outcome.len() != values.len() {
                    return None;
                }
                let mut rank = 0usize;
                for (v, vals) in outcome.iter().zip(values) {
                    let Value::Index(k) = *v else { return None };
                    if k as usize >= vals.len() {
                        return None;
                    }
                    rank = rank * vals.len() + k as usize;
                }
                Some(OutcomeId(rank as u32))
            }
            _ => None,
        }
    }

    /// The view of one party's own column: what a strategy of that party may see.
    pub fn own(&self, party: usize) -> OwnOutcomes<'_> {
        let c = &self.columns[party];
        OwnOutcomes {
            utilities: &c.utilities,
            ranked: &c.ranked,
            ranked_utilities: &c.ranked_utilities,
            acceptable: c.acceptable,
            reservation: self.profiles[party].reservation,
        }
    }

    /// Whether every party's utility of `id` reaches its reservation value.
    #[inline]
    pub fn acceptable_to_all(&self, id: OutcomeId) -> bool {
        self.columns.iter().zip(&self.profiles).all(|(c, p)| c.utilities[id.index()] >= p.reservation)
    }

    /// A copy of this table with the parties reordered: party `k` of the result is party
    /// `order[k]` of this one. Used to swap roles without re-evaluating anything.
    pub fn reordered(&self, order: &[usize]) -> Result<Self, NegotiationError> {
        let mut seen = vec![false; self.profiles.len()];
        for &p in order {
            if p >= seen.len() || std::mem::replace(&mut seen[p], true) {
                return Err(NegotiationError::invalid(format!("bad party order {order:?}")));
            }
        }
        Ok(OutcomeTable {
            space: self.space.clone(),
            profiles: order.iter().map(|&p| self.profiles[p].clone()).collect(),
            candidates: self.candidates.clone(),
            len: self.len,
            coverage: self.coverage,
            columns: order.iter().map(|&p| self.columns[p].clone()).collect(),
        })
    }
}

/// A party's own utilities, ranked best first: the only utilities a strategy may read.
#[derive(Debug, Clone, Copy)]
pub struct OwnOutcomes<'a> {
    utilities: &'a [f64],
    ranked: &'a [OutcomeId],
    ranked_utilities: &'a [f64],
    acceptable: usize,
    reservation: f64,
}

impl<'a> OwnOutcomes<'a> {
    /// My utility of candidate `id`.
    #[inline]
    pub fn utility(&self, id: OutcomeId) -> f64 {
        self.utilities[id.index()]
    }

    /// Number of candidates at or above my reservation value.
    #[inline]
    pub fn n_acceptable(&self) -> usize {
        self.acceptable
    }

    /// My reservation value.
    #[inline]
    pub fn reservation(&self) -> f64 {
        self.reservation
    }

    /// The candidate of rank `rank` (0 = my best), if it exists.
    #[inline]
    pub fn at_rank(&self, rank: usize) -> Option<OutcomeId> {
        self.ranked.get(rank).copied()
    }

    /// The utility of the candidate of rank `rank`.
    #[inline]
    pub fn utility_at_rank(&self, rank: usize) -> Option<f64> {
        self.ranked_utilities.get(rank).copied()
    }

    /// My best candidate.
    #[inline]
    pub fn best(&self) -> OutcomeId {
        self.ranked[0]
    }

    /// My best utility.
    #[inline]
    pub fn best_utility(&self) -> f64 {
        self.ranked_utilities[0]
    }

    /// The utility of my worst candidate, acceptable or not.
    #[inline]
    pub fn worst_utility(&self) -> f64 {
        self.ranked_utilities.last().copied().unwrap_or(f64::NEG_INFINITY)
    }

    /// The utility of my worst acceptable candidate (my best if nothing is acceptable).
    #[inline]
    pub fn worst_acceptable_utility(&self) -> f64 {
        self.ranked_utilities[self.acceptable.saturating_sub(1)]
    }

    /// The rank of the acceptable candidate whose utility is the smallest one still `≥ target`
    /// (the cheapest offer that meets an aspiration), clamped to the acceptable range: `0`
    /// when `target` is above my best, the last acceptable rank when it is below my floor.
    /// `None` when nothing is acceptable. One binary search.
    #[inline]
    pub fn rank_for_target(&self, target: f64) -> Option<usize> {
        if self.acceptable == 0 {
            return None;
        }
        let above = self.ranked_utilities[..self.acceptable].partition_point(|&u| u >= target);
        Some(above.saturating_sub(1))
    }

    /// Number of candidates whose utility is `≥ level`, among the acceptable ones.
    #[inline]
    pub fn count_at_least(&self, level: f64) -> usize {
        self.ranked_utilities[..self.acceptable].partition_point(|&u| u >= level)
    }

    /// All candidates best first, with my utilities (acceptable ones are the first
    /// [`Self::n_acceptable`]).
    pub fn ranked(&self) -> impl ExactSizeIterator<Item = (OutcomeId, f64)> + 'a {
        self.ranked.iter().copied().zip(self.ranked_utilities.iter().copied())
    }
}

fn choose_candidates(
    space: &OutcomeSpace,
    cap: usize,
    options: &TableOptions,
) -> Result<(Candidates, Coverage), NegotiationError> {
    let discrete_values = |k: u32| -> Vec<Value> { (0..k).map(Value::Index).collect() };
    if let Some(size) = space.size() {
        if size <= cap as u128 {
            let values = space.cardinalities().unwrap_or_default().into_iter().map(discrete_values).collect();
            return Ok((Candidates::Product { values }, Coverage::Exact));
        }
    } else {
        // Continuous issues on a grid, as fine as the cap allows.
        let discrete: u128 =
            space.issues.iter().filter_map(|i| i.cardinality()).fold(1u128, |n, c| n.saturating_mul(c as u128));
        let n_cont = space.issues.iter().filter(|i| !i.is_discrete()).count() as u32;
        let mut grid = options.continuous_grid.max(2);
        while grid > 2 && discrete.saturating_mul((grid as u128).saturating_pow(n_cont)) > cap as u128 {
            grid -= 1;
        }
        if discrete.saturating_mul((grid as u128).saturating_pow(n_cont)) <= cap as u128 {
            let values = space
                .issues
                .iter()
                .map(|issue| match issue.values {
                    IssueValues::Continuous { low, high } => grid_points(low, high, grid),
                    _ => discrete_values(issue.cardinality().unwrap_or(1)),
                })
                .collect();
            return Ok((Candidates::Product { values }, Coverage::Grid));
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let outcomes = (0..cap.min(MAX_SAMPLED_OUTCOMES))
        .map(|_| {
            space
                .issues
                .iter()
                .map(|issue| match issue.values {
                    IssueValues::Continuous { low, high } => {
                        Value::Real(if high > low { rng.random_range(low..=high) } else { low })
                    }
                    _ => Value::Index(rng.random_range(0..issue.cardinality().unwrap_or(1).max(1))),
                })
                .collect()
        })
        .collect();
    Ok((Candidates::Listed { outcomes }, Coverage::Sampled))
}

/// Ids sorted by utility, best first, ties by id (the order of `f64::total_cmp`, descending,
/// then id). A bucket sort: utilities are mapped monotonically onto `n` buckets over
/// `[min, max]`, placed stably (ids ascending), then each bucket is sorted on its own —
/// `O(n)` expected instead of `O(n log n)`; this is most of the cost of building a table.
/// Falls back to a comparison sort for small inputs and non-finite utilities.
pub(crate) fn rank_descending(utilities: &[f64]) -> Vec<u32> {
    let n = utilities.len();
    let by_utility = |a: &u32, b: &u32| utilities[*b as usize].total_cmp(&utilities[*a as usize]);
    let (lo, hi) = utilities.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &u| (l.min(u), h.max(u)));
    if n < 64 || !(lo.is_finite() && hi.is_finite()) || utilities.iter().any(|u| u.is_nan()) || hi <= lo {
        let mut keys: Vec<(u64, u32)> =
            utilities.iter().enumerate().map(|(k, &u)| (!total_order_bits(u), k as u32)).collect();
        keys.sort_unstable();
        return keys.into_iter().map(|(_, k)| k).collect();
    }
    let scale = (n - 1) as f64 / (hi - lo);
    // (hi − u)·scale is non-decreasing as u falls, so better utilities land in earlier buckets.
    let bucket = |u: f64| (((hi - u) * scale) as usize).min(n - 1);
    let mut start = vec![0u32; n + 1];
    for &u in utilities {
        start[bucket(u) + 1] += 1;
    }
    for b in 0..n {
        start[b + 1] += start[b];
    }
    let mut next = start.clone();
    let mut out = vec![0u32; n];
    for (k, &u) in utilities.iter().enumerate() {
        let b = bucket(u);
        out[next[b] as usize] = k as u32;
        next[b] += 1;
    }
    for b in 0..n {
        let slice = &mut out[start[b] as usize..start[b + 1] as usize];
        if slice.len() > 32 {
            slice.sort_by(by_utility); // stable: equal utilities keep id order
        } else {
            // Stable insertion sort.
            for i in 1..slice.len() {
                let mut j = i;
                while j > 0 && by_utility(&slice[j - 1], &slice[j]) == std::cmp::Ordering::Greater {
                    slice.swap(j - 1, j);
                    j -= 1;
                }
            }
        }
    }
    out
}

/// Maps `f64` to `u64` so that integer order is `f64::total_cmp` order.
#[inline]
fn total_order_bits(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

fn grid_points(low: f64, high: f64, n: u32) -> Vec<Value> {
    if high <= low {
        return vec![Value::Real(low)];
    }
    (0..n).map(|k| Value::Real(low + (high - low) * k as f64 / (n - 1) as f64)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(u: &[f64]) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..u.len() as u32).collect();
        ids.sort_by(|a, b| u[*b as usize].total_cmp(&u[*a as usize]).then(a.cmp(b)));
        ids
    }

    #[test]
    fn additive_expansion_is_bit_identical_to_per_outcome_evaluation() {
        use crate::domain::Issue;
        use crate::utility::{AdditiveUtility, IssueUtility, Utility};
        let space = OutcomeSpace::new(
            "t",
            vec![
                Issue::categorical("a", vec!["x".into(), "y".into(), "z".into()]).unwrap(),
                Issue::integer("b", 3, 7).unwrap(),
                Issue::categorical("c", vec!["p".into(), "q".into()]).unwrap(),
            ],
        )
        .unwrap();
        let u = AdditiveUtility::new(
            &space,
            vec![0.3, 0.45, 0.25],
            vec![
                IssueUtility::Table(vec![0.1, 0.7, 0.33]),
                IssueUtility::Linear(vec![(3.0, 0.0), (7.0, 1.0)]),
                IssueUtility::Table(vec![1.0, 0.2]),
            ],
        )
        .unwrap();
        let profile = Profile::new("p", Utility::Additive(u));
        let t = OutcomeTable::new(space.clone(), vec![profile.clone()], &TableOptions::default()).unwrap();
        assert_eq!(t.coverage(), Coverage::Exact);
        for k in 0..t.len() {
            let id = OutcomeId(k as u32);
            let o = t.outcome(id);
            assert_eq!(o, space.outcome_at(k as u128).unwrap());
            assert_eq!(t.utility(0, id).to_bits(), profile.utility(&o).to_bits());
            assert_eq!(t.id_of(&o), Some(id));
        }
    }

    #[test]
    fn bucket_ranking_matches_a_comparison_sort() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for n in [0usize, 1, 5, 63, 64, 65, 1000, 5000] {
            for levels in [2u32, 10, 1000, u32::MAX] {
                let u: Vec<f64> = (0..n)
                    .map(|_| {
                        let x = rng.random_range(0..levels) as f64 / levels as f64;
                        if rng.random_range(0..50) == 0 {
                            -0.0
                        } else {
                            x * 3.0 - 1.0
                        }
                    })
                    .collect();
                assert_eq!(rank_descending(&u), reference(&u), "n={n} levels={levels}");
            }
        }
        // Clustered values (one huge bucket) and non-finite ones.
        let mut u: Vec<f64> = (0..500).map(|k| 1e-9 * (k % 7) as f64).collect();
        u.push(1.0);
        assert_eq!(rank_descending(&u), reference(&u));
        u.push(f64::NAN);
        u.push(f64::NEG_INFINITY);
        assert_eq!(rank_descending(&u), reference(&u));
    }
}

//! Bargaining solutions on a Pareto frontier, and the zone of possible agreement.
//!
//! Let `d` be the disagreement point (see [`Disagreement`]), `A` the frontier points every
//! party accepts (`u_i ≥ r_i`, its reservation value), and `I_i = max_{u∈A} u_i` the ideal
//! point. Then
//!
//! * **Nash** (Nash 1950): `argmax_{u∈A} Π_i (u_i − d_i)`;
//! * **Kalai–Smorodinsky** (Kalai & Smorodinsky 1975): the point of `A` closest to the line
//!   from `d` to `I`: with normalised gains `g_i = (u_i − d_i)/(I_i − d_i)`,
//!   `argmin_{u∈A} (max_i g_i − min_i g_i)` (for two parties `|g_1 − g_2|`; ties go to the
//!   larger `min_i g_i`). This is ANL's "kalai"; on the 25 ANL-2023 domains the published
//!   point is this one (the max-min reading `argmax min_i g_i` differs on 5 of them);
//! * **egalitarian** (Kalai 1977; Rawlsian max-min): `argmax_{u∈A} min_i (u_i − d_i)`;
//! * **maximum welfare** (utilitarian): `argmax_{u∈A} Σ_i u_i`.
//!
//! Remaining ties go to the first point in frontier order (first party's utility
//! descending). A party with `I_i = d_i` is left out of the Kalai–Smorodinsky gains. All
//! four are `None` when `A` is empty (no agreement meets every red line).

use serde::Serialize;

use crate::domain::{OutcomeSpace, Value};
use crate::error::NegotiationError;
use crate::pareto::{FrontierPoint, ParetoFrontier};
use crate::utility::{AdditiveUtility, Profile, Utility};

/// Which disagreement point bargaining solutions measure gains from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disagreement {
    /// `d_i = max(r_i, worst_i)`: the reservation value, but never below the party's worst
    /// possible agreement. This is the convention of the reference values (NegMAS and the
    /// ANL published answers, which work on utilities normalised to each party's range): on
    /// the Genius party domain, whose worst outcomes are worth 0.31 and 0.13 with reservation
    /// values 0, the reference Nash point is the one measured from the worst outcomes.
    #[default]
    ReservationOrWorst,
    /// `d_i = r_i`: the textbook Nash (1950) disagreement point.
    Reservation,
}

/// The four bargaining solutions, as indices into the frontier's points.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Solutions {
    pub nash: Option<usize>,
    pub kalai_smorodinsky: Option<usize>,
    pub egalitarian: Option<usize>,
    pub max_welfare: Option<usize>,
    /// The disagreement point used.
    pub disagreement: Vec<f64>,
    /// The ideal point (best acceptable utility per party).
    pub ideal: Vec<f64>,
}

fn acceptable(p: &FrontierPoint, r: &[f64]) -> bool {
    p.utilities.iter().zip(r).all(|(u, r)| u >= r)
}

/// First index maximising `score` (compared lexicographically) among acceptable points.
fn argmax<K: PartialOrd>(points: &[FrontierPoint], r: &[f64], score: impl Fn(&[f64]) -> K) -> Option<usize> {
    let mut best: Option<(usize, K)> = None;
    for (k, p) in points.iter().enumerate() {
        if !acceptable(p, r) {
            continue;
        }
        let s = score(&p.utilities);
        if best.as_ref().is_none_or(|(_, b)| s > *b) {
            best = Some((k, s));
        }
    }
    best.map(|(k, _)| k)
}

/// The Nash, Kalai–Smorodinsky, egalitarian and max-welfare points of `frontier` for parties
/// with reservation values `reservation`.
pub fn solutions(frontier: &ParetoFrontier, reservation: &[f64], convention: Disagreement) -> Solutions {
    let pts = &frontier.points;
    let r = reservation;
    let d: Vec<f64> = match convention {
        Disagreement::Reservation => r.to_vec(),
        Disagreement::ReservationOrWorst => {
            r.iter().zip(&frontier.worst).map(|(r, w)| if w.is_finite() { r.max(*w) } else { *r }).collect()
        }
    };
    let mut ideal = vec![f64::NEG_INFINITY; r.len()];
    for p in pts.iter().filter(|p| acceptable(p, r)) {
        for (i, u) in ideal.iter_mut().zip(&p.utilities) {
            *i = i.max(*u);
        }
    }
    let gains = |u: &[f64]| -> Vec<f64> { u.iter().zip(&d).map(|(x, d)| x - d).collect() };
    let nash = argmax(pts, r, |u| gains(u).iter().product::<f64>());
    let egalitarian = argmax(pts, r, |u| gains(u).iter().copied().fold(f64::INFINITY, f64::min));
    let max_welfare = argmax(pts, r, |u| u.iter().sum::<f64>());
    let kalai_smorodinsky = argmax(pts, r, |u| {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for ((x, d), i) in u.iter().zip(&d).zip(&ideal) {
            if i > d {
                let g = (x - d) / (i - d);
                lo = lo.min(g);
                hi = hi.max(g);
            }
        }
        if lo > hi {
            return (0.0, 0.0); // nobody can gain: every point is equally "fair"
        }
        (-(hi - lo), lo)
    });
    Solutions { nash, kalai_smorodinsky, egalitarian, max_welfare, disagreement: d, ideal }
}

/// The zone of possible agreement: outcomes every party accepts (`u_i ≥ reservation_i`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Zopa {
    /// Number of acceptable outcomes; `None` if the space is too large to count (and no
    /// shortcut applies) or continuous.
    pub size: Option<u128>,
    /// How many frontier points are acceptable to all.
    pub frontier_points: usize,
    /// For a space with continuous issues (which has no count): how many outcomes of
    /// the grid the frontier samples them on every party accepts, and of how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampled: Option<SampledZone>,
}

/// The zone counted on the grid a continuous space is sampled on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SampledZone {
    pub acceptable: u128,
    pub of: u128,
    /// Grid points per continuous issue.
    pub samples: u32,
}

/// The smallest and largest utility a profile can reach, when cheaply known (additive
/// utilities over discrete or integer issues: per-issue minima/maxima summed).
fn additive_range(space: &OutcomeSpace, profile: &Profile) -> Option<(f64, f64)> {
    let Utility::Additive(a) = &profile.utility else { return None };
    let mut lo = 0.0;
    let mut hi = 0.0;
    for (i, card) in space.cardinalities()?.into_iter().enumerate() {
        if card == 0 || card > MAX_VALUES_SCANNED {
            return None;
        }
        let (l, h) = (0..card)
            .map(|k| a.issue_term(i, Value::Index(k)))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), t| (l.min(t), h.max(t)));
        lo += l;
        hi += h;
    }
    Some((lo, hi))
}

/// The most values of one issue scanned for its utility range.
const MAX_VALUES_SCANNED: u32 = 1_000_000;

/// The largest half of the outcome space the two-party count lists: spaces of up to
/// 2²¹ × 2²¹ ≈ 4·10¹² outcomes are counted without enumeration.
const MAX_HALF: u128 = 1 << 21;

/// The most outcomes near a reservation value the two-party count evaluates one by one.
const MAX_BORDERLINE: usize = 4_000_000;

/// One half of the issues' value combinations: each party's partial utility, summed in
/// issue order from 0, and the combination's mixed-radix rank within the half.
struct Half {
    u: Vec<[f64; 2]>,
    rank: Vec<u64>,
}

fn half(utils: [&AdditiveUtility; 2], grid: &[Vec<Value>], issues: std::ops::Range<usize>) -> Half {
    let mut u = vec![[0.0f64; 2]];
    let mut rank = vec![0u64];
    for i in issues {
        let card = grid[i].len() as u32;
        let terms: Vec<[f64; 2]> =
            grid[i].iter().map(|&v| [utils[0].issue_term(i, v), utils[1].issue_term(i, v)]).collect();
        let mut next_u = Vec::with_capacity(u.len() * card as usize);
        let mut next_rank = Vec::with_capacity(u.len() * card as usize);
        for (s, r) in u.iter().zip(&rank) {
            for (k, t) in terms.iter().enumerate() {
                next_u.push([s[0] + t[0], s[1] + t[1]]);
                next_rank.push(r * u64::from(card) + k as u64);
            }
        }
        u = next_u;
        rank = next_rank;
    }
    Half { u, rank }
}

/// The number of outcomes both parties accept, for two additive profiles over a discrete
/// (or integer) space, without enumerating it: *meet in the middle*. The issues are split
/// in two halves; every combination of each half is listed with its partial utilities
/// `a = (a₁, a₂)` and `b = (b₁, b₂)`, and the pairs with `a + b ≥ r` in both coordinates
/// are counted by sorting one half and sweeping the other through a Fenwick tree,
/// O(N log N) for halves of N combinations (about √|O|).
///
/// `a + b` is not summed in the order an outcome's utility is (issue by issue from 0), so
/// it can differ from it by rounding. Pairs clear of both reservation values by more than
/// `ε` (far above any rounding) are counted; pairs within `ε` of one are evaluated one by
/// one exactly as enumeration evaluates them, so the count equals enumeration's to the
/// outcome. `None` when a half or the borderline pairs exceed their limits.
fn count_two_additive(grid: &[Vec<Value>], profiles: &[Profile]) -> Option<u128> {
    let [Utility::Additive(u0), Utility::Additive(u1)] = [&profiles.first()?.utility, &profiles.get(1)?.utility] else {
        return None;
    };
    if profiles.len() != 2 {
        return None;
    }
    let cards: Vec<u32> = grid.iter().map(|g| g.len() as u32).collect();
    let n = cards.len();
    // Split where the larger half is smallest.
    let prefix = |h: usize| cards[..h].iter().fold(1u128, |p, &c| p.saturating_mul(u128::from(c)));
    let suffix = |h: usize| cards[h..].iter().fold(1u128, |p, &c| p.saturating_mul(u128::from(c)));
    let h = (0..=n).min_by_key(|&h| prefix(h).max(suffix(h)))?;
    if prefix(h).max(suffix(h)) > MAX_HALF {
        return None;
    }
    let utils = [u0, u1];
    let a = half(utils, grid, 0..h);
    let b = half(utils, grid, h..n);
    let r = [profiles[0].reservation, profiles[1].reservation];
    let magnitude = a.u.iter().chain(&b.u).flatten().chain(&r).fold(1.0f64, |m, x| m.max(x.abs()));
    let eps = 1e-9 * magnitude;

    // Half b sorted by its first utility, and by its second.
    let mut by_first: Vec<u32> = (0..b.u.len() as u32).collect();
    by_first.sort_by(|&i, &j| b.u[i as usize][0].total_cmp(&b.u[j as usize][0]));
    let mut by_second: Vec<u32> = (0..b.u.len() as u32).collect();
    by_second.sort_by(|&i, &j| b.u[i as usize][1].total_cmp(&b.u[j as usize][1]));
    let first: Vec<f64> = by_first.iter().map(|&i| b.u[i as usize][0]).collect();
    let second: Vec<f64> = by_second.iter().map(|&i| b.u[i as usize][1]).collect();
    let at_least = |sorted: &[f64], x: f64| sorted.partition_point(|&v| v < x);

    // Clear pairs: b₁ ≥ r₁ + ε − a₁ and b₂ ≥ r₂ + ε − a₂. Queries by first threshold
    // descending; b enters the tree (indexed by its rank in `second`) once b₁ reaches it.
    let mut rank_in_second = vec![0u32; b.u.len()];
    for (pos, &i) in by_second.iter().enumerate() {
        rank_in_second[i as usize] = pos as u32;
    }
    let mut tree = vec![0u64; b.u.len() + 1];
    let mut queries: Vec<(f64, f64)> = a.u.iter().map(|x| (r[0] + eps - x[0], r[1] + eps - x[1])).collect();
    queries.sort_by(|p, q| q.0.total_cmp(&p.0));
    let mut next = b.u.len(); // `first[next..]` have entered
    let mut entered = 0u64;
    let mut clear: u128 = 0;
    for (q1, q2) in queries {
        while next > 0 && first[next - 1] >= q1 {
            next -= 1;
            let mut k = rank_in_second[by_first[next] as usize] as usize + 1;
            while k < tree.len() {
                tree[k] += 1;
                k += k & k.wrapping_neg();
            }
            entered += 1;
        }
        // Entered with b₂ < q₂: a prefix of `second`.
        let mut below = 0u64;
        let mut k = at_least(&second, q2);
        while k > 0 {
            below += tree[k];
            k -= k & k.wrapping_neg();
        }
        clear += u128::from(entered - below);
    }

    // Borderline pairs: within ε of r₁ (and not below r₂ − ε), or clear of r₁ and within ε
    // of r₂. Each is evaluated as enumeration evaluates it.
    let mut outcome = vec![Value::Index(0); n];
    let mut decode = |ra: u64, rb: u64| {
        let (mut x, mut y) = (ra, rb);
        for i in (h..n).rev() {
            outcome[i] = grid[i][(y % u64::from(cards[i])) as usize];
            y /= u64::from(cards[i]);
        }
        for i in (0..h).rev() {
            outcome[i] = grid[i][(x % u64::from(cards[i])) as usize];
            x /= u64::from(cards[i]);
        }
        profiles.iter().all(|p| p.accepts(&outcome))
    };
    let mut borderline = 0usize;
    let mut accepted: u128 = 0;
    for (x, &ra) in a.u.iter().zip(&a.rank) {
        let (lo1, hi1) = (r[0] - eps - x[0], r[0] + eps - x[0]);
        let (lo2, hi2) = (r[1] - eps - x[1], r[1] + eps - x[1]);
        for &j in &by_first[at_least(&first, lo1)..at_least(&first, hi1)] {
            let y = b.u[j as usize];
            if y[1] >= lo2 {
                borderline += 1;
                accepted += u128::from(decode(ra, b.rank[j as usize]));
            }
        }
        for &j in &by_second[at_least(&second, lo2)..at_least(&second, hi2)] {
            let y = b.u[j as usize];
            if y[0] >= hi1 {
                borderline += 1;
                accepted += u128::from(decode(ra, b.rank[j as usize]));
            }
        }
        if borderline > MAX_BORDERLINE {
            return None;
        }
    }
    Some(clear + accepted)
}

/// Sizes the zone of possible agreement: 0 when no frontier point is acceptable to all,
/// the whole space when every reservation value is at most that party's worst utility
/// (additive utilities), the two-party meet-in-the-middle count for two additive profiles
/// ([`count_two_additive`]), and otherwise enumeration up to `max_enumeration` outcomes.
pub fn zopa(
    space: &OutcomeSpace,
    profiles: &[Profile],
    frontier: &ParetoFrontier,
    max_enumeration: u128,
) -> Result<Zopa, NegotiationError> {
    zopa_sampled(
        space,
        profiles,
        frontier,
        max_enumeration,
        crate::pareto::FrontierOptions::default().continuous_samples,
    )
}

/// [`zopa`], and for a space with continuous issues the zone counted on the grid of
/// `samples` points per continuous issue (two additive parties).
pub fn zopa_sampled(
    space: &OutcomeSpace,
    profiles: &[Profile],
    frontier: &ParetoFrontier,
    max_enumeration: u128,
    samples: u32,
) -> Result<Zopa, NegotiationError> {
    let d: Vec<f64> = profiles.iter().map(|p| p.reservation).collect();
    let frontier_points = frontier.points.iter().filter(|p| acceptable(p, &d)).count();
    let Some(total) = space.size() else {
        let grid = crate::pareto::issue_grid(space, samples)?;
        let of = grid.iter().fold(1u128, |n, g| n.saturating_mul(g.len() as u128));
        let sampled = count_two_additive(&grid, profiles).map(|acceptable| SampledZone { acceptable, of, samples });
        return Ok(Zopa { size: None, frontier_points, sampled });
    };
    if frontier_points == 0 {
        return Ok(Zopa { size: Some(0), frontier_points, sampled: None });
    }
    let ranges: Option<Vec<(f64, f64)>> = profiles.iter().map(|p| additive_range(space, p)).collect();
    if let Some(ranges) = &ranges {
        if ranges.iter().zip(&d).all(|((lo, _), r)| lo >= r) {
            return Ok(Zopa { size: Some(total), frontier_points, sampled: None });
        }
    }
    let grid = crate::pareto::issue_grid(space, samples)?;
    if let Some(count) = count_two_additive(&grid, profiles) {
        return Ok(Zopa { size: Some(count), frontier_points, sampled: None });
    }
    if total > max_enumeration {
        return Ok(Zopa { size: None, frontier_points, sampled: None });
    }
    let count = acceptable_outcomes(space, profiles).count();
    Ok(Zopa { size: Some(count as u128), frontier_points, sampled: None })
}

/// The agreements every party accepts (`u_i ≥ reservation_i`), lazily, in outcome-rank order
/// (discrete spaces only; empty for spaces with a continuous issue). Nothing is collected:
/// take what you need.
pub fn acceptable_outcomes<'a>(
    space: &'a OutcomeSpace,
    profiles: &'a [Profile],
) -> impl Iterator<Item = Vec<Value>> + 'a {
    space.iter_outcomes().filter_map(move |idx| {
        let o: Vec<Value> = idx.iter().map(|&k| Value::Index(k)).collect();
        profiles.iter().all(|p| p.accepts(&o)).then_some(o)
    })
}

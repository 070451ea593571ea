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
use crate::utility::{Profile, Utility};

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
}

/// The smallest and largest utility a profile can reach, when cheaply known (additive
/// utilities over discrete spaces: per-issue minima/maxima summed).
fn additive_range(space: &OutcomeSpace, profile: &Profile) -> Option<(f64, f64)> {
    let Utility::Additive(a) = &profile.utility else { return None };
    let mut lo = 0.0;
    let mut hi = 0.0;
    for i in 0..space.len() {
        let t = a.weighted_table(i);
        if t.is_empty() {
            return None;
        }
        lo += t.iter().copied().fold(f64::INFINITY, f64::min);
        hi += t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    }
    Some((lo, hi))
}

/// Sizes the zone of possible agreement. Counts by enumeration up to `max_enumeration`
/// outcomes; beyond that only the "everything" and "nothing" shortcuts (from additive
/// utility ranges) give an answer.
pub fn zopa(
    space: &OutcomeSpace,
    profiles: &[Profile],
    frontier: &ParetoFrontier,
    max_enumeration: u128,
) -> Result<Zopa, NegotiationError> {
    let d: Vec<f64> = profiles.iter().map(|p| p.reservation).collect();
    let frontier_points = frontier.points.iter().filter(|p| acceptable(p, &d)).count();
    let Some(total) = space.size() else { return Ok(Zopa { size: None, frontier_points }) };
    if frontier_points == 0 {
        return Ok(Zopa { size: Some(0), frontier_points });
    }
    let ranges: Option<Vec<(f64, f64)>> = profiles.iter().map(|p| additive_range(space, p)).collect();
    if let Some(ranges) = &ranges {
        if ranges.iter().zip(&d).all(|((lo, _), r)| lo >= r) {
            return Ok(Zopa { size: Some(total), frontier_points });
        }
    }
    if total > max_enumeration {
        return Ok(Zopa { size: None, frontier_points });
    }
    let count = acceptable_outcomes(space, profiles).count();
    Ok(Zopa { size: Some(count as u128), frontier_points })
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

//! Exact Pareto frontiers.
//!
//! A point dominates another when it is at least as good for every party and better for one.
//! The frontier is the set of non-dominated *utility vectors*; each [`FrontierPoint`] carries
//! one outcome achieving it and how many outcomes do (`multiplicity`).
//!
//! Two algorithms:
//!
//! * **Additive merge** (every profile additive): the utility vector of an outcome is a sum
//!   of per-issue vectors `t_i(v) = (w¹_i f¹_i(v), …, wᴺ_i fᴺ_i(v))`. Adding the same vector
//!   to two partial sums preserves dominance, so a partial sum over issues `1..k` that is
//!   dominated can never complete to a frontier point. Hence
//!   `F_k = ND(F_{k-1} ⊕ ND(T_k))`, `F_0 = {0}`: a Minkowski sum with dominance pruning after
//!   each issue. Cost `Σ_k |F_{k-1}|·|T_k|` candidates (plus a sort for two parties or a
//!   skyline filter for more) — independent of the outcome-space size, so 10¹² outcomes are
//!   fine as long as the intermediate frontiers stay small. Sums are accumulated in issue
//!   order from 0, exactly as [`crate::utility::AdditiveUtility`] evaluates an outcome, so the
//!   values are bit-identical to enumeration.
//! * **Enumeration** (any utility, via the [`crate::utility::UtilityFunction`] hook): every
//!   outcome is evaluated in blocks (in parallel; blocks are reduced in index order, so the
//!   result does not depend on the thread count) and each block's skyline is merged into
//!   the running frontier. Refused, before allocating anything, when the space exceeds
//!   [`FrontierOptions::max_enumeration`].
//!
//! Skyline filter for N parties: sort-filter-skyline — candidates sorted by utility sum
//! (ties: lexicographically) descending, so no later candidate can dominate an earlier one;
//! each candidate is checked only against the points already accepted.
//!
//! Continuous issues are sampled on a uniform grid of [`FrontierOptions::continuous_samples`]
//! points (the result is then flagged approximate).

use rayon::prelude::*;
use serde::Serialize;

use crate::domain::{IssueValues, OutcomeSpace, Value};
use crate::error::NegotiationError;
use crate::utility::{AdditiveUtility, Profile};

/// Limits and knobs for frontier computation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierOptions {
    /// Largest outcome space enumeration will touch (non-additive utilities).
    pub max_enumeration: u128,
    /// Largest number of candidate sums one step of the additive merge may create, and the
    /// largest frontier enumeration may accumulate.
    pub max_candidates: usize,
    /// Grid points per continuous issue.
    pub continuous_samples: u32,
    /// Enumerate even when every utility is additive (for testing and benchmarking).
    pub force_enumeration: bool,
}

impl Default for FrontierOptions {
    fn default() -> Self {
        FrontierOptions {
            max_enumeration: 200_000_000,
            max_candidates: 20_000_000,
            continuous_samples: 101,
            force_enumeration: false,
        }
    }
}

/// One non-dominated utility vector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontierPoint {
    /// One utility per party, in profile order.
    pub utilities: Vec<f64>,
    /// An outcome with exactly these utilities.
    pub outcome: Vec<Value>,
    /// How many outcomes (of the possibly discretised space) have exactly these utilities
    /// (saturating). Exact when utility sums are exact in floating point; otherwise the
    /// additive merge may miss outcomes that tie with a frontier point only through rounding.
    pub multiplicity: u64,
}

/// How a frontier was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrontierMethod {
    /// Issue-by-issue Minkowski merge with dominance pruning (additive utilities).
    AdditiveMerge,
    /// Full enumeration with a skyline filter.
    Enumeration,
    /// Not computed: the `pareto.xml` Genius ships beside some domains too large to
    /// enumerate (utilities only; the outcomes behind the points are not known).
    GeniusParetoFile,
}

/// The Pareto frontier of a set of profiles over an outcome space.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParetoFrontier {
    /// The frontier, sorted by the first party's utility descending (then the next party's…).
    pub points: Vec<FrontierPoint>,
    /// The algorithm used.
    pub method: FrontierMethod,
    /// True when continuous issues were sampled on a grid.
    pub approximate: bool,
    /// Each party's lowest utility over the (discretised) space: its worst agreement.
    pub worst: Vec<f64>,
    /// Each party's highest utility over the space (its ideal, reached on the frontier).
    pub best: Vec<f64>,
}

/// Per-issue candidate values (the grid for continuous issues).
pub(crate) fn issue_grid(space: &OutcomeSpace, samples: u32) -> Result<Vec<Vec<Value>>, NegotiationError> {
    space
        .issues
        .iter()
        .map(|issue| match issue.values {
            IssueValues::Continuous { low, high } => {
                let n = samples.max(2);
                if low == high {
                    return Ok(vec![Value::Real(low)]);
                }
                Ok((0..n).map(|k| Value::Real(low + (high - low) * k as f64 / (n - 1) as f64)).collect())
            }
            _ => Ok((0..issue.cardinality().unwrap_or(0)).map(Value::Index).collect()),
        })
        .collect()
}

fn grid_size(grid: &[Vec<Value>]) -> u128 {
    grid.iter().fold(1u128, |n, g| n.saturating_mul(g.len() as u128))
}

/// Computes the Pareto frontier of `profiles` over `space`.
pub fn pareto_frontier(
    space: &OutcomeSpace,
    profiles: &[Profile],
    options: &FrontierOptions,
) -> Result<ParetoFrontier, NegotiationError> {
    if profiles.is_empty() {
        return Err(NegotiationError::invalid("the frontier needs at least one profile"));
    }
    let grid = issue_grid(space, options.continuous_samples)?;
    let approximate = !space.is_discrete();
    let additive: Option<Vec<&AdditiveUtility>> = profiles.iter().map(|p| p.utility.as_additive()).collect();
    let (mut points, worst) = match additive {
        Some(us) if !options.force_enumeration => {
            (additive_merge(&grid, &us, options.max_candidates)?, additive_worst(&grid, &us))
        }
        _ => {
            let (reps, sizes) = interchangeable_values(space, &grid, profiles);
            enumerate(&reps, &sizes, profiles, options.max_enumeration, options.max_candidates)?
        }
    };
    let mut best = vec![f64::NEG_INFINITY; profiles.len()];
    for p in &points {
        for (b, u) in best.iter_mut().zip(&p.utilities) {
            *b = b.max(*u);
        }
    }
    sort_points(&mut points);
    let method = if profiles.iter().all(|p| p.utility.as_additive().is_some()) && !options.force_enumeration {
        FrontierMethod::AdditiveMerge
    } else {
        FrontierMethod::Enumeration
    };
    Ok(ParetoFrontier { points, method, approximate, worst, best })
}

/// Merges values every profile declares interchangeable (see
/// [`crate::utility::UtilityFunction::value_classes`]): per issue, one representative per
/// class of the common refinement, and the class sizes (the multiplicity each stands for).
fn interchangeable_values(
    space: &OutcomeSpace,
    grid: &[Vec<Value>],
    profiles: &[Profile],
) -> (Vec<Vec<Value>>, Vec<Vec<u64>>) {
    let mut reps = Vec::with_capacity(grid.len());
    let mut sizes = Vec::with_capacity(grid.len());
    for (i, values) in grid.iter().enumerate() {
        let card = space.issues[i].cardinality();
        let classes: Option<Vec<Vec<u32>>> =
            card.and_then(|c| profiles.iter().map(|p| p.utility.value_classes(i, c)).collect());
        let Some(classes) = classes else {
            reps.push(values.clone());
            sizes.push(vec![1; values.len()]);
            continue;
        };
        let mut keys: Vec<Vec<u32>> = Vec::new();
        let mut r = Vec::new();
        let mut n: Vec<u64> = Vec::new();
        for (k, &v) in values.iter().enumerate() {
            let key: Vec<u32> = classes.iter().map(|c| c.get(k).copied().unwrap_or(k as u32)).collect();
            match keys.iter().position(|x| *x == key) {
                Some(j) => n[j] += 1,
                None => {
                    keys.push(key);
                    r.push(v);
                    n.push(1);
                }
            }
        }
        reps.push(r);
        sizes.push(n);
    }
    (reps, sizes)
}

/// Lowest utility per party: per-issue minima summed in issue order (exactly the utility of
/// the outcome made of the per-issue worst values).
fn additive_worst(grid: &[Vec<Value>], utils: &[&AdditiveUtility]) -> Vec<f64> {
    utils
        .iter()
        .map(|u| {
            let mut sum = 0.0;
            for (i, values) in grid.iter().enumerate() {
                sum += values.iter().map(|&v| u.issue_term(i, v)).fold(f64::INFINITY, f64::min);
            }
            sum
        })
        .collect()
}

fn sort_points(points: &mut [FrontierPoint]) {
    points.sort_by(|a, b| {
        for (x, y) in a.utilities.iter().zip(&b.utilities) {
            match y.total_cmp(x) {
                std::cmp::Ordering::Equal => continue,
                o => return o,
            }
        }
        std::cmp::Ordering::Equal
    });
}

/// `a` dominates `b`: ≥ everywhere, > somewhere.
#[inline]
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    let mut strict = false;
    for (x, y) in a.iter().zip(b) {
        if x < y {
            return false;
        }
        if x > y {
            strict = true;
        }
    }
    strict
}

/// A flat list of candidate points: `dims` utilities each, plus a payload per point.
struct Cloud<P> {
    dims: usize,
    utils: Vec<f64>,
    payload: Vec<P>,
    mult: Vec<u64>,
}

impl<P: Copy> Cloud<P> {
    fn with_capacity(dims: usize, n: usize) -> Self {
        Cloud { dims, utils: Vec::with_capacity(n * dims), payload: Vec::with_capacity(n), mult: Vec::with_capacity(n) }
    }
    fn len(&self) -> usize {
        self.payload.len()
    }
    fn point(&self, i: usize) -> &[f64] {
        &self.utils[i * self.dims..(i + 1) * self.dims]
    }
    fn push(&mut self, u: &[f64], p: P, m: u64) {
        self.utils.extend_from_slice(u);
        self.payload.push(p);
        self.mult.push(m);
    }

    /// The non-dominated subset; equal vectors are merged (multiplicities added; the payload
    /// kept is the one `prefer` picks, so the result does not depend on input order).
    fn skyline(&self, prefer: impl Fn(&P, &P) -> bool) -> Result<Cloud<P>, NegotiationError> {
        let n = self.len();
        let d = self.dims;
        let mut order: Vec<u32> = (0..n as u32).collect();
        let mut out = Cloud::with_capacity(d, 0);
        if d == 2 {
            // Sort by u0 desc, u1 desc; sweep keeping the best u1 seen.
            order.sort_unstable_by(|&a, &b| {
                let (pa, pb) = (self.point(a as usize), self.point(b as usize));
                pb[0].total_cmp(&pa[0]).then(pb[1].total_cmp(&pa[1]))
            });
            let mut best = f64::NEG_INFINITY;
            for &i in &order {
                let p = self.point(i as usize);
                let last = out.len().checked_sub(1);
                if let Some(l) = last.filter(|&l| out.point(l) == p) {
                    out.mult[l] = out.mult[l].saturating_add(self.mult[i as usize]);
                    if prefer(&self.payload[i as usize], &out.payload[l]) {
                        out.payload[l] = self.payload[i as usize];
                    }
                } else if p[1] > best {
                    best = p[1];
                    out.push(p, self.payload[i as usize], self.mult[i as usize]);
                }
            }
            return Ok(out);
        }
        // With many parties almost every point can be non-dominated and the filter
        // compares each candidate with every point kept: bounded, not left to run for hours.
        let mut work: u64 = 0;
        let too_much = |work: u64| {
            (work > MAX_SKYLINE_WORK).then(|| {
                NegotiationError::too_large(format!(
                    "the Pareto filter of {n} points of {d} parties needs more than {MAX_SKYLINE_WORK:e} \
                     comparisons; with this many parties nearly every outcome is on the frontier, which is too \
                     large to list (name two profiles, or fewer)"
                ))
            })
        };
        let sums: Vec<f64> = (0..n).map(|i| self.point(i).iter().sum()).collect();
        order.sort_unstable_by(|&a, &b| {
            sums[b as usize].total_cmp(&sums[a as usize]).then_with(|| {
                let (pa, pb) = (self.point(a as usize), self.point(b as usize));
                for (x, y) in pa.iter().zip(pb) {
                    match y.total_cmp(x) {
                        std::cmp::Ordering::Equal => continue,
                        o => return o,
                    }
                }
                std::cmp::Ordering::Equal
            })
        });
        // Kept points are bucketed on a G×G grid over the first two utilities; each cell
        // records the per-party maxima of its points. A dominator q of p has q ≥ p in every
        // coordinate, so only cells at or above p's cell in both axes, whose maxima all reach
        // p, can hold one. A few recent dominators are tried first.
        const G: usize = 8;
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        let axes = d.min(2); // a single party has one axis; the second bin is then always 0
        for k in 0..n {
            let p = self.point(k);
            for a in 0..axes {
                lo[a] = lo[a].min(p[a]);
                hi[a] = hi[a].max(p[a]);
            }
        }
        let bin = |x: f64, a: usize| -> usize {
            let w = hi[a] - lo[a];
            if w > 0.0 {
                (((x - lo[a]) / w * G as f64) as usize).min(G - 1)
            } else {
                0
            }
        };
        let mut cells: Vec<Vec<u32>> = vec![Vec::new(); G * G];
        let mut cell_max = vec![f64::NEG_INFINITY; G * G * d];
        let mut recent: Vec<u32> = Vec::new();
        'cand: for &i in &order {
            let p = self.point(i as usize);
            // Equal vectors are adjacent in this order: merge with the last accepted.
            if let Some(l) = out.len().checked_sub(1) {
                if out.point(l) == p {
                    out.mult[l] = out.mult[l].saturating_add(self.mult[i as usize]);
                    if prefer(&self.payload[i as usize], &out.payload[l]) {
                        out.payload[l] = self.payload[i as usize];
                    }
                    continue;
                }
            }
            work += (recent.len() * d) as u64;
            if let Some(e) = too_much(work) {
                return Err(e);
            }
            for j in 0..recent.len() {
                if dominates(out.point(recent[j] as usize), p) {
                    recent[..=j].rotate_right(1);
                    continue 'cand;
                }
            }
            let (bx, by) = (bin(p[0], 0), if axes == 2 { bin(p[1], 1) } else { 0 });
            for cx in bx..G {
                for cy in by..G {
                    let c = cx * G + cy;
                    if cell_max[c * d..(c + 1) * d].iter().zip(p).any(|(m, x)| m < x) {
                        continue;
                    }
                    work += (cells[c].len() * d) as u64;
                    for &q in &cells[c] {
                        if dominates(out.point(q as usize), p) {
                            if recent.len() < 8 {
                                recent.push(q);
                            } else {
                                recent[7] = q;
                            }
                            recent.rotate_right(1);
                            continue 'cand;
                        }
                    }
                }
            }
            let c = bx * G + by;
            cells[c].push(out.len() as u32);
            for (m, x) in cell_max[c * d..(c + 1) * d].iter_mut().zip(p) {
                *m = m.max(*x);
            }
            out.push(p, self.payload[i as usize], self.mult[i as usize]);
            if let Some(e) = too_much(work) {
                return Err(e);
            }
        }
        Ok(out)
    }
}

/// The most coordinate comparisons one Pareto filter of three or more parties may
/// make (a few seconds).
const MAX_SKYLINE_WORK: u64 = 10_000_000_000;

/// Issue-by-issue merge for additive utilities (see the module docs).
fn additive_merge(
    grid: &[Vec<Value>],
    utils: &[&AdditiveUtility],
    max_candidates: usize,
) -> Result<Vec<FrontierPoint>, NegotiationError> {
    let d = utils.len();
    // Back-pointers per stage: (parent index in the previous stage, value position in grid).
    let mut stages: Vec<Vec<(u32, u32)>> = Vec::with_capacity(grid.len());
    let mut current: Cloud<(u32, u32)> = Cloud::with_capacity(d, 1);
    current.push(&vec![0.0; d], (0, 0), 1);
    let mut term = vec![0.0; d];
    let mut sum = vec![0.0; d];
    for (i, values) in grid.iter().enumerate() {
        // Per-issue vectors, pruned to their own skyline first (exact: a dominated value
        // only ever yields dominated outcomes).
        let mut issue_cloud: Cloud<u32> = Cloud::with_capacity(d, values.len());
        for (k, &v) in values.iter().enumerate() {
            for (t, u) in term.iter_mut().zip(utils) {
                *t = u.issue_term(i, v);
            }
            issue_cloud.push(&term, k as u32, 1);
        }
        let issue_front = issue_cloud.skyline(|a, b| a < b)?;
        let n_cand = current.len().saturating_mul(issue_front.len());
        if n_cand > max_candidates {
            return Err(NegotiationError::too_large(format!(
                "the additive frontier merge needs {n_cand} candidate points at issue {} (limit {max_candidates}); \
                 the frontier of this domain is too large to list",
                i + 1
            )));
        }
        let mut cand: Cloud<(u32, u32)> = Cloud::with_capacity(d, n_cand);
        for p in 0..current.len() {
            let base = current.point(p);
            for q in 0..issue_front.len() {
                let t = issue_front.point(q);
                for ((s, b), x) in sum.iter_mut().zip(base).zip(t) {
                    *s = b + x;
                }
                cand.push(
                    &sum,
                    (p as u32, issue_front.payload[q]),
                    current.mult[p].saturating_mul(issue_front.mult[q]),
                );
            }
        }
        current = cand.skyline(|a, b| a < b)?;
        stages.push(current.payload.clone());
    }
    // Reconstruct one outcome per final point by walking the back-pointers.
    let mut points = Vec::with_capacity(current.len());
    for f in 0..current.len() {
        let mut outcome = vec![Value::Index(0); grid.len()];
        let mut idx = f as u32;
        for (i, stage) in stages.iter().enumerate().rev() {
            let (parent, k) = stage[idx as usize];
            outcome[i] = grid[i][k as usize];
            idx = parent;
        }
        points.push(FrontierPoint { utilities: current.point(f).to_vec(), outcome, multiplicity: current.mult[f] });
    }
    Ok(points)
}

/// Decodes mixed-radix `rank` into per-issue grid positions (last issue fastest).
fn decode(mut rank: u64, radices: &[usize], out: &mut [usize]) {
    for (slot, &r) in out.iter_mut().zip(radices).rev() {
        *slot = (rank % r as u64) as usize;
        rank /= r as u64;
    }
}

const BLOCK: u64 = 1 << 16;

/// Full enumeration with per-block skylines reduced in block order.
fn enumerate(
    grid: &[Vec<Value>],
    sizes: &[Vec<u64>],
    profiles: &[Profile],
    max: u128,
    max_points: usize,
) -> Result<(Vec<FrontierPoint>, Vec<f64>), NegotiationError> {
    let total = grid_size(grid);
    if total > max || total > u64::MAX as u128 {
        return Err(NegotiationError::too_large(format!(
            "enumerating the frontier would visit {total} outcomes (limit {max}, after merging interchangeable \
             values); only additive utilities can be analysed without enumeration"
        )));
    }
    let total = total as u64;
    let d = profiles.len();
    let radices: Vec<usize> = grid.iter().map(Vec::len).collect();
    let n_blocks = total.div_ceil(BLOCK);
    let block_front = |b: u64| -> Result<(Cloud<u64>, Vec<f64>), NegotiationError> {
        let start = b * BLOCK;
        let end = (start + BLOCK).min(total);
        let mut cloud: Cloud<u64> = Cloud::with_capacity(d, 1024);
        let mut pos = vec![0usize; grid.len()];
        let mut outcome: Vec<Value> = vec![Value::Index(0); grid.len()];
        let mut u = vec![0.0; d];
        let mut worst = vec![f64::INFINITY; d];
        let mut sentinels = vec![f64::NEG_INFINITY; d * (d + 1)];
        let mut best_sum = f64::NEG_INFINITY;
        decode(start, &radices, &mut pos);
        for rank in start..end {
            for ((o, &p), g) in outcome.iter_mut().zip(&pos).zip(grid) {
                *o = g[p];
            }
            for ((x, w), prof) in u.iter_mut().zip(worst.iter_mut()).zip(profiles) {
                *x = prof.utility(&outcome);
                *w = w.min(*x);
            }
            // Cheap pre-filter: most outcomes are dominated by one of a few strong points
            // (best sum, best per party) seen so far in this block.
            if !sentinels.chunks_exact(d).any(|s| dominates(s, &u)) {
                let mult = pos.iter().zip(sizes).fold(1u64, |m, (&p, s)| m.saturating_mul(s[p]));
                cloud.push(&u, rank, mult);
                let sum: f64 = u.iter().sum();
                if sum > best_sum {
                    best_sum = sum;
                    sentinels[..d].copy_from_slice(&u);
                }
                for k in 0..d {
                    let slot = &mut sentinels[(k + 1) * d..(k + 2) * d];
                    if u[k] > slot[k] || (u[k] == slot[k] && dominates(&u, slot)) {
                        slot.copy_from_slice(&u);
                    }
                }
            }
            // Odometer increment.
            for k in (0..pos.len()).rev() {
                pos[k] += 1;
                if pos[k] < radices[k] {
                    break;
                }
                pos[k] = 0;
            }
        }
        Ok((cloud.skyline(|a, b| a < b)?, worst))
    };
    type Partial = Result<(Cloud<u64>, Vec<f64>), NegotiationError>;
    let merge = |a: Partial, b: Partial| -> Partial {
        let ((mut all, wa), (b, wb)) = (a?, b?);
        if all.len() + b.len() > max_points {
            return Err(NegotiationError::too_large(format!(
                "the frontier has more than {max_points} points; too many to list"
            )));
        }
        for i in 0..b.len() {
            all.push(b.point(i), b.payload[i], b.mult[i]);
        }
        Ok((all.skyline(|x, y| x < y)?, wa.iter().zip(&wb).map(|(x, y)| x.min(*y)).collect()))
    };
    let (front, worst) = (0..n_blocks)
        .into_par_iter()
        .map(block_front)
        .reduce(|| Ok((Cloud::with_capacity(d, 0), vec![f64::INFINITY; d])), merge)?;
    let mut pos = vec![0usize; grid.len()];
    let points = (0..front.len())
        .map(|i| {
            decode(front.payload[i], &radices, &mut pos);
            FrontierPoint {
                utilities: front.point(i).to_vec(),
                outcome: pos.iter().zip(grid).map(|(&p, g)| g[p]).collect(),
                multiplicity: front.mult[i],
            }
        })
        .collect();
    Ok((points, worst))
}

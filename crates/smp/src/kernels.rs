//! The hot loops, written so the compiler can vectorise them without changing
//! any result: every sum still runs over its terms in KTAB's order; only
//! independent sums are computed side by side.
//!
//! Each kernel is generic over the voting rule (a zero-sized type), so the rule
//! is resolved at compile time instead of in the innermost loop.

use demarche_scenario::settings::smp::VotingRule;
use rayon::prelude::*;

use crate::pce::{Square, MIN_COALITION};

/// A voting rule as a type: `vote(w, du)` is the influence for a utility
/// difference `du` (see [`crate::rules::vote`], which this must match exactly).
pub trait Rule: Copy + Send + Sync + 'static {
    fn vote(w: f64, ua: f64, ub: f64) -> f64;
}

macro_rules! rule_type {
    ($name:ident, $variant:ident) => {
        #[derive(Clone, Copy)]
        pub struct $name;
        impl Rule for $name {
            #[inline(always)]
            fn vote(w: f64, ua: f64, ub: f64) -> f64 {
                crate::rules::vote(VotingRule::$variant, w, ua, ub)
            }
        }
    };
}

rule_type!(Binary, Binary);
rule_type!(PropBin, PropBin);
rule_type!(Prop, Prop);
rule_type!(PropCbc, PropCbc);
rule_type!(Cubic, Cubic);
rule_type!(ASymProsp, ASymProsp);

/// Call `$body` with `$R` bound to the rule type of `$rule`.
#[macro_export]
#[doc(hidden)]
macro_rules! with_rule {
    ($rule:expr, $R:ident => $body:expr) => {
        match $rule {
            demarche_scenario::settings::smp::VotingRule::Binary => {
                type $R = $crate::kernels::Binary;
                $body
            }
            demarche_scenario::settings::smp::VotingRule::PropBin => {
                type $R = $crate::kernels::PropBin;
                $body
            }
            demarche_scenario::settings::smp::VotingRule::Prop => {
                type $R = $crate::kernels::Prop;
                $body
            }
            demarche_scenario::settings::smp::VotingRule::PropCbc => {
                type $R = $crate::kernels::PropCbc;
                $body
            }
            demarche_scenario::settings::smp::VotingRule::Cubic => {
                type $R = $crate::kernels::Cubic;
                $body
            }
            demarche_scenario::settings::smp::VotingRule::ASymProsp => {
                type $R = $crate::kernels::ASymProsp;
                $body
            }
        }
    };
}

/// Coalition strengths of `options` options among voters whose utilities are
/// the rows of `util` (row-major, `stride` entries per row): for a > b,
/// `c(a,b) = ε + Σₖ max(0, vₖ(a:b))` and `c(b,a) = ε + Σₖ max(0, −vₖ(a:b))`,
/// each sum over voters in order.
pub fn coalitions(rule: VotingRule, weights: &[f64], util: &[f64], stride: usize, options: usize) -> Square {
    coalitions_grouped(rule, weights, util, stride, options, None)
}

/// As [`coalitions`]; `class[a]` (if given) names a representative option
/// whose utilities are bit for bit those of option a, so each distinct column
/// is summed once. Only used for voting rules that are exactly antisymmetric
/// (`v(a:b) = −v(b:a)` to the bit), which all but ASymProsp are.
pub fn coalitions_grouped(
    rule: VotingRule,
    weights: &[f64],
    util: &[f64],
    stride: usize,
    options: usize,
    class: Option<&[usize]>,
) -> Square {
    let class = if rule == VotingRule::ASymProsp { None } else { class };
    let reps: Vec<usize> = match class {
        Some(c) => (0..options).filter(|&a| c[a] == a).collect(),
        None => (0..options).collect(),
    };
    let nr = reps.len();
    let voters = weights.len();
    let tiles = Tiles::new(voters, nr, |k, q| util[k * stride + reps[q]]);
    let (pos, neg) = with_rule!(rule, R => lower_sums::<R>(weights, &tiles));
    let mut c = Square::zeros(options);
    match class {
        None => {
            for a in 0..options {
                for b in 0..a {
                    c.set(a, b, pos[a * nr + b]);
                    c.set(b, a, neg[a * nr + b]);
                }
                c.set(a, a, MIN_COALITION);
            }
        }
        Some(cls) => {
            let mut rank = vec![0; options];
            for (q, &a) in reps.iter().enumerate() {
                rank[a] = q;
            }
            for a in 0..options {
                let p = rank[cls[a]];
                for b in 0..a {
                    let q = rank[cls[b]];
                    let (ab, ba) = if p == q {
                        (MIN_COALITION, MIN_COALITION)
                    } else if p > q {
                        (pos[p * nr + q], neg[p * nr + q])
                    } else {
                        (neg[q * nr + p], pos[q * nr + p])
                    };
                    c.set(a, b, ab);
                    c.set(b, a, ba);
                }
                c.set(a, a, MIN_COALITION);
            }
        }
    }
    c
}

/// Below this many actors the work of a turn is too small to share out:
/// thread hand-offs would cost more than they save.
pub const PAR_MIN_ACTORS: usize = 48;

/// `(0..len).map(f)`, on rayon's threads when `parallel`; results in index
/// order either way, so the thread count never changes them.
pub fn map_indices<T: Send>(len: usize, parallel: bool, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    if parallel {
        (0..len).into_par_iter().map(f).collect()
    } else {
        (0..len).map(f).collect()
    }
}

/// Lanes of options handled together.
pub const LANES: usize = 8;

/// A voters × options utility matrix stored in groups of [`LANES`] options:
/// for each group, every voter's utilities of its options are contiguous, so
/// scanning voters for a group reads memory in order (rows of the plain
/// layout are a page apart for large scenarios, which defeats prefetching).
#[derive(Clone, Debug)]
pub struct Tiles {
    pub voters: usize,
    pub options: usize,
    data: Vec<f64>,
}

impl Tiles {
    pub fn new(voters: usize, options: usize, at: impl Fn(usize, usize) -> f64) -> Self {
        let groups = options.div_ceil(LANES);
        let mut data = vec![0.0; groups * voters * LANES];
        for g in 0..groups {
            for k in 0..voters {
                for l in 0..LANES {
                    let q = g * LANES + l;
                    if q < options {
                        data[(g * voters + k) * LANES + l] = at(k, q);
                    }
                }
            }
        }
        Tiles { voters, options, data }
    }

    /// Group g: voters × LANES, voter-major.
    #[inline(always)]
    pub fn group(&self, g: usize) -> &[f64] {
        &self.data[g * self.voters * LANES..(g + 1) * self.voters * LANES]
    }
}

/// Rows of the coalition matrix handled by one task.
const ROW_BLOCK: usize = 8;

/// For a > b over the options of `t`: the sums of positive and of negative
/// votes for a over b, voters in order. Returned as two n × n row-major
/// arrays (lower triangle filled).
fn lower_sums<R: Rule>(weights: &[f64], t: &Tiles) -> (Vec<f64>, Vec<f64>) {
    let n = t.options;
    let blocks: Vec<usize> = (0..n).step_by(ROW_BLOCK).collect();
    let work = |&a0: &usize| -> (Vec<f64>, Vec<f64>) {
        let a1 = (a0 + ROW_BLOCK).min(n);
        let mut pos = vec![MIN_COALITION; (a1 - a0) * a1];
        let mut neg = vec![MIN_COALITION; (a1 - a0) * a1];
        row_block::<R>(weights, t, a0, a1, &mut pos, &mut neg);
        (pos, neg)
    };
    let parts: Vec<(Vec<f64>, Vec<f64>)> =
        if n >= 64 { blocks.par_iter().map(work).collect() } else { blocks.iter().map(work).collect() };
    let mut pos = vec![0.0; n * n];
    let mut neg = vec![0.0; n * n];
    for (&a0, (p, q)) in blocks.iter().zip(parts) {
        let a1 = (a0 + ROW_BLOCK).min(n);
        for a in a0..a1 {
            let r = a - a0;
            pos[a * n..a * n + a].copy_from_slice(&p[r * a1..r * a1 + a]);
            neg[a * n..a * n + a].copy_from_slice(&q[r * a1..r * a1 + a]);
        }
    }
    (pos, neg)
}

/// Rows a0..a1 (each b < a); `pos`/`neg` are (a1−a0) × a1.
fn row_block<R: Rule>(weights: &[f64], t: &Tiles, a0: usize, a1: usize, pos: &mut [f64], neg: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2() {
            // SAFETY: the CPU supports AVX2 (checked at run time just above).
            unsafe { row_block_avx2::<R>(weights, t, a0, a1, pos, neg) };
            return;
        }
    }
    row_block_generic::<R>(weights, t, a0, a1, pos, neg)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn row_block_avx2<R: Rule>(weights: &[f64], t: &Tiles, a0: usize, a1: usize, pos: &mut [f64], neg: &mut [f64]) {
    row_block_generic::<R>(weights, t, a0, a1, pos, neg)
}

#[inline(always)]
fn row_block_generic<R: Rule>(weights: &[f64], t: &Tiles, a0: usize, a1: usize, pos: &mut [f64], neg: &mut [f64]) {
    let width = a1;
    let voters = t.voters;
    for a in a0..a1 {
        let r = (a - a0) * width;
        let ga = t.group(a / LANES);
        let la = a % LANES;
        let full = a / LANES;
        // Whole groups of columns below a: running sums stay in registers
        // while the voters are scanned (each (a,b) still sums voters in order).
        for g in 0..full {
            let gb = t.group(g);
            let mut p = [MIN_COALITION; LANES];
            let mut q = [MIN_COALITION; LANES];
            for k in 0..voters {
                let ua = ga[k * LANES + la];
                let wk = weights[k];
                let ub: &[f64; LANES] = match gb[k * LANES..(k + 1) * LANES].try_into() {
                    Ok(x) => x,
                    Err(_) => continue,
                };
                for l in 0..LANES {
                    let v = R::vote(wk, ua, ub[l]);
                    p[l] += if v > 0.0 { v } else { 0.0 };
                    q[l] -= if v < 0.0 { v } else { 0.0 };
                }
            }
            let b0 = g * LANES;
            pos[r + b0..r + b0 + LANES].copy_from_slice(&p);
            neg[r + b0..r + b0 + LANES].copy_from_slice(&q);
        }
        // The columns of a's own group below it.
        for b in full * LANES..a {
            let lb = b % LANES;
            let mut p = MIN_COALITION;
            let mut q = MIN_COALITION;
            for k in 0..voters {
                let v = R::vote(weights[k], ga[k * LANES + la], ga[k * LANES + lb]);
                p += if v > 0.0 { v } else { 0.0 };
                q -= if v < 0.0 { v } else { 0.0 };
            }
            pos[r + b] = p;
            neg[r + b] = q;
        }
    }
}

/// A third-party commitment model as a type (see [`crate::rules::third_party_vote`]).
pub trait Commit: Copy + Send + Sync + 'static {
    const MODEL: demarche_scenario::settings::smp::ThirdPartyCommit;
}

macro_rules! commit_type {
    ($name:ident, $variant:ident) => {
        #[derive(Clone, Copy)]
        pub struct $name;
        impl Commit for $name {
            const MODEL: demarche_scenario::settings::smp::ThirdPartyCommit =
                demarche_scenario::settings::smp::ThirdPartyCommit::$variant;
        }
    };
}

commit_type!(NoCommit, NoCommit);
commit_type!(SemiCommit, SemiCommit);
commit_type!(FullCommit, FullCommit);

/// Call `$body` with `$C` bound to the commitment type of `$tpc`.
#[macro_export]
#[doc(hidden)]
macro_rules! with_commit {
    ($tpc:expr, $C:ident => $body:expr) => {
        match $tpc {
            demarche_scenario::settings::smp::ThirdPartyCommit::NoCommit => {
                type $C = $crate::kernels::NoCommit;
                $body
            }
            demarche_scenario::settings::smp::ThirdPartyCommit::SemiCommit => {
                type $C = $crate::kernels::SemiCommit;
                $body
            }
            demarche_scenario::settings::smp::ThirdPartyCommit::FullCommit => {
                type $C = $crate::kernels::FullCommit;
                $body
            }
        }
    };
}

/// Whether the running CPU has AVX2 (checked once).
#[inline]
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static AVX2: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *AVX2.get_or_init(|| std::is_x86_feature_detected!("avx2"))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Bargains summed together in registers.
const SUM_BARGAINS: usize = 4; // (the kernel names four running sums)

/// For each bargain b and voter x: `start_b[x] + Σ_y u_x(y)` over y in
/// ascending order, skipping the bargain's two principals, with every addition
/// rounded in that order. `u` holds the utilities with voters as the grouped
/// dimension (`Tiles::new(n, n, |y, x| u_x(y))`), so each group of voters
/// reads its utilities in order of y.
pub fn skip_sums(u: &Tiles, starts: &[Vec<f64>], skips: &[(usize, usize)]) -> Vec<Vec<f64>> {
    let n = u.options;
    let groups: Vec<usize> = (0..n.div_ceil(LANES)).collect();
    let per_group: Vec<Vec<[f64; LANES]>> =
        map_indices(groups.len(), n >= PAR_MIN_ACTORS, |g| sum_group(u, groups[g], starts, skips));
    let mut out = vec![vec![0.0; n]; starts.len()];
    for (g, sums) in per_group.into_iter().enumerate() {
        for (b, lanes) in sums.into_iter().enumerate() {
            for l in 0..LANES {
                let x = g * LANES + l;
                if x < n {
                    out[b][x] = lanes[l];
                }
            }
        }
    }
    out
}

fn sum_group(u: &Tiles, g: usize, starts: &[Vec<f64>], skips: &[(usize, usize)]) -> Vec<[f64; LANES]> {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2() {
            return sum_group_with(u, g, starts, skips, |tile, y0, y1, acc| {
                // SAFETY: the CPU supports AVX2 (checked at run time just above).
                unsafe { add_rows_avx2(tile, y0, y1, acc) }
            });
        }
    }
    sum_group_with(u, g, starts, skips, add_rows)
}

/// Running sums of four bargains for one group of voters.
type Sums = [[f64; LANES]; SUM_BARGAINS];

/// Add rows y0..y1 of a voter tile to all four running sums.
fn add_rows(tile: &[f64], y0: usize, y1: usize, acc: &mut Sums) {
    for y in y0..y1 {
        let Ok(row) = <&[f64; LANES]>::try_from(&tile[y * LANES..(y + 1) * LANES]) else {
            return;
        };
        for a in acc.iter_mut() {
            for l in 0..LANES {
                a[l] += row[l];
            }
        }
    }
}

/// [`add_rows`] with the eight running sums held in AVX2 registers (the
/// compiler keeps the array version in memory). Each sum still adds its
/// terms in order, so the results are the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_rows_avx2(tile: &[f64], y0: usize, y1: usize, acc: &mut Sums) {
    use std::arch::x86_64::{__m256d, _mm256_add_pd, _mm256_loadu_pd, _mm256_storeu_pd};
    let y1 = y1.min(tile.len() / LANES);
    if y0 >= y1 {
        return;
    }
    let rows = &tile[y0 * LANES..y1 * LANES];
    // SAFETY: every pointer below stays inside `acc` or `rows` (chunks of
    // exactly LANES = 8 doubles, read and written 4 at a time).
    unsafe {
        let load = |a: &[f64; LANES]| -> (__m256d, __m256d) {
            (_mm256_loadu_pd(a.as_ptr()), _mm256_loadu_pd(a.as_ptr().add(4)))
        };
        let (mut a0l, mut a0h) = load(&acc[0]);
        let (mut a1l, mut a1h) = load(&acc[1]);
        let (mut a2l, mut a2h) = load(&acc[2]);
        let (mut a3l, mut a3h) = load(&acc[3]);
        for row in rows.chunks_exact(LANES) {
            let lo = _mm256_loadu_pd(row.as_ptr());
            let hi = _mm256_loadu_pd(row.as_ptr().add(4));
            a0l = _mm256_add_pd(a0l, lo);
            a0h = _mm256_add_pd(a0h, hi);
            a1l = _mm256_add_pd(a1l, lo);
            a1h = _mm256_add_pd(a1h, hi);
            a2l = _mm256_add_pd(a2l, lo);
            a2h = _mm256_add_pd(a2h, hi);
            a3l = _mm256_add_pd(a3l, lo);
            a3h = _mm256_add_pd(a3h, hi);
        }
        let store = |a: &mut [f64; LANES], l: __m256d, h: __m256d| {
            _mm256_storeu_pd(a.as_mut_ptr(), l);
            _mm256_storeu_pd(a.as_mut_ptr().add(4), h);
        };
        store(&mut acc[0], a0l, a0h);
        store(&mut acc[1], a1l, a1h);
        store(&mut acc[2], a2l, a2h);
        store(&mut acc[3], a3l, a3h);
    }
}

fn sum_group_with(
    u: &Tiles,
    g: usize,
    starts: &[Vec<f64>],
    skips: &[(usize, usize)],
    add_rows: impl Fn(&[f64], usize, usize, &mut Sums),
) -> Vec<[f64; LANES]> {
    let n = u.options;
    let tile = u.group(g);
    let x0 = g * LANES;
    let start_of =
        |b: usize| -> [f64; LANES] { std::array::from_fn(|l| starts[b].get(x0 + l).copied().unwrap_or(0.0)) };
    let mut out = Vec::with_capacity(starts.len());
    let mut b0 = 0;
    while b0 < starts.len() {
        let b1 = (b0 + SUM_BARGAINS).min(starts.len());
        // One running sum per bargain of the block (unused ones are ignored).
        let mut skip = [(usize::MAX, usize::MAX); SUM_BARGAINS];
        let mut acc: Sums = [[0.0; LANES]; SUM_BARGAINS];
        for b in b0..b1 {
            acc[b - b0] = start_of(b);
            skip[b - b0] = skips[b];
        }
        // The skipped rows split 0..n into stretches every bargain of the
        // block sums in full; at a skipped row only the others add it.
        let mut cuts: Vec<usize> = skip.iter().flat_map(|&(p, q)| [p, q]).filter(|&y| y < n).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut y = 0;
        for &cut in cuts.iter().chain(std::iter::once(&n)) {
            add_rows(tile, y, cut, &mut acc);
            if cut < n {
                if let Ok(row) = <&[f64; LANES]>::try_from(&tile[cut * LANES..(cut + 1) * LANES]) {
                    for (a, &(p, q)) in acc.iter_mut().zip(&skip) {
                        if cut != p && cut != q {
                            for l in 0..LANES {
                                a[l] += row[l];
                            }
                        }
                    }
                }
            }
            y = cut + 1;
        }
        out.extend_from_slice(&acc[..b1 - b0]);
        b0 = b1;
    }
    out
}

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
    const RULE: VotingRule;
    fn vote(w: f64, ua: f64, ub: f64) -> f64;
}

macro_rules! rule_type {
    ($name:ident, $variant:ident) => {
        #[derive(Clone, Copy)]
        pub struct $name;
        impl Rule for $name {
            const RULE: VotingRule = VotingRule::$variant;
            #[inline(always)]
            fn vote(w: f64, ua: f64, ub: f64) -> f64 {
                crate::rules::vote(VotingRule::$variant, w, ua, ub)
            }
        }
    };
}

/// [`crate::rules::vote`] on four lanes: the same operations in the same
/// order (no fused multiply-adds), so each lane is the scalar result's bits.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn vote_avx2(
    rule: VotingRule,
    w: std::arch::x86_64::__m256d,
    ua: std::arch::x86_64::__m256d,
    ub: std::arch::x86_64::__m256d,
) -> std::arch::x86_64::__m256d {
    use crate::rules::{BINARY_SMOOTHING, PROP_BIN_BINARY_SHARE, PROP_CBC_CUBIC_SHARE};
    use std::arch::x86_64::*;
    let du = _mm256_sub_pd(ua, ub);
    // `if r > 1 { 1 } else { r }` then `if r < −1 { −1 } else { r }`: min/max
    // return their second operand when the comparison fails (NaN included).
    let binary = |du: __m256d| -> __m256d {
        let r = _mm256_div_pd(du, _mm256_set1_pd(BINARY_SMOOTHING));
        let r = _mm256_min_pd(_mm256_set1_pd(1.0), r);
        _mm256_max_pd(_mm256_set1_pd(-1.0), r)
    };
    let cube = |du: __m256d| _mm256_mul_pd(_mm256_mul_pd(du, du), du);
    match rule {
        VotingRule::Binary => _mm256_mul_pd(w, binary(du)),
        VotingRule::PropBin => _mm256_mul_pd(
            w,
            _mm256_add_pd(
                _mm256_mul_pd(_mm256_set1_pd(1.0 - PROP_BIN_BINARY_SHARE), du),
                _mm256_mul_pd(_mm256_set1_pd(PROP_BIN_BINARY_SHARE), binary(du)),
            ),
        ),
        VotingRule::Prop => _mm256_mul_pd(w, du),
        VotingRule::PropCbc => _mm256_mul_pd(
            w,
            _mm256_add_pd(
                _mm256_mul_pd(_mm256_set1_pd(1.0 - PROP_CBC_CUBIC_SHARE), du),
                _mm256_mul_pd(_mm256_set1_pd(PROP_CBC_CUBIC_SHARE), cube(du)),
            ),
        ),
        VotingRule::Cubic => _mm256_mul_pd(w, cube(du)),
        VotingRule::ASymProsp => {
            let zero = _mm256_setzero_pd();
            let loss = _mm256_mul_pd(w, du);
            let gain = _mm256_div_pd(_mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(2.0), w), du), _mm256_set1_pd(3.0));
            let is_loss = _mm256_cmp_pd::<_CMP_LT_OQ>(du, zero);
            let is_gain = _mm256_cmp_pd::<_CMP_GT_OQ>(du, zero);
            // du < 0: loss; du > 0: gain; otherwise (0 or NaN) 0.
            _mm256_or_pd(_mm256_and_pd(is_loss, loss), _mm256_and_pd(is_gain, gain))
        }
    }
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
    let (pos, neg) = with_rule!(rule, R => lower_sums::<R>(weights, &tiles, has_avx2()));
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

/// The sums of [`coalitions`] (positive and negative votes for a over b, for
/// a > b, row-major n × n, lower triangle) computed with or without the AVX2
/// kernel, so tests on an AVX2 machine can compare the two paths.
#[doc(hidden)]
pub fn coalition_sums(
    rule: VotingRule,
    weights: &[f64],
    util: &[f64],
    stride: usize,
    options: usize,
    simd: bool,
) -> (Vec<f64>, Vec<f64>) {
    let tiles = Tiles::new(weights.len(), options, |k, q| util[k * stride + q]);
    with_rule!(rule, R => lower_sums::<R>(weights, &tiles, simd))
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

/// Voters summed per pass over a pair of option groups: the two groups'
/// utilities of this many voters (2 × 8 KB) stay in the first-level cache
/// while every row of the group is summed over them.
const VOTER_CHUNK: usize = 128;

/// For a > b over the options of `t`: the sums of positive and of negative
/// votes for a over b, voters in order. Returned as two n × n row-major
/// arrays (lower triangle filled).
///
/// The work is split by groups of [`LANES`] rows (one task each); see
/// [`group_rows`] for the order of the loops inside a task.
fn lower_sums<R: Rule>(weights: &[f64], t: &Tiles, simd: bool) -> (Vec<f64>, Vec<f64>) {
    let n = t.options;
    let groups = n.div_ceil(LANES);
    let work = |big_g: usize| -> (Vec<f64>, Vec<f64>) {
        let width = (big_g + 1) * LANES;
        let mut pos = vec![MIN_COALITION; LANES * width];
        let mut neg = vec![MIN_COALITION; LANES * width];
        group_rows::<R>(weights, t, big_g, &mut pos, &mut neg, simd);
        (pos, neg)
    };
    let parts: Vec<(Vec<f64>, Vec<f64>)> = map_indices(groups, n >= 64, work);
    let mut pos = vec![0.0; n * n];
    let mut neg = vec![0.0; n * n];
    for (big_g, (p, q)) in parts.into_iter().enumerate() {
        let width = (big_g + 1) * LANES;
        for la in 0..LANES {
            let a = big_g * LANES + la;
            if a >= n {
                break;
            }
            pos[a * n..a * n + a].copy_from_slice(&p[la * width..la * width + a]);
            neg[a * n..a * n + a].copy_from_slice(&q[la * width..la * width + a]);
        }
    }
    (pos, neg)
}

/// The rows of group `big_g` against every column group up to its own;
/// `pos`/`neg` are [`LANES`] rows of `(big_g + 1) · LANES` columns, started at
/// the minimal coalition. Columns at or past a row's own option in the
/// diagonal group (and options past the end, which the tiles pad with zeros)
/// are summed like the others and ignored by the caller.
fn group_rows<R: Rule>(weights: &[f64], t: &Tiles, big_g: usize, pos: &mut [f64], neg: &mut [f64], simd: bool) {
    #[cfg(target_arch = "x86_64")]
    {
        if simd && has_avx2() {
            // SAFETY: the CPU supports AVX2 (checked at run time just above).
            unsafe { group_rows_avx2::<R>(weights, t, big_g, pos, neg) };
            return;
        }
    }
    group_rows_generic::<R>(weights, t, big_g, pos, neg)
}

/// [`group_rows_generic`] with the sums held in AVX2 registers: two rows of
/// eight lanes, positive and negative sums (eight registers), per voter one
/// load of the column group's utilities.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn group_rows_avx2<R: Rule>(weights: &[f64], t: &Tiles, big_g: usize, pos: &mut [f64], neg: &mut [f64]) {
    use std::arch::x86_64::*;
    let width = (big_g + 1) * LANES;
    let voters = t.voters.min(weights.len());
    let ga = t.group(big_g);
    assert!(pos.len() >= LANES * width && neg.len() >= LANES * width && ga.len() >= voters * LANES);
    for g in 0..=big_g {
        let gb = t.group(g);
        assert!(gb.len() >= voters * LANES);
        let b0 = g * LANES;
        let mut k0 = 0;
        while k0 < voters {
            let k1 = (k0 + VOTER_CHUNK).min(voters);
            for la in (0..LANES).step_by(2) {
                let (r0, r1) = (la * width + b0, (la + 1) * width + b0);
                // SAFETY: r0, r1 + LANES ≤ LANES · width (asserted above) and
                // every voter k < voters has LANES entries in ga and gb.
                unsafe {
                    let pp = pos.as_mut_ptr();
                    let np = neg.as_mut_ptr();
                    let mut p0l = _mm256_loadu_pd(pp.add(r0));
                    let mut p0h = _mm256_loadu_pd(pp.add(r0 + 4));
                    let mut q0l = _mm256_loadu_pd(np.add(r0));
                    let mut q0h = _mm256_loadu_pd(np.add(r0 + 4));
                    let mut p1l = _mm256_loadu_pd(pp.add(r1));
                    let mut p1h = _mm256_loadu_pd(pp.add(r1 + 4));
                    let mut q1l = _mm256_loadu_pd(np.add(r1));
                    let mut q1h = _mm256_loadu_pd(np.add(r1 + 4));
                    for k in k0..k1 {
                        let w = _mm256_set1_pd(*weights.get_unchecked(k));
                        let ua = ga.as_ptr().add(k * LANES + la);
                        let ub = gb.as_ptr().add(k * LANES);
                        let (ubl, ubh) = (_mm256_loadu_pd(ub), _mm256_loadu_pd(ub.add(4)));
                        let ua0 = _mm256_set1_pd(*ua);
                        tally(&mut p0l, &mut q0l, vote_avx2(R::RULE, w, ua0, ubl));
                        tally(&mut p0h, &mut q0h, vote_avx2(R::RULE, w, ua0, ubh));
                        let ua1 = _mm256_set1_pd(*ua.add(1));
                        tally(&mut p1l, &mut q1l, vote_avx2(R::RULE, w, ua1, ubl));
                        tally(&mut p1h, &mut q1h, vote_avx2(R::RULE, w, ua1, ubh));
                    }
                    _mm256_storeu_pd(pp.add(r0), p0l);
                    _mm256_storeu_pd(pp.add(r0 + 4), p0h);
                    _mm256_storeu_pd(np.add(r0), q0l);
                    _mm256_storeu_pd(np.add(r0 + 4), q0h);
                    _mm256_storeu_pd(pp.add(r1), p1l);
                    _mm256_storeu_pd(pp.add(r1 + 4), p1h);
                    _mm256_storeu_pd(np.add(r1), q1l);
                    _mm256_storeu_pd(np.add(r1 + 4), q1h);
                }
            }
            k0 = k1;
        }
    }
}

/// Add a vote's positive part to `p` and subtract its negative part from
/// `q` (`max`/`min` against 0 return 0 for NaN and ±0, as the scalar tests do).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn tally(p: &mut std::arch::x86_64::__m256d, q: &mut std::arch::x86_64::__m256d, v: std::arch::x86_64::__m256d) {
    use std::arch::x86_64::*;
    let zero = _mm256_setzero_pd();
    *p = _mm256_add_pd(*p, _mm256_max_pd(v, zero));
    *q = _mm256_sub_pd(*q, _mm256_min_pd(v, zero));
}

/// Why this order: each (a, b) is still one running sum over the voters in
/// order (a chunk of voters continues the sums the previous chunk left), so
/// every result is the same bits as a plain loop over voters. Taking the
/// rows two at a time gives the processor four independent sums per lane
/// group (the additions' latency no longer bounds the loop), and taking the
/// voters in chunks keeps both groups' utilities in the first-level cache for
/// all eight rows, instead of streaming a column group from memory once per row.
#[inline(always)]
fn group_rows_generic<R: Rule>(weights: &[f64], t: &Tiles, big_g: usize, pos: &mut [f64], neg: &mut [f64]) {
    let width = (big_g + 1) * LANES;
    let voters = t.voters.min(weights.len());
    let ga = t.group(big_g);
    for g in 0..=big_g {
        let gb = t.group(g);
        let b0 = g * LANES;
        let mut k0 = 0;
        while k0 < voters {
            let k1 = (k0 + VOTER_CHUNK).min(voters);
            let w = &weights[k0..k1];
            let ua_rows = &ga[k0 * LANES..k1 * LANES];
            let ub_rows = &gb[k0 * LANES..k1 * LANES];
            for la in (0..LANES).step_by(2) {
                let (r0, r1) = (la * width + b0, (la + 1) * width + b0);
                let load = |x: &[f64], r: usize| -> [f64; LANES] { std::array::from_fn(|l| x[r + l]) };
                let (mut p0, mut q0, mut p1, mut q1) = (load(pos, r0), load(neg, r0), load(pos, r1), load(neg, r1));
                for ((&wk, ua), ub) in w.iter().zip(ua_rows.chunks_exact(LANES)).zip(ub_rows.chunks_exact(LANES)) {
                    let (ua0, ua1) = (ua[la], ua[la + 1]);
                    for l in 0..LANES {
                        let v0 = R::vote(wk, ua0, ub[l]);
                        let v1 = R::vote(wk, ua1, ub[l]);
                        p0[l] += if v0 > 0.0 { v0 } else { 0.0 };
                        q0[l] -= if v0 < 0.0 { v0 } else { 0.0 };
                        p1[l] += if v1 > 0.0 { v1 } else { 0.0 };
                        q1[l] -= if v1 < 0.0 { v1 } else { 0.0 };
                    }
                }
                pos[r0..r0 + LANES].copy_from_slice(&p0);
                neg[r0..r0 + LANES].copy_from_slice(&q0);
                pos[r1..r1 + LANES].copy_from_slice(&p1);
                neg[r1..r1 + LANES].copy_from_slice(&q1);
            }
            k0 = k1;
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

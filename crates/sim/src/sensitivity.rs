//! Sensitivity analysis of any model whose random inputs are uniform numbers
//! in (0, 1), grouped (a group is one named uncertain input, which may use
//! several uniforms, e.g. a mediator's misperception of every issue).
//!
//! * [`sobol`] — variance-based first-order and total indices by the
//!   pick-freeze scheme of Saltelli et al. (2010): two independent sample
//!   matrices A and B (N × d), and for each group g the matrix A_B^g (A with
//!   g's columns taken from B). First order with Saltelli's (2010) estimator
//!   `V_g ≈ (1/N) Σ_j f(B)_j (f(A_B^g)_j − f(A)_j)` (outputs centred on their
//!   mean, which leaves it unbiased and much less noisy), total with Jansen's (1999)
//!   `V_Tg ≈ (1/2N) Σ_j (f(A)_j − f(A_B^g)_j)²`, both divided by Var(Y) over
//!   the 2N runs of A and B. Costs N (G + 2) model runs.
//! * [`oat`] — one at a time: the mean output with one group pinned at a low
//!   and a high quantile while every other input stays random (common random
//!   numbers, so the differences are not swamped by sampling noise): tornado data.
//!
//! Both evaluate in parallel and are deterministic: the samples come from a
//! ChaCha generator seeded from the seed alone, and results are gathered in
//! index order.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

/// Variance-based indices: `first[o][g]`, `total[o][g]` for output `o` and
/// group `g`; `None` where an output does not vary.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SobolIndices {
    pub samples: usize,
    pub evaluations: usize,
    pub variance: Vec<f64>,
    pub first: Vec<Vec<Option<f64>>>,
    pub total: Vec<Vec<Option<f64>>>,
    /// Half-widths of the 95 % bootstrap intervals of `first` and `total`
    /// (1.96 × the standard deviation over `resamples` resamplings of the
    /// base rows, as SALib reports `S1_conf` and `ST_conf`); empty when the
    /// analysis was too large to bootstrap within [`BOOTSTRAP_BUDGET`].
    pub first_conf: Vec<Vec<Option<f64>>>,
    pub total_conf: Vec<Vec<Option<f64>>>,
    pub resamples: usize,
}

/// Resamplings of the base rows for the bootstrap intervals (SALib's default).
pub const RESAMPLES: usize = 100;
/// The most row-times-input-times-output operations the bootstrap may take;
/// past it fewer resamplings are made, and under [`MIN_RESAMPLES`] none.
pub const BOOTSTRAP_BUDGET: usize = 200_000_000;
pub const MIN_RESAMPLES: usize = 20;

/// Tornado data: per output `o` and group `g`, the mean output with the group
/// at its low and high quantile (`low[o][g]`, `high[o][g]`), and the baseline.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct OatEffects {
    pub runs: usize,
    pub low_quantile: f64,
    pub high_quantile: f64,
    pub baseline: Vec<f64>,
    pub low: Vec<Vec<f64>>,
    pub high: Vec<Vec<f64>>,
}

/// Row `index` of the sample design seeded by `seed`: `d` uniforms, the same
/// numbers a generator drawing the rows one after the other gives (a row is
/// `d` draws of two 32-bit words each), so any part of the design can be
/// evaluated on its own and the parts agree with the whole.
fn sample_row(seed: u64, d: usize, index: usize) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_word_pos(2 * d as u128 * index as u128);
    (0..d).map(|_| rng.random::<f64>()).collect()
}

/// Sobol first-order and total indices of `model` (d uniform inputs in
/// `groups`, `outputs` outputs) from `samples` base rows.
pub fn sobol<F>(d: usize, groups: &[Vec<usize>], outputs: usize, samples: usize, seed: u64, model: F) -> SobolIndices
where
    F: Fn(&[f64]) -> Vec<f64> + Sync,
{
    let ys = sobol_evaluations(d, groups, samples, seed, 0..samples, model);
    sobol_indices(samples, groups.len(), outputs, &ys, seed)
}

/// The model's outputs on base rows `rows` of the Sobol design (A is rows
/// `0..samples` of the generator, B rows `samples..2·samples`): per row, f(A),
/// f(B), then f(A_B^g) for each group, so that the evaluations of consecutive
/// row ranges, concatenated, are those of the whole design.
pub fn sobol_evaluations<F>(
    d: usize,
    groups: &[Vec<usize>],
    samples: usize,
    seed: u64,
    rows: std::ops::Range<usize>,
    model: F,
) -> Vec<Vec<f64>>
where
    F: Fn(&[f64]) -> Vec<f64> + Sync,
{
    let g = groups.len();
    rows.into_par_iter()
        .flat_map_iter(|row| {
            let a = sample_row(seed, d, row);
            let b = sample_row(seed, d, samples + row);
            let mut ys = Vec::with_capacity(g + 2);
            ys.push(model(&a));
            ys.push(model(&b));
            for group in groups {
                let mut x = a.clone();
                for &c in group {
                    x[c] = b[c];
                }
                ys.push(model(&x));
            }
            ys
        })
        .collect()
}

/// The indices from all `samples × (groups + 2)` evaluations of the design
/// (see [`sobol_evaluations`]), with bootstrap intervals drawn from `seed`.
pub fn sobol_indices(samples: usize, g: usize, outputs: usize, ys: &[Vec<f64>], seed: u64) -> SobolIndices {
    let at = |row: usize, slot: usize, o: usize| {
        ys.get(row * (g + 2) + slot).and_then(|y| y.get(o)).copied().unwrap_or(f64::NAN)
    };
    let all_rows: Vec<usize> = (0..samples).collect();
    let mut variance = Vec::with_capacity(outputs);
    let mut first = Vec::with_capacity(outputs);
    let mut total = Vec::with_capacity(outputs);
    for o in 0..outputs {
        let (var, f, t) = estimate(&all_rows, g, |r, slot| at(r, slot, o));
        variance.push(var);
        first.push(f);
        total.push(t);
    }
    let work = samples.saturating_mul(g.max(1)).saturating_mul(outputs.max(1));
    let resamples = (BOOTSTRAP_BUDGET / work.max(1)).min(RESAMPLES);
    let (mut first_conf, mut total_conf) = (Vec::new(), Vec::new());
    let resamples = if resamples >= MIN_RESAMPLES && samples >= 2 {
        // The same resampled rows for every output, from the analysis's seed.
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xb007_5742_u64);
        let draws: Vec<Vec<usize>> =
            (0..resamples).map(|_| (0..samples).map(|_| rng.random_range(0..samples)).collect()).collect();
        let per_output: Vec<IndexPair> = (0..outputs)
            .into_par_iter()
            .map(|o| {
                let estimates: Vec<IndexPair> = draws
                    .iter()
                    .map(|rows| {
                        let (_, f, t) = estimate(rows, g, |r, slot| at(r, slot, o));
                        (f, t)
                    })
                    .collect();
                let conf = |pick: fn(&IndexPair) -> &Vec<Option<f64>>, k: usize| {
                    let xs: Vec<f64> = estimates.iter().filter_map(|e| pick(e)[k]).collect();
                    (xs.len() >= 2).then(|| {
                        let m = xs.iter().sum::<f64>() / xs.len() as f64;
                        1.96 * (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
                    })
                };
                ((0..g).map(|k| conf(|e| &e.0, k)).collect(), (0..g).map(|k| conf(|e| &e.1, k)).collect())
            })
            .collect();
        for (f, t) in per_output {
            first_conf.push(f);
            total_conf.push(t);
        }
        resamples
    } else {
        0
    };
    SobolIndices { samples, evaluations: ys.len(), variance, first, total, first_conf, total_conf, resamples }
}

type Indices = (f64, Vec<Option<f64>>, Vec<Option<f64>>);
/// Every group's first-order and total index (or their intervals).
type IndexPair = (Vec<Option<f64>>, Vec<Option<f64>>);

/// Var(Y) and each group's first-order and total index over the base rows
/// `rows` (a row may repeat: a bootstrap resample); `y(row, slot)` is the
/// output of slot 0 = A, 1 = B, 2 + g = A_B^g.
fn estimate(rows: &[usize], g: usize, y: impl Fn(usize, usize) -> f64) -> Indices {
    let n = rows.len() as f64;
    let all: Vec<f64> = rows.iter().flat_map(|&r| [y(r, 0), y(r, 1)]).collect();
    let mean = all.iter().sum::<f64>() / all.len().max(1) as f64;
    let var = all.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (all.len().max(2) - 1) as f64;
    let usable = var.is_finite() && var > 1e-14 * (1.0 + mean * mean);
    let mut f = Vec::with_capacity(g);
    let mut t = Vec::with_capacity(g);
    for gi in 0..g {
        if !usable {
            f.push(None);
            t.push(None);
            continue;
        }
        let mut vf = 0.0;
        let mut vt = 0.0;
        for &r in rows {
            // Centred outputs: the estimator is unbiased either way, but a large mean
            // relative to the spread would swamp it with noise.
            let (ya, yb, yab) = (y(r, 0) - mean, y(r, 1) - mean, y(r, 2 + gi) - mean);
            vf += yb * (yab - ya);
            vt += (ya - yab) * (ya - yab);
        }
        f.push(Some(vf / n / var));
        t.push(Some(vt / (2.0 * n) / var));
    }
    (var, f, t)
}

/// One-at-a-time effects of each group (see the module docs).
pub fn oat<F>(
    d: usize,
    groups: &[Vec<usize>],
    outputs: usize,
    runs: usize,
    quantiles: (f64, f64),
    seed: u64,
    model: F,
) -> OatEffects
where
    F: Fn(&[f64]) -> Vec<f64> + Sync,
{
    let ys = oat_evaluations(d, groups, 0..runs, quantiles, seed, model);
    oat_effects(runs, groups.len(), outputs, quantiles, &ys)
}

/// The model's outputs on runs `runs` of the one-at-a-time design: per run,
/// the baseline, then each group at its low and at its high quantile.
pub fn oat_evaluations<F>(
    d: usize,
    groups: &[Vec<usize>],
    runs: std::ops::Range<usize>,
    quantiles: (f64, f64),
    seed: u64,
    model: F,
) -> Vec<Vec<f64>>
where
    F: Fn(&[f64]) -> Vec<f64> + Sync,
{
    runs.into_par_iter()
        .flat_map_iter(|run| {
            let base = sample_row(seed, d, run);
            let mut ys = Vec::with_capacity(2 * groups.len() + 1);
            ys.push(model(&base));
            for group in groups {
                for q in [quantiles.0, quantiles.1] {
                    let mut x = base.clone();
                    for &c in group {
                        x[c] = q;
                    }
                    ys.push(model(&x));
                }
            }
            ys
        })
        .collect()
}

/// The effects from all `runs × (2·groups + 1)` evaluations of the design
/// (see [`oat_evaluations`]).
pub fn oat_effects(runs: usize, g: usize, outputs: usize, quantiles: (f64, f64), ys: &[Vec<f64>]) -> OatEffects {
    let per = 2 * g + 1;
    let mean = |slot: usize, o: usize| {
        (0..runs).map(|r| ys.get(r * per + slot).and_then(|y| y.get(o)).copied().unwrap_or(f64::NAN)).sum::<f64>()
            / runs.max(1) as f64
    };
    let baseline = (0..outputs).map(|o| mean(0, o)).collect();
    let low = (0..outputs).map(|o| (0..g).map(|gi| mean(1 + 2 * gi, o)).collect()).collect();
    let high = (0..outputs).map(|o| (0..g).map(|gi| mean(2 + 2 * gi, o)).collect()).collect();
    OatEffects { runs, low_quantile: quantiles.0, high_quantile: quantiles.1, baseline, low, high }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linear(x: &[f64]) -> Vec<f64> {
        vec![4.0 * x[0] + 2.0 * x[1] + x[2]]
    }

    fn singletons(d: usize) -> Vec<Vec<usize>> {
        (0..d).map(|i| vec![i]).collect()
    }

    #[test]
    fn sobol_recovers_the_linear_test_function() {
        // Y = 4X1 + 2X2 + X3, Xi ~ U(0,1): Si = ci² / Σc² = 16/21, 4/21, 1/21; total = first.
        let s = sobol(3, &singletons(3), 1, 8192, 11, linear);
        let want = [16.0 / 21.0, 4.0 / 21.0, 1.0 / 21.0];
        let first: Vec<f64> = s.first[0].iter().map(|x| x.unwrap()).collect();
        let total: Vec<f64> = s.total[0].iter().map(|x| x.unwrap()).collect();
        assert!(first[0] > first[1] && first[1] > first[2], "{first:?}");
        for i in 0..3 {
            assert!((first[i] - want[i]).abs() < 0.03, "S{i} = {} want {}", first[i], want[i]);
            assert!((total[i] - want[i]).abs() < 0.03, "ST{i} = {} want {}", total[i], want[i]);
        }
        assert!((s.variance[0] - 21.0 / 12.0).abs() < 0.05);
        assert_eq!(s.evaluations, 8192 * 5);
    }

    #[test]
    fn sobol_sees_interactions_in_total_indices_and_groups() {
        // Y = X1·X2 + X3/10: X1 and X2 interact (total > first), grouping them captures both.
        let f = |x: &[f64]| vec![x[0] * x[1] + x[2] / 10.0];
        let s = sobol(3, &singletons(3), 1, 8192, 3, f);
        let (f1, t1) = (s.first[0][0].unwrap(), s.total[0][0].unwrap());
        assert!(t1 > f1 + 0.05, "first {f1} total {t1}");
        let grouped = sobol(3, &[vec![0, 1], vec![2]], 1, 8192, 3, f);
        assert!(grouped.first[0][0].unwrap() > 0.85);
    }

    #[test]
    fn constant_outputs_have_no_indices_and_results_do_not_depend_on_threads() {
        let f = |x: &[f64]| vec![1.0, x[0]];
        let s = sobol(2, &singletons(2), 2, 256, 5, f);
        assert!(s.first[0].iter().all(Option::is_none));
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let again = one.install(|| sobol(2, &singletons(2), 2, 256, 5, f));
        assert_eq!(s, again);
    }

    #[test]
    fn oat_of_a_linear_function_is_exact() {
        let e = oat(3, &singletons(3), 1, 64, (0.1, 0.9), 1, linear);
        let swing: Vec<f64> = (0..3).map(|g| e.high[0][g] - e.low[0][g]).collect();
        for (s, c) in swing.iter().zip([4.0, 2.0, 1.0]) {
            assert!((s - 0.8 * c).abs() < 1e-9, "{swing:?}");
        }
    }

    #[test]
    fn bootstrap_intervals_cover_the_true_indices_and_shrink_with_samples() {
        let want = [16.0 / 21.0, 4.0 / 21.0, 1.0 / 21.0];
        let small = sobol(3, &singletons(3), 1, 256, 7, linear);
        let large = sobol(3, &singletons(3), 1, 4096, 7, linear);
        assert_eq!(small.resamples, RESAMPLES);
        for (k, want) in want.iter().enumerate() {
            let (s, c) = (small.first[0][k].unwrap(), small.first_conf[0][k].unwrap());
            assert!((s - want).abs() <= 2.0 * c, "S{k} = {s} ± {c}, want {want}");
            assert!(large.first_conf[0][k].unwrap() < c, "more samples, narrower interval");
        }
        // An input that does nothing: its interval holds 0.
        let f = |x: &[f64]| vec![x[0]];
        let s = sobol(2, &singletons(2), 1, 512, 3, f);
        assert!(s.first[0][1].unwrap().abs() <= s.first_conf[0][1].unwrap());
    }

    #[test]
    fn a_row_of_the_design_is_the_row_a_sequential_generator_draws() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for index in 0..40 {
            let row: Vec<f64> = (0..3).map(|_| rng.random::<f64>()).collect();
            assert_eq!(row, sample_row(9, 3, index), "row {index}");
        }
    }

    #[test]
    fn evaluations_of_row_ranges_concatenate_to_the_whole_design() {
        let groups = singletons(3);
        let whole = sobol_evaluations(3, &groups, 50, 4, 0..50, linear);
        let mut parts = sobol_evaluations(3, &groups, 50, 4, 0..17, linear);
        parts.extend(sobol_evaluations(3, &groups, 50, 4, 17..50, linear));
        assert_eq!(whole, parts);
        let whole = oat_evaluations(3, &groups, 0..20, (0.1, 0.9), 4, linear);
        let mut parts = oat_evaluations(3, &groups, 0..3, (0.1, 0.9), 4, linear);
        parts.extend(oat_evaluations(3, &groups, 3..20, (0.1, 0.9), 4, linear));
        assert_eq!(whole, parts);
    }
}

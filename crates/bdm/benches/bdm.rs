//! The bdm numeric core on random one-issue scenarios of 10, 100 and 1,000
//! actors × 10 rounds (seeded ChaCha8), default settings, no dyad recording.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use demarche_bdm::{run, BdmSettings, Inputs, Record};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Capabilities in (0, 1], positions on 0–100, saliences in [0, 1].
pub fn random_case(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let c = (0..n).map(|_| rng.random_range(0.01..1.0)).collect();
    let x = (0..n).map(|_| rng.random_range(0.0..100.0)).collect();
    let s = (0..n).map(|_| rng.random_range(0.0..1.0)).collect();
    (c, x, s)
}

fn bench(c: &mut Criterion) {
    let settings = BdmSettings::default();
    let mut group = c.benchmark_group("bdm_10_rounds");
    group.sample_size(10);
    for n in [10usize, 100, 1000] {
        let (cap, pos, sal) = random_case(n, 42);
        let lo = pos.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = pos.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                let inputs = Inputs { capability: &cap, position: &pos, salience: &sal, scale: hi - lo };
                run(inputs, &settings, 10, Record::default()).map(|r| r.outcome.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

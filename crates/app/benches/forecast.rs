//! The seed's forecast in-process: the engines' own time, against which the
//! Python package's per-call overhead is measured (BENCHMARKS.md, "Python").
use criterion::{criterion_group, criterion_main, Criterion};
use demarche_forecast::NoObserver;

fn seed_forecast(c: &mut Criterion) {
    let sc = demarche_scenario::seed().unwrap().scenario;
    let how = demarche_app::ModelRun::default();
    let mut g = c.benchmark_group("seed_forecast");
    for (name, models) in [("all", demarche_engines::MODELS.to_vec()), ("compromise", vec!["compromise"])] {
        g.bench_function(name, |b| {
            b.iter(|| demarche_app::run_models(&sc, &models, &how, true, |_, _, _| {}, &mut NoObserver).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, seed_forecast);
criterion_main!(benches);

//! The exchange model on the recorded decide inputs (compare with decide's own
//! times in BENCHMARKS.md).

use criterion::{criterion_group, criterion_main, Criterion};

fn exchange(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decide/vanilla");
    let mut g = c.benchmark_group("exchange");
    for name in ["rand_016", "rand_023"] {
        let sc = demarche_scenario::load_path(&dir.join(format!("{name}.csv"))).expect("decide input").scenario;
        let engine = demarche_exchange::Exchange::default();
        g.bench_function(format!("{name}_10_rounds"), |b| {
            b.iter(|| {
                demarche_forecast::Engine::forecast(
                    &engine,
                    &sc,
                    &demarche_forecast::Request::default(),
                    &mut demarche_forecast::NoObserver,
                )
                .expect("forecast")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, exchange);
criterion_main!(benches);

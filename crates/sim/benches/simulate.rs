//! Throughput of the simulation on the seed scenario (both channels).

use criterion::{criterion_group, criterion_main, Criterion};
use demarche_sim::{simulate, Options, Overrides};

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/iran-us-nuclear.toml");
    let sc = demarche_scenario::load_path(std::path::Path::new(path)).expect("seed scenario").scenario;
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    for escalation in [0, 500] {
        let opts = Options {
            overrides: Overrides { runs: Some(500), seed: Some(7), ..Default::default() },
            escalation_runs: escalation,
        };
        g.bench_function(format!("seed_500_runs_escalation_runs_{escalation}"), |b| {
            b.iter(|| simulate(&sc, &opts, &demarche_sim::Unattended).expect("simulate"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

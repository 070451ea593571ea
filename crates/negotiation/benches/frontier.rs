//! Pareto frontier and bargaining-point benchmarks (compare with BENCHMARKS.md's NegMAS
//! figures). The 2-party domains at 10⁶ outcomes are the NegMAS baseline's own dumped
//! instance; larger and 4-party spaces use the same generator shape (seeded, not the same
//! instances — see `examples/frontier_bench.rs` for the identical ones).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use demarche_negotiation::pareto::{pareto_frontier, FrontierOptions};
use demarche_negotiation::report::FrontierReport;
use demarche_negotiation::{generate, io, load_domain, OutcomeSpace, Profile};

fn negmas_domain(n: usize) -> (OutcomeSpace, Vec<Profile>) {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../../shared/bench/negmas/domains/domain_{n}x10.json"));
    let text = std::fs::read_to_string(&p).expect("shared NegMAS domain");
    io::tables::parse(&text, "negmas").expect("domain")
}

fn frontier(c: &mut Criterion) {
    let mut g = c.benchmark_group("frontier");
    g.sample_size(20);
    let merge = FrontierOptions::default();
    let enumerate = FrontierOptions { force_enumeration: true, ..FrontierOptions::default() };
    for n in [3, 6] {
        let (space, profiles) = negmas_domain(n);
        g.bench_function(format!("2p_additive_merge_{n}x10"), |b| {
            b.iter(|| pareto_frontier(&space, &profiles, &merge).expect("frontier"))
        });
    }
    let (space, profiles) = generate::random_additive(7, 10, 2, 0).expect("domain");
    g.bench_function("2p_additive_merge_7x10", |b| b.iter(|| pareto_frontier(&space, &profiles, &merge).expect("f")));
    let (space, profiles) = generate::random_additive(6, 10, 4, 0).expect("domain");
    g.bench_function("4p_additive_merge_6x10", |b| b.iter(|| pareto_frontier(&space, &profiles, &merge).expect("f")));
    g.sample_size(10);
    let (space, profiles) = negmas_domain(6);
    g.bench_function("2p_enumeration_6x10", |b| b.iter(|| pareto_frontier(&space, &profiles, &enumerate).expect("f")));
    let (space, profiles) = generate::random_additive(6, 10, 4, 0).expect("domain");
    g.bench_function("4p_enumeration_6x10", |b| b.iter(|| pareto_frontier(&space, &profiles, &enumerate).expect("f")));
    g.finish();
}

fn anl_reports(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/negotiation/anl2023");
    let domains: Vec<_> = (0..25).map(|k| load_domain(&root.join(format!("domain{k:02}"))).expect("anl")).collect();
    c.bench_function("anl2023_25_domain_reports", |b| {
        b.iter(|| {
            for d in &domains {
                FrontierReport::for_domain(d, &FrontierOptions::default()).expect("report");
            }
        })
    });
}

criterion_group!(benches, frontier, anl_reports);
criterion_main!(benches);

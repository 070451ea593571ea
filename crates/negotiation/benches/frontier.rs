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

/// Two opposed parties over 7 integer issues of 11 values (1.9·10⁷ outcomes), linear
/// evaluators, reservation 0.4 each: the zone of agreement counted without enumeration
/// (meet in the middle) and by enumeration.
fn integer_zone() -> (OutcomeSpace, Vec<Profile>) {
    use demarche_negotiation::{AdditiveUtility, Issue, IssueUtility, Utility};
    let issues: Vec<Issue> = (0..7).map(|i| Issue::integer(format!("n{i}"), 0, 10).expect("issue")).collect();
    let space = OutcomeSpace::new("integer7x11", issues).expect("space");
    let weights = [0.25, 0.2, 0.15, 0.12, 0.1, 0.1, 0.08];
    let profiles = (0..2)
        .map(|p| {
            let w: Vec<f64> = if p == 0 { weights.to_vec() } else { weights.iter().rev().copied().collect() };
            let line =
                |i: usize| if (p + i) % 2 == 0 { vec![(0.0, 0.0), (10.0, 1.0)] } else { vec![(0.0, 1.0), (10.0, 0.0)] };
            let evals = (0..7).map(|i| IssueUtility::Linear(if p == 0 { line(i) } else { line(i + 1) })).collect();
            Profile::new(format!("p{p}"), Utility::Additive(AdditiveUtility::new(&space, w, evals).expect("u")))
                .with_reservation(0.4)
                .expect("reservation")
        })
        .collect();
    (space, profiles)
}

fn zone(c: &mut Criterion) {
    use demarche_negotiation::solutions::{acceptable_outcomes, zopa};
    let mut g = c.benchmark_group("zone");
    g.sample_size(10);
    let (space, profiles) = integer_zone();
    let frontier = pareto_frontier(&space, &profiles, &FrontierOptions::default()).expect("frontier");
    g.bench_function("2p_integer_7x11_counted", |b| b.iter(|| zopa(&space, &profiles, &frontier, 0).expect("zone")));
    g.bench_function("2p_integer_7x11_enumerated", |b| b.iter(|| acceptable_outcomes(&space, &profiles).count()));
    g.finish();
}

criterion_group!(benches, frontier, anl_reports, zone);
criterion_main!(benches);

//! SMP benchmarks on random scenarios (KTAB's `randomSMP` distribution):
//! whole runs to convergence for 10–100 actors, and single turns (assess and
//! play one turn from a mid-run state) for 250 and 1,000 actors, each with 2
//! and 5 dimensions. Whole-process times for every size come from the
//! `smp_run` example (see BENCHMARKS.md).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use demarche_forecast::{Engine, NoObserver, Request};
use demarche_smp::{input, model, random, turn, Smp, SmpSettings};

fn whole_runs(c: &mut Criterion) {
    let mut g = c.benchmark_group("smp_run_to_convergence");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for &n in &[10usize, 25, 50, 100] {
        for &dims in &[2usize, 5] {
            let sc = random::scenario(n, dims, 1);
            let engine = Smp::new(SmpSettings::default());
            g.bench_with_input(BenchmarkId::new(format!("{dims}d"), n), &sc, |b, sc| {
                b.iter(|| engine.forecast(sc, &Request::default(), &mut NoObserver).expect("runs"))
            });
        }
    }
    g.finish();
}

fn single_turns(c: &mut Criterion) {
    let mut g = c.benchmark_group("smp_one_turn");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for &n in &[250usize, 1000] {
        for &dims in &[2usize, 5] {
            let sc = random::scenario(n, dims, 1);
            let issues: Vec<usize> = (0..dims).collect();
            let p = input::prepare(&sc, &issues, &SmpSettings::default()).expect("valid");
            let m = p.model;
            // Advance a few turns so the state has the clusters of a real run.
            let mut s = p.start;
            for t in 0..5 {
                let a = model::assess(&m, &s, t).expect("assess");
                s = turn::step(&m, &s, &a, t, 0).expect("step").0;
            }
            g.bench_function(BenchmarkId::new(format!("{dims}d"), n), |b| {
                b.iter(|| {
                    let a = model::assess(&m, &s, 5).expect("assess");
                    turn::step(&m, &s, &a, 5, 0).expect("step")
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, whole_runs, single_turns);
criterion_main!(benches);

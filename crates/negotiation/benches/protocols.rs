//! Protocol benchmarks, on the same setups as the NegMAS baseline scripts
//! (`shared/bench/negmas/bench_sao.py`, `bench_tournament.py`, `bench_multilateral.py`).
//!
//! NegMAS counts a *step* as a round (each negotiator acts once per step), so throughput
//! here is reported in rounds (`Throughput::Elements` = rounds per negotiation); an
//! action-level figure is twice that for two parties. Deadlines are 1000 rounds, as in the
//! scripts' `n_steps=1000`.
//!
//! * `sao/<pair>_3x10` — one negotiation on the dumped 3×10 NegMAS domain, including
//!   building the outcome table (as NegMAS builds its mechanism per negotiation);
//! * `sao/<pair>_3x10_prebuilt` — the same on a prebuilt table (protocol + strategies only);
//! * `sao/boulware-conceder_3x10_noagree` — reservation values 0.95: no agreement is
//!   possible, all 1000 rounds run (pure throughput);
//! * `tournament/100` — 5 competitors × 5 × 2 role orders × 2 repetitions = 100
//!   negotiations on the 3×10 domain, including domain preparation, on 1 and 2 threads;
//! * `multilateral/*` — 4 parties, 4 issues × 6 values, 1000 rounds/proposals: SAO with
//!   aspiration / Boulware, and the veto and hill-climbing mediators (a generated domain of
//!   the same shape as NegMAS's `gen_domain_n`, not the same instance).

#[path = "../tests/it/proto_support/mod.rs"]
mod proto_support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use demarche_negotiation::protocol::mediated::{run_mediated_specs, MediatedConfig, MediatorSpec};
use demarche_negotiation::protocol::sao::{run_sao_specs, SaoConfig};
use demarche_negotiation::protocol::{Deadline, OutcomeTable, TableOptions};
use demarche_negotiation::strategy::StrategySpec;
use demarche_negotiation::tournament::{run_tournament, TournamentConfig, TournamentDomain};
use demarche_negotiation::{OutcomeSpace, Profile};
use proto_support::{mixed_domain, negmas_domain};

const ROUNDS: u64 = 1000;

type Domain = (OutcomeSpace, Vec<Profile>);

fn specs(list: &str) -> Vec<StrategySpec> {
    StrategySpec::parse_list(list).unwrap()
}

fn with_reservation(profiles: &[Profile], r: f64) -> Vec<Profile> {
    profiles
        .iter()
        .cloned()
        .map(|mut p| {
            p.reservation = r;
            p
        })
        .collect()
}

fn sao(c: &mut Criterion) {
    let mut g = c.benchmark_group("sao");
    g.sample_size(30).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    let config = SaoConfig::rounds(ROUNDS);
    let cases: Vec<(&str, &str, Domain)> = vec![
        ("boulware-conceder_3x10", "boulware,conceder", negmas_domain(3)),
        ("aspiration_3x10", "aspiration,aspiration", negmas_domain(3)),
        ("linear_3x10", "linear,linear", negmas_domain(3)),
        ("tft-aspiration_3x10", "tft,aspiration", negmas_domain(3)),
        ("boulware-conceder_3x10_noagree", "boulware,conceder", {
            let (s, p) = negmas_domain(3);
            let p = with_reservation(&p, 0.95);
            (s, p)
        }),
        ("boulware-conceder_3x30", "boulware,conceder", {
            let (s, p) = proto_support::random_domain(2, 3, 30, 0);
            (s, p)
        }),
    ];
    for (name, pair, (space, profiles)) in cases {
        let sp = specs(pair);
        let table = OutcomeTable::new(space.clone(), profiles.clone(), &TableOptions::default()).unwrap();
        let rounds = run_sao_specs(&table, &sp, &config, 0).unwrap().result.rounds;
        g.throughput(Throughput::Elements(rounds));
        g.bench_function(BenchmarkId::new(name, "e2e"), |b| {
            b.iter(|| {
                let t = OutcomeTable::new(space.clone(), profiles.clone(), &TableOptions::default()).unwrap();
                black_box(run_sao_specs(&t, &sp, &config, 0).unwrap().result.rounds)
            })
        });
        g.bench_function(BenchmarkId::new(name, "prebuilt"), |b| {
            b.iter(|| black_box(run_sao_specs(&table, &sp, &config, 0).unwrap().result.rounds))
        });
    }
    g.finish();
}

fn tournament(c: &mut Criterion) {
    let mut g = c.benchmark_group("tournament");
    g.sample_size(20).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_millis(500));
    let (space, profiles) = negmas_domain(3);
    for threads in [1usize, 2] {
        let config = TournamentConfig {
            strategies: specs("boulware,conceder,linear,aspiration,tft"),
            repetitions: 2,
            sao: SaoConfig::rounds(ROUNDS),
            seed: 0,
            threads: Some(threads),
            self_play: true,
        };
        g.throughput(Throughput::Elements(100));
        g.bench_function(BenchmarkId::new("100_negotiations", format!("{threads}threads")), |b| {
            b.iter(|| {
                let d = TournamentDomain::new(space.clone(), profiles.clone(), &TableOptions::default()).unwrap();
                black_box(run_tournament(&[d], &config).unwrap().total_steps)
            })
        });
    }
    g.finish();
}

fn multilateral(c: &mut Criterion) {
    let mut g = c.benchmark_group("multilateral");
    g.sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    let (space, profiles) = mixed_domain(4, 4, 6, 0);
    let table = OutcomeTable::new(space.clone(), profiles.clone(), &TableOptions::default()).unwrap();
    for (name, list) in [
        ("sao_aspiration_4p", "aspiration,aspiration,aspiration,aspiration"),
        ("sao_boulware_4p", "boulware,boulware,boulware,boulware"),
    ] {
        let sp = specs(list);
        let config = SaoConfig::rounds(ROUNDS);
        g.throughput(Throughput::Elements(run_sao_specs(&table, &sp, &config, 0).unwrap().result.rounds));
        g.bench_function(name, |b| {
            b.iter(|| {
                let t = OutcomeTable::new(space.clone(), profiles.clone(), &TableOptions::default()).unwrap();
                black_box(run_sao_specs(&t, &sp, &config, 0).unwrap().result.rounds)
            })
        });
    }
    let voters = specs("linear,linear,linear,linear");
    let config = MediatedConfig { deadline: Deadline::steps(ROUNDS), public_deadline: true };
    for (name, mediator) in [("veto_4p", MediatorSpec::Veto { screen: 8 }), ("hillclimb_4p", MediatorSpec::HillClimb)] {
        let steps = run_mediated_specs(&space, &profiles, &voters, mediator, None, &config, 0).unwrap().result.steps;
        g.throughput(Throughput::Elements(steps));
        g.bench_function(name, |b| {
            b.iter(|| {
                black_box(
                    run_mediated_specs(&space, &profiles, &voters, mediator, None, &config, 0).unwrap().result.steps,
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, sao, tournament, multilateral);
criterion_main!(benches);

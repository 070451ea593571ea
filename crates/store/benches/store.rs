//! Recording and reading runs of the seed scenario (eight issues, every
//! closed-form model): the cost the CLI adds to each `forecast`.

use std::time::SystemTime;

use criterion::{criterion_group, criterion_main, Criterion};
use demarche_forecast::{Compromise, Nash, PerIssue, Request};
use demarche_store::{NewRun, Store};

fn bench(c: &mut Criterion) {
    let sc = demarche_scenario::seed().unwrap().scenario;
    let forecasts = vec![
        demarche_forecast::run(&PerIssue(Compromise), &sc, &Request::default()).unwrap(),
        demarche_forecast::run(&PerIssue(Nash { settings: Default::default() }), &sc, &Request::default()).unwrap(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.sqlite");
    let mut store = Store::open(&path).unwrap();
    let run = NewRun::forecast(&sc, &forecasts, serde_json::json!({}), "bench", SystemTime::now());
    c.bench_function("record_seed_forecast", |b| b.iter(|| store.record(&run).unwrap()));
    let id = store.record(&run).unwrap();
    c.bench_function("get_seed_forecast", |b| b.iter(|| store.get(id).unwrap()));
    c.bench_function("open_existing_store", |b| b.iter(|| Store::open(&path).unwrap()));
    c.bench_function("scenario_hash", |b| b.iter(|| demarche_store::scenario_hash(&sc)));
}

criterion_group!(benches, bench);
criterion_main!(benches);

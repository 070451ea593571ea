//! Rendering the seed scenario's report (every chart, eight issues).

use criterion::{criterion_group, criterion_main, Criterion};
use demarche_forecast::{Compromise, Nash, PerIssue, Request};
use demarche_report::{render_html, ReportData};

fn bench(c: &mut Criterion) {
    let sc = demarche_scenario::seed().unwrap().scenario;
    let forecasts = vec![
        demarche_forecast::run(&PerIssue(Compromise), &sc, &Request::default()).unwrap(),
        demarche_forecast::run(&PerIssue(Nash { settings: Default::default() }), &sc, &Request::default()).unwrap(),
    ];
    let data = ReportData::new(sc, forecasts);
    c.bench_function("render_seed_report", |b| b.iter(|| render_html(&data)));
}

criterion_group!(benches, bench);
criterion_main!(benches);

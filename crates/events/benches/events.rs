//! Coder throughput and import speed (BENCHMARKS.md).
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use demarche_events::coder::{self, CoderOptions, Dictionaries, Input};

fn coder(c: &mut Criterion) {
    let d = Dictionaries::builtin();
    let lines = [
        "Iranian Foreign Minister Abbas Araghchi rejected the US proposal on Wednesday.",
        "Oman's foreign minister Badr Albusaidi hosted a fifth round of talks in Rome.",
        "Israel struck nuclear sites in Iran, and Iran fired missiles at Israel.",
        "The IAEA Board of Governors found Iran in breach of its safeguards obligations.",
    ];
    let inputs: Vec<Input> =
        (0..1000).map(|i| Input { id: i.to_string(), text: lines[i % 4].into(), date: Some("2025-06-04".into()) }).collect();
    let opts = CoderOptions::default();
    let mut g = c.benchmark_group("coder");
    g.throughput(Throughput::Elements(inputs.len() as u64));
    g.bench_function("builtin_1000_sentences", |b| {
        b.iter(|| inputs.iter().map(|i| coder::code(&d, i, &opts).len()).sum::<usize>())
    });
    g.finish();
}

criterion_group!(benches, coder);
criterion_main!(benches);

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
    let inputs: Vec<Input> = (0..1000)
        .map(|i| Input { id: i.to_string(), text: lines[i % 4].into(), date: Some("2025-06-04".into()) })
        .collect();
    let opts = CoderOptions::default();
    let mut g = c.benchmark_group("coder");
    g.throughput(Throughput::Elements(inputs.len() as u64));
    g.bench_function("builtin_1000_sentences", |b| {
        b.iter(|| inputs.iter().map(|i| coder::code(&d, i, &opts).len()).sum::<usize>())
    });
    g.finish();
}

fn import_gdelt(c: &mut Criterion) {
    let fixture =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gdelt-events.export.CSV"))
            .unwrap();
    let rows: Vec<&str> = fixture.lines().collect();
    let mut text = String::new();
    for i in 0..100_000usize {
        let (_, rest) = rows[i % rows.len()].split_once('\t').unwrap();
        text.push_str(&format!("{}\t{rest}\n", 2_000_000_000u64 + i as u64));
    }
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100_000));
    g.bench_function("gdelt_100k_rows", |b| {
        b.iter(|| {
            demarche_events::import::import(&text, "day.export.CSV", demarche_events::import::Dataset::Gdelt)
                .events
                .len()
        })
    });
    g.finish();
}

criterion_group!(benches, coder, import_gdelt);
criterion_main!(benches);

//! Each importer on fixture rows written by the project in the published
//! layouts (tests/fixtures; the layouts are listed in docs/events.md).
use demarche_events::import::{self, attach_mentions, detect, Dataset};
use demarche_events::EventType;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn gdelt_events_and_mentions() {
    let text = fixture("gdelt-events.export.CSV");
    assert_eq!(detect(&text, "20250601.export.CSV"), Some(Dataset::Gdelt));
    let mut imp = import::import(&text, "20250601.export.CSV", Dataset::Gdelt);
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    assert_eq!(imp.rows, 8);
    assert_eq!(imp.events.len(), 8);
    let first = &imp.events[0];
    assert_eq!(
        (first.date.as_str(), first.event, first.cameo.as_deref()),
        ("2025-06-01", EventType::Agree, Some("036"))
    );
    assert_eq!(first.actors[0].code, "USAGOV");
    assert_eq!(first.recipients[0].country, "IRN");
    assert_eq!(first.goldstein, Some(4.0));
    assert_eq!(first.quad, 1);
    assert!(first.source.url.starts_with("https://"));
    assert_eq!(first.source.line, Some(1));
    // The row with no Actor2 has no recipient.
    assert!(imp.events.iter().any(|e| e.recipients.is_empty()));
    let mentions = fixture("gdelt.mentions.CSV");
    assert_eq!(detect(&mentions, "x.mentions.CSV"), Some(Dataset::GdeltMentions));
    attach_mentions(&mut imp, &mentions);
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    assert!(imp.events[0].text.contains("mentioned 2 times"), "{}", imp.events[0].text);
    assert_eq!(imp.events[0].confidence, 1.0);
}

#[test]
fn a_mentions_file_alone_is_refused_with_a_hint() {
    let imp = import::import(&fixture("gdelt.mentions.CSV"), "x.mentions.CSV", Dataset::GdeltMentions);
    assert!(imp.events.is_empty());
    assert!(imp.problems[0].message.contains("--mentions"));
}

#[test]
fn icews_rows() {
    let text = fixture("icews-events.tab");
    assert_eq!(detect(&text, "events.2025.tab"), Some(Dataset::Icews));
    let imp = import::import(&text, "events.2025.tab", Dataset::Icews);
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    assert_eq!(imp.events.len(), 6);
    let e = &imp.events[0];
    assert_eq!(e.actors[0].name, "Steve Witkoff");
    assert_eq!(e.actors[0].country, "USA");
    assert_eq!(e.actors[0].sector, ["GOV"]);
    assert_eq!(e.recipients[0].country, "IRN");
    assert_eq!(e.goldstein, Some(4.0));
}

#[test]
fn polecat_rows() {
    let text = fixture("polecat-events.tsv");
    assert_eq!(detect(&text, "ngecEvents.20250601.Release1.DV.txt"), Some(Dataset::Polecat));
    let imp = import::import(&text, "ngecEvents.txt", Dataset::Polecat);
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    assert_eq!(imp.events.len(), 6);
    let e = &imp.events[1];
    assert_eq!((e.event, e.mode.as_str(), e.intensity), (EventType::Consult, "visit", 4.0));
    assert_eq!(imp.events[0].context, ["diplomatic", "cbrn"]);
    // A row with two recipients keeps both.
    assert!(imp.events.iter().any(|e| e.recipients.len() == 2));
    assert!(imp.events[0].actors[0].wikidata.is_some());
}

#[test]
fn polecat_header_drift_is_accepted() {
    let text = fixture("polecat-events.tsv").replacen("Event Intensity", "Intensity", 1);
    let imp = import::import(&text, "ngecEvents.txt", Dataset::Polecat);
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    assert_eq!(imp.events.len(), 6);
}

#[test]
fn plover_json_of_the_shared_records() {
    let Some(dir) = crate::common::shared_events() else { return };
    let text = std::fs::read_to_string(dir.join("plover-gsr-cameo-dev.json")).unwrap();
    assert_eq!(detect(&text, "gold.json"), Some(Dataset::Plover));
    let imp = import::import(&text, "gold.json", Dataset::Plover);
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    assert_eq!(imp.events.len(), 161);
    assert!(imp.events.iter().any(|e| e.event == EventType::Request), "DEMAND maps to REQUEST");
}

#[test]
fn every_bad_row_is_reported_with_its_line_and_a_hint() {
    let good = fixture("gdelt-events.export.CSV");
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    let mut f: Vec<&str> = lines[1].split('\t').collect();
    f[26] = "9x9";
    lines[1] = f.join("\t");
    lines[3] = "short\trow".into();
    let mut f: Vec<&str> = lines[5].split('\t').collect();
    f[30] = "42";
    lines[5] = f.join("\t");
    let imp = import::import(&lines.join("\n"), "bad.export.CSV", Dataset::Gdelt);
    let at: Vec<u64> = imp.problems.iter().map(|p| p.line).collect();
    assert_eq!(at, [2, 4, 6], "{:?}", imp.problems);
    assert!(imp.problems[1].message.contains("61"));
    assert!(imp.problems[2].message.contains("Goldstein"));
}

#[test]
fn native_jsonl_round_trips() {
    let imp = import::import(&fixture("icews-events.tab"), "e.tab", Dataset::Icews);
    let bytes = demarche_events::output::jsonl(&imp.events);
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(detect(&text, "events.jsonl"), Some(Dataset::Native));
    let again = import::import(&text, "events.jsonl", Dataset::Native);
    assert_eq!(again.events, imp.events);
}

#[test]
fn csv_and_parquet_outputs_have_one_row_per_event() {
    let imp = import::import(&fixture("gdelt-events.export.CSV"), "x.export.CSV", Dataset::Gdelt);
    let csv = String::from_utf8(demarche_events::output::events_csv(&imp.events).unwrap()).unwrap();
    assert_eq!(csv.lines().count(), 9);
    let pq = demarche_events::output::events_parquet(&imp.events).unwrap();
    assert_eq!(&pq[..4], b"PAR1");
}

/// A GDELT day (about 100,000 rows) imports in well under a second in a
/// release build; here only that it imports whole (no timing asserted).
#[test]
fn a_hundred_thousand_gdelt_rows_import_whole() {
    let rows: Vec<String> = fixture("gdelt-events.export.CSV").lines().map(str::to_string).collect();
    let mut text = String::new();
    for i in 0..100_000 {
        let row = &rows[i % rows.len()];
        let (_, rest) = row.split_once('\t').unwrap();
        text.push_str(&format!("{}\t{rest}\n", 2_000_000_000u64 + i as u64));
    }
    let imp = import::import(&text, "day.export.CSV", Dataset::Gdelt);
    assert_eq!(imp.events.len(), 100_000);
    assert!(imp.problems.is_empty());
}

#[test]
fn a_hand_written_record_needs_only_id_date_and_type() {
    let text = "{\"id\":\"a\",\"date\":\"2025-06-13\",\"event\":\"ASSAULT\",\"actors\":[{\"name\":\"Israel\",\"country\":\"ISR\"}]}\n\
                {\"id\":\"b\",\"date\":\"2025-06-14\",\"event\":\"ASSAULT\",\"quad\":9}\n\
                {\"id\":\"c\",\"event\":\"ASSAULT\"}\n";
    let imported = import::import(text, "hand.jsonl", Dataset::Native);
    assert_eq!(imported.events.len(), 1);
    let e = &imported.events[0];
    assert_eq!((e.quad, e.confidence), (4, 1.0));
    assert_eq!(e.intensity, EventType::Assault.intensity(""));
    let lines: Vec<(u64, &str)> = imported.problems.iter().map(|p| (p.line, p.message.as_str())).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].0 == 2 && lines[0].1.contains("quad 9"), "{lines:?}");
    assert!(lines[1].0 == 3 && lines[1].1.contains("missing field `date`") && lines[1].1.contains("hint"), "{lines:?}");
}

//! `demarche events import|code|series|suggest|score` run as a user would
//! (issue 14), including the worked example of docs/events.md.

use assert_cmd::Command;
use predicates::prelude::*;

fn demarche() -> Command {
    let mut c = Command::cargo_bin("demarche").expect("binary builds");
    c.env("DEMARCHE_STORE", "off").env("NO_COLOR", "1");
    c
}

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn fixture(name: &str) -> String {
    format!("{ROOT}/crates/events/tests/fixtures/{name}")
}

#[test]
fn import_guesses_each_data_set_and_writes_jsonl_csv_and_parquet() {
    for (file, n) in [("gdelt-events.export.CSV", 8), ("icews-events.tab", 6), ("polecat-events.tsv", 6)] {
        let out = demarche().args(["events", "import", &fixture(file)]).assert().success().get_output().stdout.clone();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), n, "{file}");
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["event"].is_string() && v["actors"].is_array() && v["source"]["file"] == file, "{v}");
        }
    }
    demarche()
        .args([
            "events",
            "import",
            &fixture("gdelt-events.export.CSV"),
            "--mentions",
            &fixture("gdelt.mentions.CSV"),
            "-f",
            "csv",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("id,date,event,mode"));
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("e.parquet");
    demarche()
        .args(["events", "import", &fixture("icews-events.tab"), "-f", "parquet", "-o", pq.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(&std::fs::read(&pq).unwrap()[..4], b"PAR1");
    // Binary output goes into a pipe as it goes into a file (only a terminal refuses it).
    let piped = demarche().args(["events", "import", &fixture("icews-events.tab"), "-f", "parquet"]).assert().success();
    assert_eq!(piped.get_output().stdout, std::fs::read(&pq).unwrap());
}

#[test]
fn a_bad_file_lists_every_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("icews-events.tab")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[2] = lines[2].replacen("2025-06-03", "June 3", 1);
    lines[4] =
        lines[4].replacen("\t036\t", "\tXYZ\t", 1).replacen("\t040\t", "\tXYZ\t", 1).replacen("\t111\t", "\tXYZ\t", 1);
    let bad = dir.path().join("bad.tab");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    demarche()
        .args(["events", "import", bad.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.tab:3: Event Date `June 3`").and(predicate::str::contains("--skip-bad")));
    demarche().args(["events", "import", bad.to_str().unwrap(), "--skip-bad"]).assert().success();
    let junk = dir.path().join("junk.txt");
    std::fs::write(&junk, "hello\nworld\n").unwrap();
    demarche()
        .args(["events", "import", junk.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--from"));
}

#[test]
fn the_worked_example_codes_headlines_and_its_suggestion_changes_the_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let coded = dir.path().join("june.jsonl");
    demarche()
        .args([
            "events",
            "code",
            &format!("{ROOT}/docs/events/june-2025-headlines.jsonl"),
            "-o",
            coded.to_str().unwrap(),
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&coded).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!((first["id"].as_str(), first["event"].as_str()), (Some("h01-1-1"), Some("REJECT")), "{first}");
    assert!(first["coding"]["rule"].as_str().unwrap().contains("PROPOSAL"));
    let seed = format!("{ROOT}/scenarios/iran-us-nuclear.toml");
    demarche()
        .args(["events", "series", coded.to_str().unwrap(), "--scenario", &seed])
        .assert()
        .success()
        .stdout(predicate::str::contains("iran_gov – israel").and(predicate::str::contains("2025-06-09")));
    let overlay = dir.path().join("suggestions.toml");
    demarche()
        .args(["events", "suggest", &seed, "--events", coded.to_str().unwrap(), "-o", overlay.to_str().unwrap()])
        .assert()
        .success();
    let o = std::fs::read_to_string(&overlay).unwrap();
    assert!(o.contains("us_admin->iran_gov hostile") && o.contains("events: h"), "{o}");
    let sim = |extra: &[&str]| {
        let mut c = demarche();
        c.args(["simulate", &seed, "--runs", "500", "--format", "json"]).args(extra);
        let out = c.assert().success().get_output().stdout.clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let rows = v["confrontation"].as_array().cloned().unwrap_or_default();
        rows.iter()
            .find(|r| r["a"] == "iran_gov" && r["b"] == "us_admin")
            .and_then(|r| r["score"].as_f64())
            .unwrap_or_else(|| panic!("no iran_gov–us_admin dyad in {}", v["confrontation"]))
    };
    let before = sim(&[]);
    let after = sim(&["--overlay", overlay.to_str().unwrap()]);
    assert!(after < before, "hostility lowered by the events, the indicator should fall: {before} -> {after}");
}

#[test]
fn score_prints_the_table_docs_events_md_records() {
    let shared = format!("{ROOT}/../shared/reference/events");
    if !std::path::Path::new(&shared).is_dir() {
        eprintln!("notice: ../shared is absent; skipping");
        return;
    }
    let out = demarche()
        .args([
            "events",
            "score",
            &format!("{shared}/plover-gsr-cameo-dev.json"),
            "--dictionaries",
            &format!("{shared}/petrarch2-dictionaries"),
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(out).unwrap();
    let docs = std::fs::read_to_string(format!("{ROOT}/docs/events.md")).unwrap();
    assert!(docs.contains(table.trim()), "docs/events.md must hold the table `demarche events score` prints:\n{table}");
}

#[test]
fn an_events_run_is_stored_and_its_report_draws_a_timeline_per_dyad() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let seed = format!("{ROOT}/scenarios/iran-us-nuclear.toml");
    let headlines = format!("{ROOT}/docs/events/june-2025-headlines.jsonl");
    let coded = dir.path().join("june.jsonl");
    demarche().args(["events", "code", &headlines, "-o", coded.to_str().unwrap()]).assert().success();
    let mut c = demarche();
    c.env("DEMARCHE_STORE", &store);
    c.args(["events", "suggest", &seed, "--events", coded.to_str().unwrap()]).assert().success();
    let mut c = demarche();
    c.env("DEMARCHE_STORE", &store);
    let list = String::from_utf8(c.args(["runs", "list"]).assert().success().get_output().stdout.clone()).unwrap();
    assert!(list.lines().any(|l| l.contains(" events ")), "{list}");
    let html = dir.path().join("r.html");
    let mut c = demarche();
    c.env("DEMARCHE_STORE", &store);
    c.args(["report", "1", "-o", html.to_str().unwrap()]).assert().success();
    let h = std::fs::read_to_string(&html).unwrap();
    assert!(h.contains("<h2>What the events say</h2>"), "no events section");
    assert!(h.contains("id=\"timeline-iran-gov-us-admin\"") || h.contains("timeline-iran-gov-us-admin"), "no timeline");
    assert!(
        h.contains("us_admin-&gt;iran_gov hostile") && h.contains("struck Fordow"),
        "the suggestion and its events"
    );
    // The events themselves are kept with the run.
    let mut c = demarche();
    c.env("DEMARCHE_STORE", &store);
    let shown = c.args(["runs", "export", "1", "--format", "json"]).assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&shown).unwrap();
    let rec = if v.is_array() { v[0].clone() } else { v };
    let docs = rec["documents"].as_array().unwrap();
    let events = docs.iter().find(|d| d["name"] == "events").expect("an events document");
    assert_eq!(events["body"].as_array().unwrap().len(), 18);
    assert!(docs.iter().any(|d| d["name"] == "events_review"));
}

#[test]
fn simulate_takes_the_escalation_signal_of_events_into_the_indicator() {
    let dir = tempfile::tempdir().unwrap();
    let seed = format!("{ROOT}/scenarios/iran-us-nuclear.toml");
    let coded = dir.path().join("june.jsonl");
    demarche()
        .args([
            "events",
            "code",
            &format!("{ROOT}/docs/events/june-2025-headlines.jsonl"),
            "-o",
            coded.to_str().unwrap(),
        ])
        .assert()
        .success();
    let dyads = |extra: &[&str]| {
        let mut c = demarche();
        c.args(["simulate", &seed, "--runs", "200", "--format", "json"]).args(extra);
        let v: serde_json::Value = serde_json::from_slice(&c.assert().success().get_output().stdout).unwrap();
        v["confrontation"].as_array().unwrap().clone()
    };
    let find = |rows: &[serde_json::Value], a: &str, b: &str| {
        rows.iter().find(|r| r["a"] == a && r["b"] == b).cloned().unwrap_or_else(|| panic!("no {a}–{b}"))
    };
    let plain = dyads(&[]);
    assert!(plain.iter().all(|r| r.get("escalation").is_none()), "no events, no signal");
    let with = dyads(&["--events", coded.to_str().unwrap()]);
    let (p, w) = (find(&plain, "iran_gov", "israel"), find(&with, "iran_gov", "israel"));
    let x = w["escalation"].as_f64().unwrap();
    assert!(x > 0.0, "the strikes of 13 June raise the Israel–Iran signal: {w}");
    let expect = (p["score"].as_f64().unwrap() + 0.2 * x) / 1.2;
    assert!((w["score"].as_f64().unwrap() - expect).abs() < 1e-9, "{p} {w}");
    // Cut at the scenario's as-of date, nothing had risen: every signal is 0.
    let cut = dyads(&["--events", coded.to_str().unwrap(), "--events-until", "2025-06-02"]);
    assert!(cut.iter().all(|r| r["escalation"].as_f64() == Some(0.0)), "{cut:?}");
    // The table says where the signal came from.
    demarche()
        .args(["simulate", &seed, "--runs", "50", "--events", coded.to_str().unwrap()])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Escalation signal from events: 18 events")
                .and(predicate::str::contains("dated after the scenario's as-of date"))
                .and(predicate::str::contains(" events  main issue")),
        );
    demarche()
        .args(["simulate", &seed, "--runs", "50", "--events", "/nonexistent.jsonl"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("/nonexistent.jsonl"));
}

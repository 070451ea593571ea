//! `demarche backtest`: scoring checked by hand on a small case, the JSON's
//! shape, the committed suite's claims (issue 12), and docs/validity.md
//! holding the table the command prints.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn demarche() -> Command {
    let mut c = Command::cargo_bin("demarche").expect("binary builds");
    c.env("DEMARCHE_STORE", "off").env("NO_COLOR", "1");
    c
}

const BACKTESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../backtests");
const VALIDITY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/validity.md");

/// Three actors on one 0–100 issue (status quo 0): a at 0 (capability 1), b at
/// 100 (capability 3), c at 0 (capability 1), all at salience 1.
const SCENARIO: &str = r#"
[meta]
title = "Hand-made"
as_of = 2020-01-01
[[meta.sources]]
id = "s"
title = "A statement"
date = "2019-12-01"
[[actors]]
id = "a"
name = "A"
capability = 1
[[actors]]
id = "b"
name = "B"
capability = 3
[[actors]]
id = "c"
name = "C"
capability = 1
[[issues]]
id = "x"
name = "X"
min = 0
max = 100
low = "none"
high = "all"
status_quo = 0
[[stances]]
actor = "a"
issue = "x"
position = 0
salience = 1
sources = ["s"]
[[stances]]
actor = "b"
issue = "x"
position = 100
salience = 1
sources = ["s"]
[[stances]]
actor = "c"
issue = "x"
position = 0
salience = 1
sources = ["s"]
[simulation]
principals = ["a", "b"]
"#;

const OUTCOME: &str = r#"
[outcome]
as_of = 2020-06-01
decided = true
[[outcome.sources]]
id = "o"
title = "What happened"
date = "2020-05-01"
[[outcome.issues]]
issue = "x"
value = 50
sources = ["o"]
[[outcome.dyads]]
a = "b"
b = "c"
kind = "force"
date = 2020-03-01
sources = ["o"]
"#;

#[test]
fn a_hand_made_case_is_scored_as_computed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("hand-made");
    std::fs::create_dir(&case).unwrap();
    std::fs::write(case.join("scenario.toml"), SCENARIO).unwrap();
    std::fs::write(case.join("outcome.toml"), OUTCOME).unwrap();
    let out = demarche()
        .args(["backtest", "--runs", "50", "--format", "json"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let c = &v["cases"][0];
    assert_eq!(c["id"], "hand-made");
    // Compromise: (1·0 + 3·100 + 1·0) / 5 = 60, realised 50: error 10 / 100.
    let close = |x: &Value, want: f64| (x.as_f64().unwrap() - want).abs() < 1e-9;
    assert!(close(&c["models"]["compromise"]["mae"], 0.10), "{}", c["models"]["compromise"]);
    assert!(close(&c["models"]["compromise"]["within_10"], 1.0));
    // The status quo (0) against 50: error 0.5, none within 10 points.
    assert!(close(&c["models"]["status_quo"]["mae"], 0.5));
    assert!(close(&c["models"]["status_quo"]["within_10"], 0.0));
    assert_eq!(c["models"]["compromise"]["issues"][0]["issue"], "x");
    // The deal's Brier score is (p − 1)² for a decided case.
    let p = c["deal"]["p"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    assert_eq!(c["deal"]["observed"], true);
    assert!(close(&c["deal"]["brier"], (p - 1.0).powi(2)));
    // Disagreement: a–b 1, b–c 1, a–c 0; observed b–c. Pairs (b–c vs a–b): tie ½;
    // (b–c vs a–c): 1. AUC = 1.5 / 2 = 0.75.
    let dis = &c["confrontation"]["disagreement"];
    assert!(close(&dis["auc"], 0.75), "{dis}");
    for ranking in ["indicator", "bdm", "disagreement", "hostile"] {
        let r = &c["confrontation"][ranking];
        assert!(r["top10_hits"].is_number(), "{ranking}: {r}");
        let dyads = r["dyads"].as_array().unwrap();
        assert_eq!(dyads.len(), 3, "{ranking}");
        for d in dyads {
            for k in ["a", "b", "score", "observed"] {
                assert!(!d[k].is_null(), "{ranking} dyad lacks {k}");
            }
        }
    }
    for k in ["models", "deal", "confrontation"] {
        assert!(v["pooled"][k].is_object(), "pooled.{k}");
    }
}

#[test]
fn a_bad_case_reports_every_problem_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("bad");
    std::fs::create_dir(&case).unwrap();
    std::fs::write(case.join("scenario.toml"), SCENARIO.replace("date = \"2019-12-01\"", "date = \"2021-01-01\""))
        .unwrap();
    std::fs::write(
        case.join("outcome.toml"),
        OUTCOME.replace("issue = \"x\"", "issue = \"xx\"").replace("a = \"b\"", "a = \"bb\""),
    )
    .unwrap();
    demarche()
        .args(["backtest", "--runs", "10"])
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("after the as-of date 2020-01-01"))
        .stderr(predicate::str::contains("unknown issue `xx`"))
        .stderr(predicate::str::contains("unknown actor `bb`"))
        .stderr(predicate::str::contains("outcome.toml:10:"))
        .stderr(predicate::str::contains("did you mean"));
}

/// The suite's claims (issue 12's "Done when"): the indicator is at least as
/// good as the disagreement baseline and better than the expected-utility
/// classification, pooled; on the seed, no allied pair in its top 10 and both
/// Israel–Iran and US–Iran in it.
#[test]
fn the_indicator_earns_its_name_on_the_committed_cases() {
    let out =
        demarche().args(["backtest", BACKTESTS, "--format", "json"]).assert().success().get_output().stdout.clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let pooled = |r: &str| v["pooled"]["confrontation"][r]["auc"].as_f64().unwrap();
    assert!(pooled("indicator") >= pooled("disagreement"), "{}", v["pooled"]["confrontation"]);
    assert!(pooled("indicator") > pooled("bdm"), "{}", v["pooled"]["confrontation"]);
    let seed = v["cases"].as_array().unwrap().iter().find(|c| c["id"] == "iran-us-2025").expect("the seed case");
    let top: Vec<(String, String)> = seed["confrontation"]["indicator"]["dyads"].as_array().unwrap()[..10]
        .iter()
        .map(|d| (d["a"].as_str().unwrap().to_string(), d["b"].as_str().unwrap().to_string()))
        .collect();
    let has = |x: &str, y: &str| top.iter().any(|(a, b)| (a == x && b == y) || (a == y && b == x));
    assert!(has("israel", "iran_gov") && has("us_admin", "iran_gov"), "{top:?}");
    let sc = demarche_scenario::seed().unwrap().scenario;
    for r in sc.relations.iter().filter(|r| r.kind == demarche_scenario::RelationKind::Allied) {
        assert!(!has(&r.from, &r.to), "allied pair {}–{} in the top 10: {top:?}", r.from, r.to);
    }
}

/// docs/validity.md holds the table `demarche backtest backtests/` prints,
/// between its markers, byte for byte.
#[test]
fn docs_validity_holds_the_measured_table() {
    let out = demarche().args(["backtest", BACKTESTS]).assert().success().get_output().stdout.clone();
    let table = String::from_utf8(out).unwrap();
    let doc = std::fs::read_to_string(VALIDITY).unwrap();
    let start = doc.find("<!-- backtest:begin -->\n```text\n").expect("begin marker") + 32;
    let end = doc.find("```\n<!-- backtest:end -->").expect("end marker");
    if doc[start..end] != table {
        let path = std::env::temp_dir().join("validity-table.txt");
        std::fs::write(&path, &table).unwrap();
        panic!("docs/validity.md's table differs from the command's output (now in {})", path.display());
    }
}

/// A backtest is recorded, and `demarche report ID` draws it.
#[test]
fn a_recorded_backtest_is_drawn_by_report() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let case = dir.path().join("cases").join("hand-made");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(case.join("scenario.toml"), SCENARIO).unwrap();
    std::fs::write(case.join("outcome.toml"), OUTCOME).unwrap();
    let mut c = Command::cargo_bin("demarche").unwrap();
    c.env_remove("DEMARCHE_STORE")
        .args(["backtest", "--runs", "20", "--store"])
        .arg(&store)
        .arg(dir.path().join("cases"));
    c.assert().success();
    let html = dir.path().join("bt.html");
    let mut r = Command::cargo_bin("demarche").unwrap();
    r.env_remove("DEMARCHE_STORE").args(["report", "1", "--store"]).arg(&store).arg("-o").arg(&html);
    r.assert().success();
    let text = std::fs::read_to_string(&html).unwrap();
    for id in ["<section id=\"backtest\"", "backtest-errors", "backtest-calibration", "backtest-roc", "hand-made"] {
        assert!(text.contains(id), "the report lacks {id}");
    }
}

/// Material conflict between b and c, as an analyst writes it by hand (the
/// intensity, quad class and confidence filled in on import).
fn case_events(dates: &[&str]) -> String {
    dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            format!(
                "{{\"id\":\"e{i}\",\"date\":\"{d}\",\"event\":\"ASSAULT\",\"actors\":[{{\"name\":\"B\",\"code\":\"BBB\"}}],\
                 \"recipients\":[{{\"name\":\"C\",\"code\":\"CCC\"}}]}}\n"
            )
        })
        .collect()
}

#[test]
fn a_case_with_events_before_its_as_of_date_feeds_the_indicator_and_later_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("with-events");
    std::fs::create_dir(&case).unwrap();
    let scenario = SCENARIO
        .replace("name = \"B\"\n", "name = \"B\"\ncodes = [\"BBB\"]\n")
        .replace("name = \"C\"\n", "name = \"C\"\ncodes = [\"CCC\"]\n");
    std::fs::write(case.join("scenario.toml"), &scenario).unwrap();
    std::fs::write(case.join("outcome.toml"), OUTCOME).unwrap();
    let run = || {
        let out = demarche()
            .args(["backtest", "--runs", "50", "--format", "json"])
            .arg(dir.path())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v: Value = serde_json::from_slice(&out).unwrap();
        v["cases"][0].clone()
    };
    let score = |c: &Value, a: &str, b: &str| {
        let dyads = c["confrontation"]["indicator"]["dyads"].as_array().unwrap();
        let d = dyads.iter().find(|d| d["a"] == a && d["b"] == b).unwrap();
        d["score"].as_f64().unwrap()
    };
    let without = run();
    std::fs::write(case.join("events.jsonl"), case_events(&["2019-12-16", "2019-12-18", "2019-12-24", "2019-12-31"]))
        .unwrap();
    let with = run();
    let notes = with["notes"].to_string();
    assert!(notes.contains("escalation signal of 4 events"), "{notes}");
    // b–c gains, a–b (no events) loses a sixth: (raw + 0) / 1.2.
    assert!(score(&with, "b", "c") > score(&without, "b", "c") / 1.2 + 1e-9);
    assert!((score(&with, "a", "b") - score(&without, "a", "b") / 1.2).abs() < 1e-9);
    // An event after the as-of date is hindsight: the case is refused, naming it.
    std::fs::write(case.join("events.jsonl"), case_events(&["2019-12-16", "2020-03-01"])).unwrap();
    demarche()
        .args(["backtest", "--runs", "50"])
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains("e1 (2020-03-01)").and(predicates::str::contains("as-of date")));
}

//! The binary as a user runs it.

use assert_cmd::Command;
use predicates::prelude::*;

fn demarche() -> Command {
    let mut c = Command::cargo_bin("demarche").expect("binary builds");
    c.env("DEMARCHE_STORE", "off").env("NO_COLOR", "1");
    c
}

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/three-party.toml");

#[test]
fn check_accepts_a_good_file() {
    demarche().args(["check", FIXTURE]).assert().success().stdout(predicate::str::contains("ok"));
}

#[test]
fn check_reports_every_problem_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(FIXTURE)
        .unwrap()
        .replace("salience = 1.0", "salience = 3")
        .replace("actor = \"b\"", "actor = \"bb\"");
    std::fs::write(&bad, text).unwrap();
    demarche()
        .arg("check")
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains("salience must be between 0 and 1"))
        .stderr(predicate::str::contains("did you mean `b`?"))
        .stderr(predicate::str::contains("bad.toml:"));
}

#[test]
fn check_json_lists_diagnostics() {
    let out = demarche().args(["check", "--json", "-"]).write_stdin("[meta]\ntitle = \"\"\n").assert().failure();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v[0]["ok"], false);
    assert!(v[0]["diagnostics"].as_array().unwrap().len() >= 3);
}

#[test]
fn missing_file_is_a_clear_error() {
    demarche()
        .args(["check", "/nonexistent/x.toml"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot read"));
}

#[test]
fn forecast_prints_a_table_with_meanings() {
    demarche()
        .args(["forecast", FIXTURE, "--model", "compromise,nash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Tariff level"))
        .stdout(predicate::str::contains("compromise      40"))
        .stdout(predicate::str::contains("nash            50  half"));
}

#[test]
fn forecast_csv_and_trajectory_file() {
    let dir = tempfile::tempdir().unwrap();
    let traj = dir.path().join("t.csv");
    demarche()
        .args(["forecast", FIXTURE, "--model", "nash", "--format", "csv", "--trajectory-out"])
        .arg(&traj)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("model,issue,turn,actor,name,dim,pos\n"));
    let t = std::fs::read_to_string(&traj).unwrap();
    assert!(t.starts_with("turn,actor,name,dim,pos\n0,0,Alpha,0,20\n"), "{t}");
}

#[test]
fn forecast_json_is_valid() {
    let out = demarche().args(["forecast", FIXTURE, "--format", "json"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(v["forecasts"].as_array().unwrap().len() >= 2);
}

#[test]
fn bad_options_are_clear_errors() {
    demarche()
        .args(["forecast", FIXTURE, "--model", "nahs"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("did you mean `nash`?"));
    demarche()
        .args(["forecast", FIXTURE, "-o", "nash.disagrement=worst"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("did you mean `disagreement`?"));
    demarche()
        .args(["forecast", FIXTURE, "--issue", "y"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown issue `y`"));
}

#[test]
fn schema_is_json() {
    let out = demarche().arg("schema").assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["title"], "Scenario");
}

#[test]
fn convert_round_trips_through_json() {
    let out = demarche().args(["convert", FIXTURE, "--to", "json"]).assert().success();
    let json = out.get_output().stdout.clone();
    demarche().args(["check", "--input-format", "json", "-"]).write_stdin(json).assert().success();
}

#[test]
fn demo_runs_the_built_in_scenario() {
    demarche().arg("demo").assert().success().stdout(predicate::str::contains("demarche demo"));
}

#[test]
fn forecast_applies_overrides_and_rejects_bad_ones() {
    // Moving Alpha from 20 to 80 moves the weighted mean from 40 to 64 ((80 + 50 + 30) / 2.5).
    demarche()
        .args(["forecast", FIXTURE, "--model", "compromise", "--set", "a.x.position=80"])
        .assert()
        .success()
        .stdout(predicate::str::contains("compromise      64"));
    demarche()
        .args(["forecast", FIXTURE, "--set", "a.x.positon=80"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("position"));
    demarche()
        .args(["forecast", FIXTURE, "--set", "a.x.position=200"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("outside the scale"));
}

#[test]
fn forecast_runs_gives_bands_that_do_not_depend_on_threads() {
    let json = |threads: &str| {
        let out = demarche()
            .args(["forecast", "@seed", "--model", "compromise,bdm", "--runs", "40", "--seed", "3", "-f", "json"])
            .args(["--threads", threads])
            .assert()
            .success();
        out.get_output().stdout.clone()
    };
    let one = json("1");
    assert_eq!(one, json("2"), "the bands depend on the thread count");
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    let u = &v["uncertainty"];
    assert_eq!(u["runs"], 40);
    let bands = u["bands"].as_array().unwrap();
    assert_eq!(bands.len(), 2 * 8, "two models × eight issues");
    for b in bands {
        let s = &b["summary"];
        let (lo, med, hi) = (s["p10"].as_f64().unwrap(), s["median"].as_f64().unwrap(), s["p90"].as_f64().unwrap());
        assert!(lo <= med && med <= hi, "{b}");
    }
    // The table says how sure; CSV is the trajectory and refuses --runs.
    demarche()
        .args(["forecast", "@seed", "--model", "compromise", "--runs", "10"])
        .assert()
        .success()
        .stdout(predicate::str::contains("How sure: every model on 10 draws"));
    demarche()
        .args(["forecast", "@seed", "--runs", "10", "-f", "csv"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--runs reports bands"));
    demarche().args(["forecast", "@seed", "--seed", "3"]).assert().failure();
}

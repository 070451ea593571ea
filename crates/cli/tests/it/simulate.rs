//! `demarche simulate` and `demarche sensitivity` as a user runs them.

use assert_cmd::Command;
use predicates::prelude::*;

fn demarche() -> Command {
    let mut c = Command::cargo_bin("demarche").expect("binary builds");
    c.env("DEMARCHE_STORE", "off").env("NO_COLOR", "1");
    c
}

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/iran-us-nuclear.toml");
const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/three-party.toml");

fn json(threads: &str) -> Vec<u8> {
    let out = demarche()
        .args(["simulate", SEED, "--channel", "both", "--runs", "400", "--seed", "7", "--escalation-runs", "100"])
        .args(["--threads", threads, "--format", "json"])
        .assert()
        .success();
    out.get_output().stdout.clone()
}

#[test]
fn json_output_is_identical_whatever_the_thread_count() {
    let one = json("1");
    let two = json("2");
    assert_eq!(one, two, "JSON differs between --threads 1 and --threads 2");
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(v["runs"], 400);
    assert_eq!(v["channels"].as_array().unwrap().len(), 2);
    // No progress bar or timing ever leaks into machine output.
    let text = String::from_utf8(one).unwrap();
    assert!(!text.contains("elapsed") && !text.contains("simulating"));
}

#[test]
fn table_output_compares_the_channels() {
    demarche()
        .args(["simulate", SEED, "--runs", "200", "--seed", "1", "--escalation-runs", "50"])
        .assert()
        .success()
        .stdout(predicate::str::contains("direct").and(predicate::str::contains("mediated")))
        .stdout(predicate::str::contains("deal at the table"))
        .stdout(predicate::str::contains("israel"))
        .stdout(predicate::str::contains("not a prediction"));
}

#[test]
fn overrides_and_overlays_change_the_run() {
    let base = demarche()
        .args(["simulate", SEED, "--runs", "100", "--escalation-runs", "0", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let changed = demarche()
        .args(["simulate", SEED, "--runs", "100", "--escalation-runs", "0", "--format", "json"])
        .args(["--set", "israel->us_admin.weight=0.9", "--set", "simulation.mediator.noise=0.3"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_ne!(base, changed);
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("variant.toml");
    std::fs::write(&overlay, "[[stances]]\nactor = \"us_admin\"\nissue = \"enrichment_level\"\nred_line = [0, 2]\n")
        .unwrap();
    demarche()
        .args(["simulate", SEED, "--runs", "50", "--escalation-runs", "0"])
        .arg("--overlay")
        .arg(&overlay)
        .assert()
        .success()
        .stdout(predicate::str::contains("no zone of agreement in 100.0% of runs"));
}

#[test]
fn bad_overrides_are_clear_errors() {
    let cases = [
        ("irn_gov.enrichment_level.position=3", "did you mean `iran_gov`?"),
        ("iran_gov.enrichment.position=3", "did you mean `enrichment_level`?"),
        ("iran_gov.enrichment_level.postion=3", "did you mean `position`?"),
        ("iran_gov.enrichment_level.position=95", "outside the scale of `enrichment_level` [0, 90]"),
        ("israel->us_admin.weight=1.5", "between 0 and 1"),
        ("simulation.mediator.actor=omann", "did you mean `oman`?"),
    ];
    for (set, want) in cases {
        demarche()
            .args(["simulate", SEED, "--runs", "10", "--set", set])
            .assert()
            .failure()
            .stderr(predicate::str::contains(want));
    }
}

#[test]
fn a_mediated_channel_needs_a_mediator() {
    // The fixture's mediator has no `mediates` relation; strip its kind too.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no-mediator.toml");
    let text = std::fs::read_to_string(FIXTURE).unwrap().replace("kind = \"mediator\"\n", "");
    std::fs::write(&file, text).unwrap();
    demarche()
        .args(["simulate"])
        .arg(&file)
        .args(["--channel", "mediated", "--runs", "10"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("needs a mediator"));
    demarche().args(["simulate"]).arg(&file).args(["--channel", "direct", "--runs", "10"]).assert().success();
}

#[test]
fn sensitivity_ranks_inputs() {
    demarche()
        .args(["sensitivity", SEED, "--channel", "direct", "--samples", "8", "--oat-runs", "2", "--seed", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("P(agreement)"))
        .stdout(predicate::str::contains("first"));
}

/// `demarche serve` stops within a second of SIGTERM even while a long
/// simulation runs, and leaves its store intact (issue 10).
#[cfg(unix)]
#[test]
fn serve_stops_on_sigterm_during_a_long_simulation_with_its_store_intact() {
    use std::io::{BufRead, Read, Write};
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let bin = assert_cmd::cargo::cargo_bin("demarche");
    let mut child = std::process::Command::new(&bin)
        .args(["serve", "--port", "0", "--no-token", "--store"])
        .arg(&store)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .to_string();
    let seed = std::fs::read_to_string(SEED).unwrap();
    let post = |path: &str, body: serde_json::Value| {
        let body = body.to_string();
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer
    };
    // One stored run to keep intact, then the long simulation.
    let answer = post("/api/forecast", serde_json::json!({ "text": seed, "name": "s.toml", "models": "compromise" }));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let answer = post("/api/simulate", serde_json::json!({ "text": seed, "name": "s.toml", "runs": 20000 }));
    assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    let status = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let code = loop {
        if let Some(code) = child.try_wait().unwrap() {
            break code;
        }
        if t.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("the server was still running 10 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = t.elapsed();
    eprintln!("serve stopped {took:?} after SIGTERM during a 20,000-run simulation");
    assert!(code.success(), "{code:?}");
    // The target is under a second; a loaded test machine gets some slack.
    assert!(took < Duration::from_secs(3), "stopping took {took:?}");
    let listed =
        demarche().args(["runs", "list", "--store"]).arg(&store).env_remove("DEMARCHE_STORE").assert().success();
    let text = String::from_utf8_lossy(&listed.get_output().stdout).to_string();
    assert!(text.contains("forecast") && !text.contains("simulate"), "{text}");
}

/// The seed assumes no side stalls; the stalling reading is a named variant.
#[test]
fn the_stalling_variant_of_the_seed_is_an_overlay() {
    let variant = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/variants/iran-us-stalling.toml");
    let run = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["simulate", SEED, "--runs", "20", "--escalation-runs", "0", "-f", "json"];
        args.extend_from_slice(extra);
        serde_json::from_slice(&demarche().args(&args).assert().success().get_output().stdout).unwrap()
    };
    let plain = run(&[]);
    let stalling = run(&["--overlay", variant]);
    assert_eq!(plain["settings"]["parties.iran_gov.stall_probability"], "0");
    assert_eq!(stalling["settings"]["parties.iran_gov.stall_probability"], "0.3");
    assert_eq!(stalling["settings"]["parties.us_admin.stall_probability"], "0.3");
}

/// A SLURM array job's route: `--run-range` parts on any machines, `merge`
/// folds them into the bytes one `simulate` prints.
#[test]
fn run_ranges_merge_into_the_whole_simulation_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let base = ["simulate", SEED, "--runs", "900", "--seed", "5", "--escalation-runs", "300"];
    let whole = demarche().args(base).args(["--format", "json"]).assert().success().get_output().stdout.clone();
    let mut parts = Vec::new();
    for (k, range) in ["600..900", "0..1", "1..600"].iter().enumerate() {
        let p = dir.path().join(format!("part{k}.json"));
        demarche()
            .args(base)
            .args(["--run-range", range, "--partial-out", p.to_str().unwrap()])
            .assert()
            .success()
            .stdout("")
            .stderr(predicate::str::contains(format!("runs {range} of 900 written to")));
        parts.push(p);
    }
    let merged =
        demarche().arg("merge").args(&parts).args(["--format", "json"]).assert().success().get_output().stdout.clone();
    assert_eq!(String::from_utf8(merged).unwrap(), String::from_utf8(whole).unwrap());
    // A part missing, a range outside the runs, a file that is not a part: each says what is wrong.
    demarche()
        .arg("merge")
        .args(&parts[..2])
        .assert()
        .failure()
        .stderr(predicate::str::contains("runs 1..600 are in no part"));
    demarche()
        .args(base)
        .args(["--run-range", "800..1000", "--partial-out", dir.path().join("x.json").to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a part of the 900 runs"));
    demarche().args(base).args(["--run-range", "9..3"]).assert().failure().stderr(predicate::str::contains("is empty"));
    demarche()
        .args(base)
        .args(["--run-range", "0..3"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--partial-out"));
    demarche().args(["merge", SEED]).assert().failure().stderr(predicate::str::contains("not a partial result"));
}

/// A sensitivity analysis splits the same way: rows of its design (Sobol
/// samples, then one-at-a-time runs) on any machines, `merge` folds them into
/// the analysis one process prints, and records it as a sensitivity run.
#[test]
fn sample_ranges_merge_into_the_whole_sensitivity_analysis_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let base = ["sensitivity", SEED, "--samples", "16", "--oat-runs", "4", "--seed", "3", "--no-store"];
    let whole = demarche().args(base).args(["--format", "json"]).assert().success().get_output().stdout.clone();
    let mut parts = Vec::new();
    for (k, range) in ["15..20", "0..15"].iter().enumerate() {
        let p = dir.path().join(format!("part{k}.json"));
        demarche()
            .args(base)
            .args(["--sample-range", range, "--partial-out", p.to_str().unwrap()])
            .assert()
            .success()
            .stdout("")
            .stderr(predicate::str::contains(format!("rows {range} of 20 written to")));
        parts.push(p);
    }
    let merged = demarche()
        .arg("merge")
        .args(&parts)
        .args(["--format", "json", "--store", store.to_str().unwrap()])
        .env_remove("DEMARCHE_STORE")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(merged).unwrap(), String::from_utf8(whole).unwrap());
    let listed =
        demarche().args(["runs", "list", "--store"]).arg(&store).env_remove("DEMARCHE_STORE").assert().success();
    assert!(String::from_utf8_lossy(&listed.get_output().stdout).contains("sensitivity"));
    demarche()
        .arg("merge")
        .args(&parts[..1])
        .assert()
        .failure()
        .stderr(predicate::str::contains("rows 0..15 are in no part"));
    demarche()
        .args(base)
        .args(["--sample-range", "18..21", "--partial-out", dir.path().join("x.json").to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a part of the design's 20 rows (16 Sobol samples, then 4"));
    // A simulation's part and an analysis's part are two jobs.
    let sim = dir.path().join("sim.json");
    demarche()
        .args(["simulate", SEED, "--runs", "10", "--escalation-runs", "0", "--run-range", "0..10", "--partial-out"])
        .arg(&sim)
        .assert()
        .success();
    demarche()
        .arg("merge")
        .arg(&parts[0])
        .arg(&sim)
        .assert()
        .failure()
        .stderr(predicate::str::contains("one job at a time"));
}

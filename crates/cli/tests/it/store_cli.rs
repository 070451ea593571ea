//! Every recording command keeps its run, and reports show what each kind of
//! run holds.

use assert_cmd::Command;
use predicates::prelude::*;

const ANL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/negotiation/anl2023");

fn demarche(store: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("demarche").expect("binary builds");
    c.env("DEMARCHE_STORE", store).env("NO_COLOR", "1");
    c
}

fn runs(store: &std::path::Path) -> Vec<serde_json::Value> {
    let out = demarche(store).args(["runs", "list", "--json"]).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

#[test]
fn simulate_negotiate_and_tournament_are_recorded() {
    require_shared!();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let domain = format!("{ANL}/domain00");
    demarche(&store)
        .args(["simulate", "@seed", "--runs", "40", "--seed", "5", "--escalation-runs", "10", "-f", "json"])
        .assert()
        .success();
    demarche(&store)
        .args(["negotiate", &domain, "--strategies", "boulware,conceder", "--seed", "2"])
        .assert()
        .success();
    demarche(&store)
        .args(["tournament", &domain, "--strategies", "boulware,linear", "--rounds", "100"])
        .assert()
        .success();
    demarche(&store)
        .args(["sensitivity", "@seed", "--samples", "4", "--oat-runs", "64", "-f", "json"])
        .assert()
        .success();
    // --no-store keeps nothing.
    demarche(&store).args(["negotiate", &domain, "--strategies", "linear", "--no-store"]).assert().success();

    let listed = runs(&store);
    let kinds: Vec<&str> = listed.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["sensitivity", "tournament", "negotiate", "simulate"], "newest first: {listed:?}");
    let (sensitivity, tournament, negotiation, simulation) = (&listed[0], &listed[1], &listed[2], &listed[3]);
    assert_eq!(simulation["seed"], 5);
    assert_eq!(negotiation["scenario_title"], "domain domain00");
    assert_eq!(negotiation["engines"], serde_json::json!(["sao:boulware", "sao:conceder"]));
    assert_eq!(tournament["engines"], serde_json::json!(["boulware", "linear"]));
    // The text listing keeps its columns straight whatever the kinds and engines.
    let out = demarche(&store).args(["runs", "list"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // Where the start time begins: "started" in the header, the year (four digits before the first '-') below.
    let starts: Vec<usize> = text.lines().map(|l| l.find("started").or(l.find('-').map(|i| i - 4)).unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{text}");
    let titles: Vec<usize> = text
        .lines()
        .skip(1)
        .map(|l| l.find("domain domain00").or(l.find("tournament on")).or(l.find("Iran")).unwrap())
        .collect();
    assert!(titles.windows(2).all(|w| w[0] == w[1]), "{text}");

    // The negotiation's record holds its domain, its settings and its result.
    let id = negotiation["id"].to_string();
    let out = demarche(&store).args(["runs", "show", &id, "--json"]).assert().success();
    let rec: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(rec["params"]["strategies"], serde_json::json!(["boulware", "conceder"]));
    assert!(rec["scenario"]["domain"]["issues"].as_array().is_some_and(|i| !i.is_empty()), "{}", rec["scenario"]);
    let docs: Vec<&str> = rec["documents"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert!(docs.contains(&"negotiation") && docs.contains(&"pareto"), "{docs:?}");

    // It exports as JSON; as a table it is a clear error, not an empty file.
    demarche(&store).args(["runs", "export", &id, "--format", "json"]).assert().success();
    let out = demarche(&store).args(["runs", "export", &id, "--format", "csv"]).assert().failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("negotiate run") && err.contains("--format json"), "{err}");

    // Its report draws the bargaining frontier, and lists no empty scenario inputs.
    let html = dir.path().join("negotiation.html");
    demarche(&store).args(["report", &id, "-o"]).arg(&html).assert().success();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("id=\"pareto\"") && text.contains("Nash solution"), "no frontier chart");
    assert!(!text.contains("id=\"inputs\""), "a domain run has no scenario inputs to list");

    // The tournament's report compares the strategies.
    let html = dir.path().join("tournament.html");
    demarche(&store).args(["report", &tournament["id"].to_string(), "-o"]).arg(&html).assert().success();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("Strategies compared") && text.contains("Agreement rate by strategy"), "no strategy chart");

    // The sensitivity analysis's report draws its tornadoes.
    let html = dir.path().join("sensitivity.html");
    demarche(&store).args(["report", &sensitivity["id"].to_string(), "-o"]).arg(&html).assert().success();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("<section id=\"sensitivity\""), "no tornado");

    // The simulation's report shows the channel comparison.
    let html = dir.path().join("simulation.html");
    demarche(&store).args(["report", &simulation["id"].to_string(), "-o"]).arg(&html).assert().success();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("Chance of a deal by channel"), "no channel chart");
    assert!(text.contains("<section id=\"pareto\""), "no bargaining frontier in the simulation's report");
}

#[test]
fn a_scenario_report_has_every_section_and_keeps_them_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let html = dir.path().join("seed.html");
    demarche(&store).args(["report", "@seed", "-o"]).arg(&html).assert().success();
    let text = std::fs::read_to_string(&html).unwrap();
    for section in
        ["outlook", "models", "positions", "uncertainty", "channels", "pareto", "escalation", "sensitivity", "inputs"]
    {
        assert!(text.contains(&format!("<section id=\"{section}\"")), "no {section} section");
    }
    // Figure ids are unique (two channels' confrontation matrices share a section).
    let mut ids: Vec<&str> = text.match_indices("<figure id=\"").map(|(i, m)| &text[i + m.len()..]).collect();
    ids.iter_mut().for_each(|s| *s = &s[..s.find('"').unwrap()]);
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate figure ids");

    // The stored run gives the same report.
    let id = runs(&store)[0]["id"].to_string();
    let again = dir.path().join("again.html");
    demarche(&store).args(["report", &id, "-o"]).arg(&again).assert().success();
    let stored = std::fs::read_to_string(&again).unwrap();
    for section in ["uncertainty", "channels", "pareto", "sensitivity"] {
        assert!(stored.contains(&format!("<section id=\"{section}\"")), "stored run lost its {section} section");
    }

    // A forecast under uncertainty draws each issue's bands.
    demarche(&store).args(["forecast", "@seed", "--model", "compromise", "--runs", "20"]).assert().success();
    let id = runs(&store)[0]["id"].to_string();
    let bands = dir.path().join("bands.html");
    demarche(&store).args(["report", &id, "-o"]).arg(&bands).assert().success();
    let text = std::fs::read_to_string(&bands).unwrap();
    assert!(text.contains("How sure the forecasts are") && text.contains("forecasts under uncertainty"));

    // --no-simulation: forecasts only.
    let lean = dir.path().join("lean.html");
    demarche(&store).args(["report", "@seed", "--no-simulation", "-o"]).arg(&lean).assert().success();
    let text = std::fs::read_to_string(&lean).unwrap();
    assert!(text.contains("<section id=\"models\"") && !text.contains("<section id=\"channels\""));
}

#[test]
fn kill_9_during_a_long_simulation_leaves_the_store_whole() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    demarche(&store).args(["forecast", "@seed", "--model", "compromise"]).assert().success();
    demarche(&store).args(["simulate", "@seed", "--runs", "20", "--escalation-runs", "0"]).assert().success();
    // A simulation far too long to finish, killed while it runs.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("demarche"))
        .args(["simulate", "@seed", "--runs", "1000000", "-f", "json"])
        .env("DEMARCHE_STORE", &store)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert!(child.try_wait().unwrap().is_none(), "the long simulation ended on its own");
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    let listed = runs(&store);
    let kinds: Vec<&str> = listed.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["simulate", "forecast"], "the earlier runs are intact and nothing half-written appears");
    let s = demarche_store::Store::open(&store).unwrap();
    assert!(s.integrity_check().unwrap());
    // And the store takes new runs.
    demarche(&store).args(["forecast", "@seed", "--model", "nash"]).assert().success();
    assert_eq!(runs(&store).len(), 3);
}

#[test]
fn a_failed_export_leaves_an_existing_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/three-party.toml");
    demarche(&store).args(["forecast", fixture, "--model", "compromise"]).assert().success();
    let out = dir.path().join("k.csv");
    std::fs::write(&out, "keep me\n").unwrap();
    demarche(&store).args(["runs", "export", "999", "-o"]).arg(&out).assert().failure();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me\n", "a failed export emptied the file");
    // A successful one replaces it, and leaves no temporary file behind.
    demarche(&store).args(["runs", "export", "1", "-o"]).arg(&out).assert().success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("run_id,model,issue,round,actor,position,scale\n"), "{text}");
    assert_ne!(text, "keep me\n");
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.retain(|n| !n.starts_with("runs.sqlite"));
    assert_eq!(names, ["k.csv"]);
}

/// The seed's report opens with its bottom line (the models' caveats in
/// words), lists every source of the scenario, and carries no machine path.
#[test]
fn the_seed_report_opens_with_its_bottom_line_and_lists_its_sources() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let html = dir.path().join("seed.html");
    demarche(&store).args(["report", "@seed", "-o"]).arg(&html).assert().success();
    let text = std::fs::read_to_string(&html).unwrap();
    let bottom = text.find("<section id=\"bottom-line\"").expect("a bottom line");
    assert!(bottom < text.find("<section id=\"summary\"").unwrap(), "the bottom line comes first");
    let end = bottom + text[bottom..].find("</section>").unwrap();
    let section = &text[bottom..end];
    for want in [
        "no zone of agreement",
        "ratifying for",
        "deadlock",
        "still moving",
        "off the talks",
        "Leading confrontation dyads",
    ] {
        assert!(section.contains(want), "the bottom line lacks {want:?}");
    }
    let sc = demarche_scenario::seed().unwrap().scenario;
    for src in &sc.meta.sources {
        let title = src.title.replace('&', "&amp;").replace('\'', "&#39;").replace('"', "&quot;");
        assert!(text.contains(&title), "source {} is not listed", src.id);
    }
    // An import from an absolute path names the file, not the machine's folders.
    let ktab = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/ktab/inputs/SOE-Policy.csv");
    if std::path::Path::new(ktab).is_file() {
        let abs = std::fs::canonicalize(ktab).unwrap();
        let out = dir.path().join("ktab.html");
        demarche(&store).args(["report", "--no-simulation"]).arg(&abs).arg("-o").arg(&out).assert().success();
        let text = std::fs::read_to_string(&out).unwrap();
        let folder = abs.parent().unwrap().display().to_string();
        assert!(text.contains("SOE-Policy.csv") && !text.contains(&folder), "the report names {folder}");
    } else {
        eprintln!("SKIPPED the KTAB part: ../shared/reference is absent (CI has it)");
    }
}

/// Runs can be deleted by id and pruned by date, and a missing id deletes nothing.
#[test]
fn runs_delete_and_prune() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    for _ in 0..3 {
        demarche(&store).args(["forecast", "@seed", "-m", "compromise"]).assert().success();
    }
    let list = |store: &std::path::Path| -> String {
        let out = demarche(store).args(["runs", "list"]).assert().success();
        String::from_utf8_lossy(&out.get_output().stdout).to_string()
    };
    assert_eq!(list(&store).lines().count(), 4, "a header and three runs");
    demarche(&store)
        .args(["runs", "delete", "2", "9"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no run with id 9"));
    assert_eq!(list(&store).lines().count(), 4, "nothing deleted when an id is missing");
    demarche(&store).args(["runs", "delete", "2"]).assert().success().stdout(predicate::str::contains("deleted 1 run"));
    assert!(!list(&store).lines().any(|l| l.trim_start().starts_with("2 ")));
    demarche(&store)
        .args(["runs", "prune", "--before", "2000-01-01"])
        .assert()
        .success()
        .stdout(predicate::str::contains("deleted 0 run(s)"));
    demarche(&store)
        .args(["runs", "prune", "--before", "2999-01-01", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("would delete 2 run(s)"));
    demarche(&store).args(["runs", "prune", "--before", "2999-01-01"]).assert().success();
    assert!(list(&store).contains("no runs"));
    demarche(&store)
        .args(["runs", "prune", "--before", "01/02/2026"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("YYYY-MM-DD"));
}

/// A command that records a run says so on standard error (never on standard
/// output), and `--quiet` keeps it silent.
#[test]
fn a_recorded_run_says_its_id_unless_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let out = demarche(&store).args(["forecast", "@seed", "-m", "compromise", "--format", "json"]).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("recorded as run 1 (demarche runs show 1"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.get_output().stdout).contains("recorded as run"));
    let out = demarche(&store).args(["--quiet", "forecast", "@seed", "-m", "compromise"]).assert().success();
    assert!(!String::from_utf8_lossy(&out.get_output().stderr).contains("recorded as run"));
    demarche(&store)
        .args(["simulate", "@seed", "--runs", "20", "--escalation-runs", "0", "-q"])
        .assert()
        .success()
        .stderr("");
}

/// `runs show` says what every kind of run found, not only a forecast.
#[test]
fn runs_show_gives_the_outcomes_of_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let river = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/negotiation/river");
    demarche(&store).args(["-q", "simulate", "@seed", "--runs", "50", "--escalation-runs", "0"]).assert().success();
    demarche(&store).args(["-q", "sensitivity", "@seed", "--samples", "4", "--oat-runs", "2"]).assert().success();
    demarche(&store)
        .args(["-q", "negotiate"])
        .args(["river-domain.xml", "upstream.xml", "downstream.xml"].map(|f| format!("{river}/{f}")))
        .args(["--strategies", "boulware,conceder", "--rounds", "100"])
        .assert()
        .success();
    let show = |id: &str| -> String {
        let out = demarche(&store).args(["runs", "show", id]).assert().success();
        String::from_utf8_lossy(&out.get_output().stdout).to_string()
    };
    assert!(show("1").contains("runs the red lines"), "{}", show("1"));
    assert!(show("2").contains("largest first-order index"), "{}", show("2"));
    let n = show("3");
    assert!(n.contains("sao on river-domain: agreement") && n.contains("agreed: Downstream share"), "{n}");
}

/// `runs` speaks `--format json` like every other command; the old `--json`
/// still works and says it is deprecated.
#[test]
fn runs_take_format_json_and_the_old_flag_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    demarche(&store).args(["-q", "forecast", "@seed", "-m", "compromise"]).assert().success();
    for args in [vec!["runs", "list", "--format", "json"], vec!["runs", "show", "1", "-f", "json"]] {
        let out = demarche(&store).args(&args).assert().success().stderr("");
        serde_json::from_slice::<serde_json::Value>(&out.get_output().stdout).unwrap();
    }
    let out = demarche(&store).args(["runs", "list", "--json"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("--json is deprecated; use --format json"));
    serde_json::from_slice::<serde_json::Value>(&out.get_output().stdout).unwrap();
}

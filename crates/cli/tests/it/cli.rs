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
    let out =
        demarche().args(["check", "--format", "json", "-"]).write_stdin("[meta]\ntitle = \"\"\n").assert().failure();
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

/// `forecast --format csv` holds the forecasts; `--trajectory-out` every
/// model's positions per round in one file, in the issues' own units.
#[test]
fn forecast_csv_and_trajectory_file() {
    let dir = tempfile::tempdir().unwrap();
    let traj = dir.path().join("t.csv");
    let out = demarche()
        .args(["forecast", FIXTURE, "--model", "compromise,nash", "--format", "csv", "--trajectory-out"])
        .arg(&traj)
        .assert()
        .success();
    let csv = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(csv.starts_with("model,issue,outcome,scale,reading,converged,rounds,notes\n"), "{csv}");
    assert!(csv.contains("\ncompromise,x,40,0–100 %,") && csv.contains("\nnash,x,50,0–100 %,half,"), "{csv}");
    let t = std::fs::read_to_string(&traj).unwrap();
    assert!(t.starts_with("model,issue,round,actor,position,scale\ncompromise,x,0,a,20,0–100 %\n"), "{t}");
    assert!(t.contains("\nnash,x,0,a,20,0–100 %\n"), "one file holds every model: {t}");
    assert!(!dir.path().join("t-nash.csv").exists());
    // KTAB's layout on request: one file per model, as before.
    let ktab = dir.path().join("k.csv");
    demarche()
        .args(["forecast", FIXTURE, "--model", "compromise,nash", "--trajectory-layout", "ktab", "--trajectory-out"])
        .arg(&ktab)
        .assert()
        .success();
    let t = std::fs::read_to_string(dir.path().join("k-nash.csv")).unwrap();
    assert!(t.starts_with("turn,actor,name,dim,pos\n0,0,Alpha,0,20\n"), "{t}");
}

/// smp's trajectory is in the issue's units: a 0–10 issue stays 0–10 (KTAB
/// itself works on 0–100), and no float noise is written.
#[test]
fn an_smp_trajectory_stays_on_the_issues_scale() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("ten.toml");
    let mut text = String::from(
        "[meta]\ntitle = \"Ten\"\n\n[[issues]]\nid = \"x\"\nname = \"X\"\nmin = 0\nmax = 10\nlow = \"none\"\nhigh = \"all\"\n",
    );
    for (k, (cap, pos)) in [(100, 2.0), (80, 8.0), (50, 5.5)].iter().enumerate() {
        text.push_str(&format!(
            "\n[[actors]]\nid = \"a{k}\"\nname = \"A{k}\"\ncapability = {cap}\n\n[[stances]]\nactor = \"a{k}\"\nissue = \"x\"\nposition = {pos}\nsalience = 0.8\n"
        ));
    }
    std::fs::write(&sc, text).unwrap();
    let traj = dir.path().join("t.csv");
    demarche().args(["forecast", "--model", "smp", "--trajectory-out"]).arg(&traj).arg(&sc).assert().success();
    let t = std::fs::read_to_string(&traj).unwrap();
    let positions: Vec<f64> = t.lines().skip(1).map(|l| l.split(',').nth(4).unwrap().parse().unwrap()).collect();
    assert!(!positions.is_empty() && positions.iter().all(|p| (0.0..=10.0).contains(p)), "{t}");
    assert!(t.contains(",a1,8,0–10\n"), "round 0 holds the stated 8 on the 0–10 scale: {t}");
    assert!(t.lines().all(|l| l.split(',').nth(4).is_none_or(|p| p.len() < 12)), "float noise: {t}");
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
        .args(["forecast", FIXTURE, "--option", "nash.disagrement=worst"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("did you mean `disagreement`?"));
    // `-o` was the engine option in `forecast` and now names the output file
    // everywhere: the old spelling is refused with the new one, never written
    // to a file called `nash.disagreement=worst`.
    let dir = tempfile::tempdir().unwrap();
    demarche()
        .current_dir(dir.path())
        .args(["forecast", FIXTURE, "--no-store", "-o", "nash.disagreement=worst"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("hint: `--option nash.disagreement=worst`"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
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

#[cfg(unix)]
#[test]
fn files_that_never_end_are_refused() {
    let within = std::time::Duration::from_secs(60);
    demarche()
        .args(["check", "/dev/zero"])
        .timeout(within)
        .assert()
        .failure()
        .stderr(predicate::str::contains("/dev/zero"))
        .stderr(predicate::str::contains("limit"));
    demarche()
        .args(["forecast", FIXTURE, "--model", "compromise", "--overlay", "/dev/zero"])
        .timeout(within)
        .assert()
        .failure()
        .stderr(predicate::str::contains("/dev/zero"))
        .stderr(predicate::str::contains("limit"));
    let dir = tempfile::tempdir().unwrap();
    let domain = dir.path().join("d.json");
    std::fs::write(&domain, r#"{"name":"d","issuesValues":{"a":{"values":["p","q"]}}}"#).unwrap();
    demarche()
        .arg("frontier")
        .arg(&domain)
        .arg("/dev/zero")
        .timeout(within)
        .assert()
        .failure()
        .stderr(predicate::str::contains("/dev/zero"))
        .stderr(predicate::str::contains("bytes"));
}

#[test]
fn the_format_hint_names_the_flag_the_cli_has() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("scenario");
    std::fs::write(&odd, "just some words\n").unwrap();
    demarche()
        .arg("check")
        .arg(&odd)
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot tell the format"))
        .stderr(predicate::str::contains("--input-format"))
        .stderr(predicate::str::contains("pass --format").not());
    // The flag named is the one that works.
    demarche()
        .args(["check", "--input-format", "toml"])
        .arg(&odd)
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot tell the format").not());
}

#[test]
fn magnitudes_that_would_overflow_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.toml");
    let text = std::fs::read_to_string(FIXTURE).unwrap().replace("capability = 2.0", "capability = 1e308");
    std::fs::write(&huge, text).unwrap();
    demarche().arg("check").arg(&huge).assert().failure().stderr(predicate::str::contains("actors[1].capability"));
    demarche()
        .args(["forecast", "--model", "bdm"])
        .arg(&huge)
        .assert()
        .failure()
        .stdout(predicate::str::contains("inf").not());
    let wide = dir.path().join("wide.toml");
    let text = std::fs::read_to_string(FIXTURE)
        .unwrap()
        .replace("min = 0\nmax = 100", "min = -1e308\nmax = 1e308")
        .replace("status_quo = 80\nanchors = [{ at = 50, label = \"half\" }]\n", "");
    std::fs::write(&wide, text).unwrap();
    demarche().arg("check").arg(&wide).assert().failure().stderr(predicate::str::contains("issues[0]."));
}

/// The JSON outputs the application-layer refactor (issue 11) must leave
/// byte-identical: SHA-256 digests recorded from the binary before it began
/// (`tests/snapshots/outputs.sha256`). On a mismatch the new output is written
/// to the target folder to diff. The four models recorded then are named (`all` now
/// includes the exchange model too, which has its own tests).
#[test]
fn json_outputs_are_byte_identical_to_the_recorded_ones() {
    use sha2::Digest;
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference");
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/iran-us-nuclear.toml");
    let recorded = include_str!("../snapshots/outputs.sha256");
    let cases: Vec<(&str, Vec<String>, bool)> = vec![
        (
            "forecast-ec-emissions.json",
            vec![
                "forecast".into(),
                format!("{shared}/bdm/ec-emissions-actors.csv"),
                "--model".into(),
                "compromise,nash,bdm,smp".into(),
                "--format".into(),
                "json".into(),
            ],
            true,
        ),
        (
            "forecast-ktab-soe.json",
            vec![
                "forecast".into(),
                format!("{shared}/ktab/inputs/SOE-Policy.csv"),
                "--model".into(),
                "compromise,nash,bdm,smp".into(),
                "--format".into(),
                "json".into(),
            ],
            true,
        ),
        (
            "forecast-seed.json",
            vec![
                "forecast".into(),
                seed.into(),
                "--model".into(),
                "compromise,nash,bdm,smp".into(),
                "--format".into(),
                "json".into(),
            ],
            false,
        ),
        (
            "frontier-anl-domain00.json",
            vec!["frontier".into(), format!("{shared}/negotiation/anl2023/domain00"), "--format".into(), "json".into()],
            true,
        ),
        (
            "simulate-seed-2000-7.json",
            vec![
                "simulate".into(),
                seed.into(),
                "--runs".into(),
                "2000".into(),
                "--seed".into(),
                "7".into(),
                "--format".into(),
                "json".into(),
            ],
            false,
        ),
    ];
    let mut mismatched = Vec::new();
    for (name, args, needs_shared) in cases {
        if needs_shared && !std::path::Path::new(shared).is_dir() {
            eprintln!("SKIPPED {name}: ../shared/reference is absent (CI has it)");
            continue;
        }
        let out = demarche().args(&args).assert().success().get_output().stdout.clone();
        let digest: String = sha2::Sha256::digest(&out).iter().map(|b| format!("{b:02x}")).collect();
        let want = recorded
            .lines()
            .find_map(|l| l.split_once("  ").filter(|(_, f)| *f == name).map(|(h, _)| h))
            .unwrap_or_else(|| panic!("{name} is not recorded"));
        if digest != want {
            let path = std::env::temp_dir().join(name);
            std::fs::write(&path, &out).unwrap();
            mismatched.push(format!("{name}: now {digest}, recorded {want} (new output in {})", path.display()));
        }
    }
    assert!(mismatched.is_empty(), "outputs changed:\n{}", mismatched.join("\n"));
}

/// Output piped into a reader that stops early (`| head`): the command ends
/// quietly and successfully, without a panic and without relying on SIGPIPE.
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::io::Read;
    let bin = assert_cmd::cargo::cargo_bin("demarche");
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/iran-us-nuclear.toml");
    // The JSON is over a megabyte, far more than a pipe holds.
    let mut child = std::process::Command::new(bin)
        .args(["forecast", seed, "--model", "all", "--format", "json", "--no-store"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
}

/// `demarche models` lists every engine with its options, defaults and sources.
#[test]
fn models_lists_every_engine_with_its_options_and_source() {
    let out = Command::cargo_bin("demarche").unwrap().arg("models").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for want in ["compromise", "nash", "bdm", "smp", "Source:", "disagreement", "default status_quo", "between 0 and 1"]
    {
        assert!(text.contains(want), "models lacks {want:?}:\n{text}");
    }
    let out = Command::cargo_bin("demarche").unwrap().args(["models", "bdm", "--format", "json"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert!(v[0]["options"].as_array().unwrap().iter().any(|o| o["key"] == "rounds" && o["default"] == "10"));
    Command::cargo_bin("demarche")
        .unwrap()
        .args(["models", "bmd"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("did you mean `bdm`"));
}

/// `demarche init` writes a commented template that `check` accepts and the
/// models run on, and never overwrites a file.
#[test]
fn init_writes_a_template_that_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.toml");
    Command::cargo_bin("demarche")
        .unwrap()
        .args(["init", "--actors", "4", "--issues", "3", "-o"])
        .arg(&path)
        .assert()
        .success()
        .stderr(predicates::str::contains("demarche check"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# ") && text.matches("[[stances]]").count() == 12, "{text}");
    Command::cargo_bin("demarche").unwrap().arg("check").arg(&path).assert().success();
    Command::cargo_bin("demarche").unwrap().env("DEMARCHE_STORE", "off").arg("forecast").arg(&path).assert().success();
    Command::cargo_bin("demarche")
        .unwrap()
        .args(["init", "-o"])
        .arg(&path)
        .assert()
        .failure()
        .stderr(predicates::str::contains("never overwrites"));
    // To standard output by default.
    let out = Command::cargo_bin("demarche").unwrap().arg("init").assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("[[actors]]"));
}

/// Completions and the man page come from the CLI's own definition.
#[test]
fn completions_and_the_man_page_are_generated() {
    let out = Command::cargo_bin("demarche").unwrap().args(["completions", "bash"]).assert().success();
    let bash = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(bash.contains("_demarche()") && bash.contains("forecast") && bash.contains("--trajectory-out"), "{bash}");
    let out = Command::cargo_bin("demarche").unwrap().args(["completions", "fish"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("complete -c demarche"));
    let out = Command::cargo_bin("demarche").unwrap().arg("man").assert().success();
    let man = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(man.starts_with(".ie") || man.contains(".TH demarche"), "{}", &man[..man.len().min(300)]);
    assert!(man.contains("simulate"));
    let out = Command::cargo_bin("demarche").unwrap().args(["man", "forecast"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("demarche\\-forecast"));
    Command::cargo_bin("demarche")
        .unwrap()
        .args(["man", "forcast"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("did you mean `forecast`"));
}

/// A wrong --input-format lists the formats; `runs` with recording off says so.
#[test]
fn a_wrong_input_format_lists_the_formats_and_store_off_is_named() {
    demarche()
        .args(["check", "--input-format", "tomll", FIXTURE])
        .assert()
        .failure()
        .stderr(predicate::str::contains("did you mean `toml`").and(predicate::str::contains("formats: toml, json")));
    demarche().args(["runs", "list"]).assert().failure().stderr(predicate::str::contains("recording is off"));
}

/// `-o/--output FILE` is one global option: every command's result goes to
/// FILE instead of standard output, byte for byte, and a failed command leaves
/// an existing FILE as it was.
#[test]
fn output_goes_to_the_file_of_dash_o_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name);
    for args in [
        &["forecast", FIXTURE, "--format", "json", "--no-store"][..],
        &["forecast", FIXTURE, "--format", "csv", "--no-store"],
        &["check", FIXTURE],
        &["convert", FIXTURE, "--to", "json"],
        &["models", "--format", "json"],
        &["schema"],
    ] {
        let stdout = demarche().args(args).assert().success().get_output().stdout.clone();
        let to = file("out");
        let printed = demarche().args(args).arg("-o").arg(&to).assert().success();
        assert!(printed.get_output().stdout.is_empty(), "{args:?} printed with -o");
        assert_eq!(std::fs::read(&to).unwrap(), stdout, "{args:?}: the file differs from standard output");
    }
    std::fs::write(file("keep.json"), "old").unwrap();
    demarche().args(["forecast", "missing.toml", "--no-store", "-o"]).arg(file("keep.json")).assert().failure();
    assert_eq!(std::fs::read_to_string(file("keep.json")).unwrap(), "old", "a failed command replaced the file");
}

#[test]
fn verbose_says_what_was_read_and_how_long_each_model_took() {
    let out = demarche().args(["forecast", FIXTURE, "--no-store", "--verbose"]).assert().success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("3 actors, 1 issue, 3 stances, 0 relations"), "{err}");
    for model in ["compromise", "nash", "bdm", "smp"] {
        assert!(err.contains(&format!("{model}: ")), "{model} missing in {err}");
    }
    assert!(err.contains("done in "), "{err}");
    demarche().args(["forecast", FIXTURE, "--no-store", "-q", "-v"]).assert().failure();
}

const DECIDE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../exchange/tests/fixtures/decide/vanilla/rand_002.csv");

/// `forecast FILE --model exchange` reads decide's input format as it is, and
/// `--trajectory-out` gives every actor's position after every round: those decide
/// recorded (`crates/exchange/tests/fixtures/decide`).
#[test]
fn the_exchange_model_reads_decide_files_and_writes_positions_after_every_round() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.csv");
    demarche()
        .args(["forecast", DECIDE, "--model", "exchange", "--no-store", "--trajectory-out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(std::path::Path::new(DECIDE).with_extension("json")).unwrap())
            .unwrap();
    let mut compared = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (issue, round, actor, pos): (usize, usize, usize, f64) = (
            f[1][1..].parse::<usize>().unwrap() - 1,
            f[2].parse().unwrap(),
            f[3][1..].parse::<usize>().unwrap() - 1,
            f[4].parse().unwrap(),
        );
        if round == 0 {
            continue;
        }
        let want = rec["rounds"][round - 1]["after"][issue][actor].as_f64().unwrap();
        // Six significant digits of the 0–100 scale, as the layout rounds.
        assert!((pos - want).abs() <= 5e-4, "round {round}, a{actor}, i{issue}: {pos} against decide's {want}");
        compared += 1;
    }
    assert_eq!(compared, 10 * 9 * 2);
}

/// Two actors alike in every number make exchanges of exactly equal gain: the
/// forecast says that its order turned on a tie, in the notes and the JSON.
#[test]
fn the_exchange_model_reports_near_ties() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twins.csv");
    let text = std::fs::read_to_string(DECIDE).unwrap();
    // A02's twin: the same rows under another id.
    let twin: String = text
        .lines()
        .filter(|l| l.contains("'A02'"))
        .map(|l| l.replace("'A02'", "'A10'").replace("'Actor A10'", "'Twin of A02'") + "\n")
        .collect();
    std::fs::write(&file, text + &twin).unwrap();
    let out = demarche()
        .args(["forecast"])
        .arg(&file)
        .args(["--model", "exchange", "--format", "json", "--no-store"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let f = &v["forecasts"][0];
    assert!(!f["exchanges"]["near_ties"].as_array().unwrap().is_empty(), "{}", f["exchanges"]);
    assert!(f["notes"][0].as_str().unwrap().contains("near-tie"), "{}", f["notes"]);
}

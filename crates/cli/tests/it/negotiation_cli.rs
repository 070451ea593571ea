//! `frontier`, `negotiate` and `tournament` as a user runs them.

use assert_cmd::Command;
use predicates::prelude::*;

const ANL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/negotiation/anl2023");

fn demarche() -> Command {
    let mut c = Command::cargo_bin("demarche").expect("binary builds");
    c.env("DEMARCHE_STORE", "off");
    c
}

#[test]
fn frontier_json_names_every_solution_as_published() {
    require_shared!();
    let dir = format!("{ANL}/domain00");
    let out = demarche().args(["frontier", &dir, "--format", "json"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let specials: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/specials.json")).unwrap()).unwrap();
    for key in ["nash", "kalai_smorodinsky", "egalitarian", "max_welfare"] {
        let u = v[key]["utility"].as_array().unwrap_or_else(|| panic!("{key} has a utility: {v}"));
        assert_eq!(u.len(), 2, "{key}");
    }
    // ANL's "kalai" is Kalai–Smorodinsky; "social_welfare" is max welfare.
    for (ours, theirs) in [("nash", "nash"), ("kalai_smorodinsky", "kalai"), ("max_welfare", "social_welfare")] {
        for k in 0..2 {
            let (a, b) = (v[ours]["utility"][k].as_f64().unwrap(), specials[theirs]["utility"][k].as_f64().unwrap());
            assert!((a - b).abs() < 1e-6, "{ours}[{k}]: {a} vs published {b}");
        }
        assert_eq!(v[ours]["outcome"], specials[theirs]["bid"], "{ours} outcome");
    }
    assert_eq!(v["outcome_space_size"].as_u64(), specials["size"].as_u64());
    assert!(v["frontier"].as_array().unwrap().len() > 1);
}

#[test]
fn negotiate_is_reproducible_for_a_seed() {
    require_shared!();
    let dir = format!("{ANL}/domain03");
    let run = || {
        let out = demarche()
            .args([
                "negotiate",
                &dir,
                "--protocol",
                "sao",
                "--strategies",
                "boulware,random",
                "--seed",
                "9",
                "--format",
                "json",
            ])
            .assert()
            .success();
        out.get_output().stdout.clone()
    };
    assert_eq!(run(), run());
}

#[test]
fn negotiate_mediated_and_trace_file() {
    require_shared!();
    let dir = format!("{ANL}/domain03");
    let tmp = tempfile::tempdir().unwrap();
    let trace = tmp.path().join("trace.json");
    demarche()
        .args(["negotiate", &dir, "--protocol", "mediated", "--strategies", "conceder,conceder", "--trace"])
        .arg(&trace)
        .assert()
        .success();
    let t: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    assert!(t.is_object() || t.is_array());
}

#[test]
fn unknown_strategy_gets_the_nearest_name() {
    require_shared!();
    demarche()
        .args(["negotiate", &format!("{ANL}/domain03"), "--strategies", "boulwar,conceder"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("boulware"));
}

#[test]
fn tournament_output_does_not_depend_on_threads() {
    require_shared!();
    let (a, b) = (format!("{ANL}/domain00"), format!("{ANL}/domain01"));
    let run = |threads: &str| {
        let out = demarche()
            .args([
                "tournament",
                &a,
                &b,
                "--strategies",
                "boulware,conceder,random",
                "--repetitions",
                "2",
                "--seed",
                "3",
            ])
            .args(["--threads", threads, "--format", "json"])
            .assert()
            .success();
        out.get_output().stdout.clone()
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn malformed_domain_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d.xml");
    std::fs::write(&d, "<negotiation_template><utility_space><objective>").unwrap();
    demarche().arg("frontier").arg(&d).assert().failure().stderr(predicate::str::is_empty().not());
}

#[test]
fn frontier_of_a_folder_with_a_broken_profile_fails_naming_it() {
    require_shared!();
    let dir = tempfile::tempdir().unwrap();
    for f in ["domain00.json", "profileA.json"] {
        std::fs::copy(format!("{ANL}/domain00/{f}"), dir.path().join(f)).unwrap();
    }
    std::fs::write(dir.path().join("profileB.json"), "{\"LinearAdditiveUtilitySpace\": {").unwrap();
    demarche()
        .arg("frontier")
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains("profileB.json"))
        .stdout(predicates::str::is_empty());
}

/// The project's own two-party domain (examples/negotiation/river), so this
/// runs without ../shared.
const RIVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/negotiation/river");

/// A negotiation's report says who negotiated how, how it ended, the agreed
/// terms in the domain's words, and draws the offers over time and in
/// utility space beside the frontier — for alternating offers and mediation.
#[test]
fn a_negotiation_report_shows_strategies_terms_and_offers() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.sqlite");
    let files =
        [format!("{RIVER}/river-domain.xml"), format!("{RIVER}/upstream.xml"), format!("{RIVER}/downstream.xml")];
    for (k, protocol) in ["sao", "mediated"].iter().enumerate() {
        Command::cargo_bin("demarche")
            .unwrap()
            .env_remove("DEMARCHE_STORE")
            .arg("negotiate")
            .args(&files)
            .args(["--protocol", protocol, "--strategies", "boulware,conceder", "--rounds", "100", "--seed", "1"])
            .arg("--store")
            .arg(&store)
            .assert()
            .success();
        let html = dir.path().join(format!("n{k}.html"));
        Command::cargo_bin("demarche")
            .unwrap()
            .env_remove("DEMARCHE_STORE")
            .args(["report", &(k + 1).to_string(), "--store"])
            .arg(&store)
            .arg("-o")
            .arg(&html)
            .assert()
            .success();
        let text = std::fs::read_to_string(&html).unwrap();
        for want in [
            "id=\"negotiation\"",
            "boulware",
            "Reservation value",
            "Agreed terms",
            "Downstream share of the dry-season flow: ",
            "each party&#39;s utility of the offers over time",
            "offers by",
        ] {
            assert!(text.contains(want), "{protocol}: the report lacks {want:?}");
        }
        if *protocol == "sao" {
            assert!(text.contains("its own offers") && text.contains("offers it received"));
        } else {
            assert!(text.contains("utility of the text") && text.contains("the mediator"));
        }
    }
}

/// `negotiate` speaks of rounds: `--rounds` is the deadline, the summary says
/// how many rounds and how many single actions, and the old `--steps` still
/// works with a note.
#[test]
fn negotiate_counts_rounds_and_steps_is_deprecated() {
    let river = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/negotiation/river");
    let args = |deadline: &str| {
        let mut c = demarche();
        c.args(["negotiate", river, "--strategies", "boulware,conceder", deadline, "40"]);
        c
    };
    let new = args("--rounds").assert().success();
    let text = String::from_utf8_lossy(&new.get_output().stdout).into_owned();
    assert!(text.contains(" rounds (") && text.contains(" actions, relative time"), "{text}");
    let old =
        args("--steps").assert().success().stderr(predicate::str::contains("--steps is deprecated; use --rounds"));
    assert_eq!(old.get_output().stdout, new.get_output().stdout);
}

/// A Genius profile whose weights sum to 1.1 (as JapanTrip's do) loads with a note saying
/// what was done; `--strict` refuses it.
#[test]
fn genius_quirks_load_with_a_note_and_strict_refuses_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("trip-domain.xml"),
        r#"<negotiation_template><utility_space><objective index="0" name="trip">
  <issue index="1" name="City" etype="discrete"><item index="1" value="Tokyo"/><item index="2" value="Kyoto"/></issue>
  <issue index="2" name="Days" etype="discrete"><item index="1" value="3"/><item index="2" value="7"/></issue>
</objective></utility_space></negotiation_template>"#,
    )
    .unwrap();
    for (name, a, b) in [("trip-util1.xml", "0.6", "0.5"), ("trip-util2.xml", "0.5", "0.5")] {
        std::fs::write(
            dir.path().join(name),
            format!(
                r#"<utility_space><objective index="0" name="trip">
  <issue index="1" name="City"><item value="Tokyo" evaluation="1"/><item value="Kyoto" evaluation="2"/></issue>
  <issue index="2" name="Days"><item value="3" evaluation="2"/><item value="7" evaluation="1"/></issue>
  <weight index="1" value="{a}"/><weight index="2" value="{b}"/>
</objective></utility_space>"#
            ),
        )
        .unwrap();
    }
    let domain = dir.path().join("trip-domain.xml");
    demarche()
        .arg("frontier")
        .arg(&domain)
        .assert()
        .success()
        .stderr(predicate::str::contains("trip-util1.xml: issue weights sum to 1.1; divided by their sum"));
    demarche()
        .args(["frontier", "--strict"])
        .arg(&domain)
        .assert()
        .failure()
        .stderr(predicate::str::contains("refused under --strict"));
}

/// A nonlinear space too large to enumerate is answered with the pareto.xml Genius
/// ships beside profile-1.xml and profile-2.xml, and says so; without one, the error
/// says what is and is not computed.
#[test]
fn a_space_too_large_to_enumerate_uses_geniuss_shipped_frontier() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let issues: String = (1..=3)
        .map(|i| format!(r#"<issue index="{i}" name="c{i}" type="integer" lowerbound="0" upperbound="9"/>"#))
        .collect();
    std::fs::write(
        d.join("big-domain.xml"),
        format!(r#"<negotiation_template><utility_space><objective index="0" name="root">{issues}</objective></utility_space></negotiation_template>"#),
    )
    .unwrap();
    for (k, (a, b)) in [(1, (5, 9)), (2, (0, 4))] {
        std::fs::write(
            d.join(format!("profile-{k}.xml")),
            format!(
                r#"<!-- profile {k} -->
<utility_space type="nonlinear"><objective index="0" name="root">{issues}
<utility maxutility="10"><ufun type="PlainUfun" weight="1" aggregation="sum">
<hyperRectangle utility="10"><INCLUDES index="1" min="{a}" max="{b}"/></hyperRectangle>
</ufun></utility></objective><reservation value="0.2"/></utility_space>"#
            ),
        )
        .unwrap();
    }
    std::fs::write(d.join("pareto.xml"), "\n0.5, 1\n1, 0.5\n0.4, 0.4\n").unwrap();
    let out = demarche()
        .args(["frontier", "--max-enumeration", "1", "--format", "json"])
        .arg(d)
        .assert()
        .success()
        .stderr(predicate::str::contains("the frontier is the pareto.xml Genius ships"));
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["method"], "genius_pareto_file");
    assert_eq!(v["frontier"].as_array().unwrap().len(), 2, "the dominated point is dropped");
    std::fs::remove_file(d.join("pareto.xml")).unwrap();
    demarche()
        .args(["frontier", "--max-enumeration", "1"])
        .arg(d)
        .assert()
        .failure()
        .stderr(predicate::str::contains("is not computed here"));
}

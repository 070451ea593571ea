//! Golden tests: every KTAB reference run under `shared/reference/ktab/expected`
//! is reproduced — same number of turns, positions within 1e-6 (0–100 scale)
//! and win probabilities within 1e-9.

use std::path::{Path, PathBuf};

use demarche_forecast::Engine;
use demarche_forecast::{NoObserver, Request};
use demarche_smp::{Smp, SmpSettings};

fn ktab_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/ktab"))
        .canonicalize()
        .expect("the shared reference folder (../shared from the repo root)")
}

struct Expected {
    /// (turn, actor, dim) -> (pos, ideal)
    pos: Vec<(usize, usize, usize, f64, f64)>,
    prob: Vec<(usize, usize, f64)>,
}

fn read_expected(dir: &Path) -> Expected {
    let pos_text = std::fs::read_to_string(dir.join("out_pos.csv")).unwrap();
    let pos = pos_text
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (
                c[0].parse().unwrap(),
                c[1].parse().unwrap(),
                c[3].parse().unwrap(),
                c[4].parse().unwrap(),
                c[5].parse().unwrap(),
            )
        })
        .collect();
    let prob_text = std::fs::read_to_string(dir.join("out_prob.csv")).unwrap();
    let prob = prob_text
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].parse().unwrap(), c[1].parse().unwrap(), c[2].parse().unwrap())
        })
        .collect();
    Expected { pos, prob }
}

/// Run one reference case; returns a description of the first mismatch.
fn check_case(case: &str) -> Result<(), String> {
    let base = ktab_dir();
    let dir = base.join("expected").join(case);
    let scen = case.split("-v").next().unwrap();
    let input = base.join("inputs").join(format!("{scen}.csv"));
    let loaded = demarche_scenario::load_path(&input).map_err(|e| format!("{case}: load failed: {e}"))?;
    let settings = match std::fs::read_to_string(dir.join("params.txt")) {
        Ok(p) => SmpSettings::from_ktab_list(p.trim()).map_err(|e| format!("{case}: {e}"))?,
        Err(_) => SmpSettings::default(),
    };
    let f = Smp::new(settings)
        .forecast(&loaded.scenario, &Request::default(), &mut NoObserver)
        .map_err(|e| format!("{case}: run failed: {e}"))?;
    let exp = read_expected(&dir);
    let exp_turns = exp.prob.iter().map(|p| p.0).max().unwrap() + 1;
    let probs = f.win_probabilities.as_ref().unwrap();
    let mut first_bad = None;
    let mut worst_pos: f64 = 0.0;
    let mut worst_prob: f64 = 0.0;
    for &(t, a, d, pos, ideal) in &exp.pos {
        let Some(row) = f.issues[d].trajectory.get(t) else { continue };
        let e1 = (row[a] - pos).abs();
        let e2 = (f.issues[d].ideals[t][a] - ideal).abs();
        worst_pos = worst_pos.max(e1).max(e2);
        if (e1 > 1e-6 || e2 > 1e-6) && first_bad.is_none() {
            first_bad = Some(format!(
                "turn {t} actor {a} dim {d}: pos {} vs {pos}, ideal {} vs {ideal}",
                row[a], f.issues[d].ideals[t][a]
            ));
        }
    }
    for &(t, a, p) in &exp.prob {
        let Some(row) = probs.get(t) else { continue };
        let e = (row[a] - p).abs();
        worst_prob = worst_prob.max(e);
        if e > 1e-9 && first_bad.is_none() {
            first_bad = Some(format!("turn {t} actor {a}: prob {} vs {p}", row[a]));
        }
    }
    let got_turns = probs.len();
    eprintln!("{case}: turns {got_turns} (KTAB {exp_turns}), worst position error {worst_pos:.3e}, worst probability error {worst_prob:.3e}");
    if got_turns != exp_turns || first_bad.is_some() {
        return Err(format!(
            "{case}: {got_turns} states vs KTAB's {exp_turns}; first mismatch: {}",
            first_bad.unwrap_or_default()
        ));
    }
    Ok(())
}

fn cases() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(ktab_dir().join("expected"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_reference_run_is_reproduced() {
    require_shared!();
    let all = cases();
    assert!(all.len() >= 8, "expected the KTAB reference runs, found {all:?}");
    let failures: Vec<String> = all.iter().filter_map(|c| check_case(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The KTAB-style CSV writers reproduce KTAB's files byte for byte.
#[test]
fn csv_writers_reproduce_ktab_files() {
    require_shared!();
    let base = ktab_dir();
    for case in cases() {
        let dir = base.join("expected").join(&case);
        let scen = case.split("-v").next().unwrap();
        let loaded = demarche_scenario::load_path(&base.join("inputs").join(format!("{scen}.csv"))).unwrap();
        let settings = match std::fs::read_to_string(dir.join("params.txt")) {
            Ok(p) => SmpSettings::from_ktab_list(p.trim()).unwrap(),
            Err(_) => SmpSettings::default(),
        };
        let f = Smp::new(settings).forecast(&loaded.scenario, &Request::default(), &mut NoObserver).unwrap();
        let mut pos = Vec::new();
        demarche_smp::write_trajectory_csv(&f, &loaded.scenario, &mut pos).unwrap();
        let mut prob = Vec::new();
        demarche_smp::write_probability_csv(&f, &mut prob).unwrap();
        assert!(pos == std::fs::read(dir.join("out_pos.csv")).unwrap(), "{case}: out_pos.csv differs");
        assert!(prob == std::fs::read(dir.join("out_prob.csv")).unwrap(), "{case}: out_prob.csv differs");
    }
}

/// KTAB's XML form of dummyData_3Dim is the same scenario as its CSV form.
#[test]
fn xml_input_gives_the_csv_results() {
    require_shared!();
    let base = ktab_dir();
    let xml = demarche_scenario::load_path(&base.join("inputs/dummyData_3Dim.xml")).unwrap();
    let csv = demarche_scenario::load_path(&base.join("inputs/dummyData_3Dim.csv")).unwrap();
    assert_eq!(xml.scenario.actors.len(), 7);
    assert_eq!(xml.scenario.issues.len(), 3);
    for (a, b) in xml.scenario.stances.iter().zip(&csv.scenario.stances) {
        assert_eq!((a.position, a.salience), (b.position, b.salience));
    }
    let s = xml.scenario.engines.smp.clone().unwrap();
    assert_eq!(s.to_ktab_list(), "0,0,0,2,1,1,1,1,0", "no <ModelParameters>: KTAB defaults");
    assert_eq!(s.seed, 3707583219545544125);
    let run = |sc| Smp::new(SmpSettings::default()).forecast(sc, &Request::default(), &mut NoObserver).unwrap();
    let (fx, fc) = (run(&xml.scenario), run(&csv.scenario));
    assert_eq!(fx.issues[0].trajectory, fc.issues[0].trajectory);
    assert_eq!(fx.win_probabilities, fc.win_probabilities);
}

/// smpExample.xml: parameters by name, a seed, and a non-identity
/// ideal-adjustment matrix; stochastic, so only reading and a run are checked.
#[test]
fn smp_example_xml_reads_parameters_and_runs() {
    require_shared!();
    let base = ktab_dir();
    let loaded = demarche_scenario::load_path(&base.join("inputs/smpExample.xml")).unwrap();
    let sc = &loaded.scenario;
    assert_eq!(
        sc.actors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["Alice", "Bob", "Carol", "David", "Ellie"]
    );
    assert_eq!(sc.issues.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["FirstDim", "SecondDim", "YADN"]);
    assert_eq!(sc.issues[2].low, "0 on YADN");
    let s = sc.engines.smp.clone().unwrap();
    // Linear, MarkovIncentive, Stochastic, PropCbc, OneThird, Mid, SemiCommit, S2P2, InitOnlyInterp.
    assert_eq!(s.to_ktab_list(), "0,1,1,3,1,1,1,1,0");
    assert_eq!(s.seed, 3507583219545544127);
    assert_eq!(s.ideal_adjustment.len(), 6);
    let bob_to_alice = s.ideal_adjustment.iter().find(|a| a.actor == "bob" && a.toward == "alice").unwrap();
    assert_eq!(bob_to_alice.rate, 0.07);
    let f = Smp::for_scenario(sc).forecast(sc, &Request::default(), &mut NoObserver).unwrap();
    let again = Smp::for_scenario(sc).forecast(sc, &Request::default(), &mut NoObserver).unwrap();
    assert_eq!(f, again, "a seeded stochastic run repeats");
    // Ideals lag positions where the accommodation is below 1.
    let last = f.issues[0].ideals.len() - 1;
    assert!(f.issues.iter().any(|i| (i.ideals[last][0] - i.trajectory[last][0]).abs() > 1e-9));
}

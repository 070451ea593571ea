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
    let all = cases();
    assert!(all.len() >= 8, "expected the KTAB reference runs, found {all:?}");
    let failures: Vec<String> = all.iter().filter_map(|c| check_case(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

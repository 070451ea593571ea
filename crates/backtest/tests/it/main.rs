//! The committed backtest cases: every one reads and passes every check,
//! hindsight included (no stance, actor or relation cites a source dated
//! after the scenario's as-of date; every stance cites one).

use std::path::PathBuf;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../backtests")
}

#[test]
fn every_committed_case_validates() {
    let dirs = demarche_backtest::discover(&[cases_dir()]).expect("backtests/ holds cases");
    assert!(dirs.len() >= 10, "at least ten cases, found {}", dirs.len());
    let cases = match demarche_backtest::load_all(&dirs) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let foresight = cases.iter().filter(|c| c.outcome.retrospective.is_none()).count();
    assert!(foresight >= 10, "at least ten cases held to the hindsight check, found {foresight}");
    for c in &cases {
        assert!(
            c.scenario.meta.as_of.is_some() || c.outcome.retrospective.is_some(),
            "{} has an as-of date, or says why it is retrospective",
            c.id
        );
        assert!(c.dir.join("README.md").is_file(), "{} has a README.md", c.id);
        assert!(!c.outcome.sources.is_empty(), "{} cites the sources of its outcome", c.id);
    }
}

#[test]
fn a_folder_without_cases_is_refused_with_a_hint() {
    let dir = std::env::temp_dir().join(format!("demarche-no-cases-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = demarche_backtest::discover(std::slice::from_ref(&dir)).unwrap_err().to_string();
    assert!(err.contains("holds no backtest case") && err.contains("outcome.toml"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_case_named_twice_is_read_once() {
    let seed_case = cases_dir().join("iran-us-2025");
    let once = demarche_backtest::discover(std::slice::from_ref(&seed_case)).unwrap();
    let twice = demarche_backtest::discover(&[seed_case.clone(), seed_case]).unwrap();
    assert_eq!(once.len(), 1);
    assert_eq!(twice.len(), 1);
}

//! The exchange engine against decide-exchange-model 2025.3.1's recorded results
//! (`tests/fixtures/decide/README.md` says how they were made).
//!
//! * `vanilla/`: decide as shipped (coin flip off), on random inputs, for the rounds
//!   whose result decide gives identically at 28, 40, 50 and 64 digits. Everything
//!   must agree: the exchanges executed and their order, every move, every position
//!   and outcome after every round, and the externalities.
//! * `exact/`: inputs where vanilla decide's result turns on rounding noise after
//!   some round, run with decide's two noise points settled as exact arithmetic
//!   settles them: there the engine's documented tie rules must give decide's result
//!   for all ten rounds.

use std::path::{Path, PathBuf};

use demarche_forecast::{Engine, Forecast, NoObserver, Request};
use serde_json::Value;

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decide").join(kind);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

fn forecast(csv: &Path) -> (demarche_scenario::Scenario, Forecast) {
    let sc = demarche_scenario::load_path(csv).expect("decide input loads").scenario;
    let f = demarche_exchange::Exchange::default().forecast(&sc, &Request::default(), &mut NoObserver).expect("runs");
    (sc, f)
}

/// The largest difference between the engine and the recording, and where.
struct Worst(f64, String);

impl Worst {
    fn see(&mut self, got: f64, want: f64, what: impl FnOnce() -> String) {
        let d = (got - want).abs();
        if d > self.0 || d.is_nan() {
            *self = Worst(if d.is_nan() { f64::INFINITY } else { d }, what());
        }
    }
}

fn compare(json: &Path) -> (usize, Worst) {
    let rec: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let (sc, f) = forecast(&json.with_extension("csv"));
    let actors: Vec<&str> = rec["actors"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    let issues: Vec<&str> = rec["issues"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(actors.len(), sc.actors.len());
    let issue_of = |id: &str| sc.issues.iter().position(|i| i.id == id).unwrap();
    let ex = f.exchanges.as_ref().unwrap();
    let mut worst = Worst(0.0, String::new());
    let rounds = rec["rounds_compared"].as_u64().unwrap() as usize;
    for (r, want) in rec["rounds"].as_array().unwrap().iter().enumerate() {
        let round = r as u32 + 1;
        let got: Vec<_> = ex.executed.iter().filter(|e| e.round == round).collect();
        let want_ex = want["exchanges"].as_array().unwrap();
        let seq = |e: &demarche_forecast::ExecutedExchange| {
            let [i, j] = &e.sides;
            format!(
                "{}:{}/{}:{}",
                actors[i.actor],
                issues[issue_of(&i.supplies)],
                actors[j.actor],
                issues[issue_of(&j.supplies)]
            )
        };
        let want_seq: Vec<String> = want_ex
            .iter()
            .map(|w| {
                format!(
                    "{}:{}/{}:{}",
                    w[0].as_str().unwrap(),
                    w[1].as_str().unwrap(),
                    w[3].as_str().unwrap(),
                    w[4].as_str().unwrap()
                )
            })
            .collect();
        let got_seq: Vec<String> = got.iter().map(|e| seq(e)).collect();
        assert_eq!(got_seq, want_seq, "{}: round {round}: the exchanges executed differ", json.display());
        for (e, w) in got.iter().zip(want_ex) {
            let k = |s: &str| issue_of(s);
            let unit = |issue: &str| sc.issues[k(issue)].range() / 100.0;
            let [i, j] = &e.sides;
            worst.see((i.to - i.from) / unit(&i.supplies), w[2].as_f64().unwrap(), || format!("round {round}: a move"));
            worst.see((j.to - j.from) / unit(&j.supplies), w[5].as_f64().unwrap(), || format!("round {round}: a move"));
            worst.see(e.gain, w[6].as_f64().unwrap(), || format!("round {round}: a gain"));
        }
        // Positions after the round, and the round's outcomes, on the issues' scales.
        for (k, issue) in f.issues.iter().enumerate() {
            // The scenario keeps decide's issue order.
            let kk = k;
            let after = &want["after"][kk];
            for (slot, &a) in issue.participants.iter().enumerate() {
                if let Some(x) = after[a].as_f64() {
                    worst.see(issue.trajectory[r + 1][slot], x, || {
                        format!("round {round}: {} on {}", actors[a], issue.issue)
                    });
                }
            }
            worst.see(issue.outcome_path[r + 1], want["outcome"][kk].as_f64().unwrap(), || {
                format!("round {round}: outcome of {}", issue.issue)
            });
        }
        // Third parties' externalities, summed per round by class.
        let mut sums: std::collections::BTreeMap<(usize, &str), f64> = Default::default();
        for e in &got {
            for x in &e.externalities {
                let class = match (x.inner, x.value > 0.0) {
                    (true, true) => "ip",
                    (true, false) => "in",
                    (false, true) => "op",
                    (false, false) => "on",
                };
                *sums.entry((x.actor, class)).or_default() += x.value;
            }
        }
        for w in want["externalities"].as_array().unwrap() {
            let a = actors.iter().position(|x| *x == w[0].as_str().unwrap()).unwrap();
            let got = sums.get(&(a, w[1].as_str().unwrap())).copied().unwrap_or(0.0);
            worst.see(got, w[2].as_f64().unwrap(), || format!("round {round}: {}'s {} externality", actors[a], w[1]));
        }
    }
    (rounds, worst)
}

#[test]
fn equals_decide_where_its_result_does_not_depend_on_its_precision() {
    let mut checked = 0;
    for json in fixtures("vanilla") {
        let (rounds, worst) = compare(&json);
        eprintln!("{}: {rounds} rounds, worst {:e} at {}", json.display(), worst.0, worst.1);
        assert!(worst.0 <= 1e-9, "{}: {} off by {:e}", json.display(), worst.1, worst.0);
        checked += rounds;
    }
    assert!(checked >= 80, "only {checked} rounds compared");
}

#[test]
fn equals_decide_with_exact_ties_where_its_own_result_turns_on_rounding() {
    for json in fixtures("exact") {
        let (rounds, worst) = compare(&json);
        assert_eq!(rounds, 10);
        assert!(worst.0 <= 1e-8, "{}: {} off by {:e}", json.display(), worst.1, worst.0);
    }
}

//! Domains built in code for the protocol tests (and the NegMAS benchmark instance).
#![allow(dead_code)]

use demarche_negotiation::{AdditiveUtility, Issue, IssueUtility, OutcomeSpace, Profile, Utility};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n_issues` issues of `n_values` values; party A values each issue along a random
/// permutation of `0, 1/(V−1), …, 1`; B along `1 − that` (fully opposed); further parties
/// draw their own permutations. Weights are random and normalised.
pub fn random_domain(n_parties: usize, n_issues: usize, n_values: u32, seed: u64) -> (OutcomeSpace, Vec<Profile>) {
    domain(n_parties, n_issues, n_values, seed, true)
}

/// Like [`random_domain`] but every party (B included) draws its own permutations, so
/// interests are partly compatible.
pub fn mixed_domain(n_parties: usize, n_issues: usize, n_values: u32, seed: u64) -> (OutcomeSpace, Vec<Profile>) {
    domain(n_parties, n_issues, n_values, seed, false)
}

fn domain(n_parties: usize, n_issues: usize, n_values: u32, seed: u64, opposed: bool) -> (OutcomeSpace, Vec<Profile>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let issues: Vec<Issue> = (0..n_issues)
        .map(|i| Issue::categorical(format!("i{i}"), (0..n_values).map(|v| format!("v{v}")).collect()).unwrap())
        .collect();
    let space = OutcomeSpace::new(
        format!("{}-{n_parties}x{n_issues}x{n_values}-{seed}", if opposed { "opposed" } else { "mixed" }),
        issues,
    )
    .unwrap();
    let lin: Vec<f64> =
        (0..n_values).map(|k| if n_values > 1 { k as f64 / (n_values - 1) as f64 } else { 1.0 }).collect();
    let mut tables: Vec<Vec<Vec<f64>>> = vec![Vec::new(); n_parties];
    for _ in 0..n_issues {
        let mut base = lin.clone();
        base.shuffle(&mut rng);
        for (p, t) in tables.iter_mut().enumerate() {
            t.push(match p {
                0 => base.clone(),
                1 if opposed => base.iter().map(|x| 1.0 - x).collect(),
                _ => {
                    let mut own = lin.clone();
                    own.shuffle(&mut rng);
                    own
                }
            });
        }
    }
    let profiles = tables
        .into_iter()
        .enumerate()
        .map(|(p, t)| {
            let raw: Vec<f64> = (0..n_issues).map(|_| rng.random_range(0.05..1.0)).collect();
            let sum: f64 = raw.iter().sum();
            let weights = raw.iter().map(|w| w / sum).collect();
            let u = AdditiveUtility::new(&space, weights, t.into_iter().map(IssueUtility::Table).collect()).unwrap();
            Profile::new(format!("p{p}"), Utility::Additive(u))
        })
        .collect();
    (space, profiles)
}

/// A one-issue, fully opposed domain: `u_A(k) = k/(V−1)`, `u_B = 1 − u_A`.
pub fn split_the_pie(n_values: u32) -> (OutcomeSpace, Vec<Profile>) {
    let issue = Issue::integer("share", 0, n_values as i64 - 1).unwrap();
    let space = OutcomeSpace::new("pie", vec![issue]).unwrap();
    let a: Vec<f64> = (0..n_values).map(|k| k as f64 / (n_values - 1) as f64).collect();
    let b: Vec<f64> = a.iter().map(|x| 1.0 - x).collect();
    let mk = |name: &str, t: Vec<f64>| {
        Profile::new(
            name,
            Utility::Additive(AdditiveUtility::new(&space, vec![1.0], vec![IssueUtility::Table(t)]).unwrap()),
        )
    };
    let profiles = vec![mk("A", a), mk("B", b)];
    (space, profiles)
}

/// A domain where interests are mostly compatible: both parties like the same value on all
/// issues but one, which is opposed and light.
pub fn easy_domain() -> (OutcomeSpace, Vec<Profile>) {
    let issues: Vec<Issue> = (0..3)
        .map(|i| Issue::categorical(format!("i{i}"), (0..5).map(|v| format!("v{v}")).collect()).unwrap())
        .collect();
    let space = OutcomeSpace::new("easy", issues).unwrap();
    let up: Vec<f64> = (0..5).map(|k| k as f64 / 4.0).collect();
    let down: Vec<f64> = up.iter().map(|x| 1.0 - x).collect();
    let mk = |name: &str, last: Vec<f64>| {
        let u = AdditiveUtility::new(
            &space,
            vec![0.4, 0.4, 0.2],
            vec![IssueUtility::Table(up.clone()), IssueUtility::Table(up.clone()), IssueUtility::Table(last)],
        )
        .unwrap();
        Profile::new(name, Utility::Additive(u))
    };
    let profiles = vec![mk("A", up.clone()), mk("B", down)];
    (space, profiles)
}

/// The NegMAS benchmark instance dumped in `shared/bench/negmas/domains/domain_{n}x10.json`.
pub fn negmas_domain(n_issues: usize) -> (OutcomeSpace, Vec<Profile>) {
    let path = format!("{}/../../../shared/bench/negmas/domains/domain_{n_issues}x10.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let issues: Vec<Issue> = doc["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let values = i["values"].as_array().unwrap().iter().map(|v| v.to_string()).collect();
            Issue::categorical(i["name"].as_str().unwrap(), values).unwrap()
        })
        .collect();
    let space = OutcomeSpace::new(format!("negmas-{n_issues}x10"), issues).unwrap();
    let profiles = doc["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let weights: Vec<f64> = a["weights"].as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect();
            let tables = a["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| IssueUtility::Table(t.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()))
                .collect();
            let u = AdditiveUtility::new(&space, weights, tables).unwrap();
            Profile::new(a["name"].as_str().unwrap(), Utility::Additive(u))
                .with_reservation(a["reserved"].as_f64().unwrap())
                .unwrap()
        })
        .collect();
    (space, profiles)
}

/// Every built-in strategy, with parameters where they have them.
pub const ALL_STRATEGIES: &[&str] = &[
    "boulware",
    "linear",
    "conceder",
    "timedep:e=0.5",
    "aspiration",
    "tft",
    "hardliner",
    "random",
    "staller:share=0.8",
];

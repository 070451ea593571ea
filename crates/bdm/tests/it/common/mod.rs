//! Shared helpers: reference data paths, loading, the replication log parser.
#![allow(dead_code)]

pub mod naive;

use std::path::PathBuf;

use demarche_scenario::{load_path, Scenario};

pub fn shared(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/bdm/")).join(rel)
}

pub fn load(rel: &str) -> Scenario {
    let path = shared(rel);
    match load_path(&path) {
        Ok(l) => l.scenario,
        Err(e) => panic!("cannot load {}: {e}", path.display()),
    }
}

/// One accepted offer as the log states it.
#[derive(Clone, Debug, PartialEq)]
pub struct LogMove {
    pub actor: String,
    pub verb: &'static str,
    pub other: String,
    pub own_eu: f64,
    pub other_eu: f64,
    pub new_position: f64,
}

/// The replication's log: "Median/Mean position" lines per round (index 0:
/// before round 1) and the moves of each round (index 0: round 1).
#[derive(Clone, Debug, Default)]
pub struct Log {
    pub median: Vec<f64>,
    pub mean: Vec<f64>,
    pub rounds: Vec<Vec<LogMove>>,
}

const VERBS: [&str; 3] = ["loses confrontation to", "compromises with", "capitulates to"];

pub fn parse_log(text: &str) -> Log {
    let mut log = Log::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut k = 0;
    let num = |s: &str| -> f64 { s.trim().parse().unwrap_or_else(|_| panic!("not a number in the log: {s:?}")) };
    while k < lines.len() {
        let line = lines[k].trim_end();
        if let Some(v) = line.strip_prefix("Median position:") {
            log.median.push(num(v));
        } else if let Some(v) = line.strip_prefix("Mean position:") {
            log.mean.push(num(v));
        } else if let Some(r) = line.strip_prefix("ROUND ") {
            assert_eq!(num(r) as usize, log.rounds.len() + 1, "rounds out of order");
            log.rounds.push(Vec::new());
        } else if let Some((verb, (actor, other))) =
            VERBS.iter().find_map(|v| line.split_once(&format!(" {v} ")).map(|p| (*v, p)))
        {
            let (a, b) = lines[k + 1].trim().split_once(" vs ").expect("EU line");
            let new = lines[k + 2].trim().strip_prefix("new_pos = ").expect("new_pos line");
            log.rounds.last_mut().expect("a move before any ROUND").push(LogMove {
                actor: actor.to_string(),
                verb,
                other: other.to_string(),
                own_eu: num(a),
                other_eu: num(b),
                new_position: num(new),
            });
            k += 2;
        } else {
            assert!(line.trim().is_empty(), "unparsed log line: {line:?}");
        }
        k += 1;
    }
    log
}

//! `demarche forecast ec-emissions-actors.csv --model bdm --rounds 10 --format csv`
//! reproduces every new position printed in the replication's reference log.

use std::collections::HashMap;

use assert_cmd::Command;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/bdm");

/// (round, actor name) → new position, from lines "X compromises with Y" /
/// "X loses confrontation to Y" followed by "new_pos = …".
fn log_moves() -> HashMap<(usize, String), f64> {
    let log = std::fs::read_to_string(format!("{SHARED}/ec-emissions-scholz-10-rounds.log")).expect("reference log");
    let mut moves = HashMap::new();
    let (mut round, mut mover) = (0usize, None::<String>);
    for line in log.lines() {
        let t = line.trim();
        if let Some(r) = t.strip_prefix("ROUND ") {
            round = r.parse().expect("round number");
        } else if let Some(x) = t.strip_prefix("new_pos = ") {
            let who = mover.take().expect("a mover line precedes new_pos");
            moves.insert((round, who), x.parse::<f64>().expect("position"));
        } else if let Some((who, _)) =
            t.split_once(" compromises with ").or_else(|| t.split_once(" loses confrontation to "))
        {
            mover = Some(who.to_string());
        }
    }
    moves
}

#[test]
fn cli_reproduces_the_reference_log() {
    require_shared!();
    // KTAB's dump layout keeps every digit (demarche's own rounds to the scale).
    let dir = tempfile::tempdir().unwrap();
    let traj = dir.path().join("bdm.csv");
    Command::cargo_bin("demarche")
        .unwrap()
        .env("DEMARCHE_STORE", "off")
        .args([
            "forecast",
            &format!("{SHARED}/ec-emissions-actors.csv"),
            "--model",
            "bdm",
            "--rounds",
            "10",
            "--trajectory-layout",
            "ktab",
            "--trajectory-out",
        ])
        .arg(&traj)
        .assert()
        .success();
    let csv = std::fs::read_to_string(&traj).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("turn,actor,name,dim,pos"));
    let mut pos: HashMap<(usize, String), f64> = HashMap::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        pos.insert((f[0].parse().unwrap(), f[2].to_string()), f[4].parse().unwrap());
    }
    let moves = log_moves();
    assert!(moves.len() >= 25, "parsed {} moves from the log", moves.len());
    let names: Vec<String> = pos.keys().filter(|(t, _)| *t == 0).map(|(_, n)| n.clone()).collect();
    assert_eq!(names.len(), 10);
    for round in 1..=10 {
        for name in &names {
            let now = pos[&(round, name.clone())];
            let expected = moves.get(&(round, name.clone())).copied().unwrap_or(pos[&(round - 1, name.clone())]);
            assert!((now - expected).abs() < 1e-6, "round {round}, {name}: {now} vs log {expected}");
        }
    }
}

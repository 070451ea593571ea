//! Crash safety and concurrent writers, with real processes.
//!
//! The test binary re-runs itself as the child writer: `child_writer` does
//! nothing unless `DEMARCHE_STORE_CHILD` names a store to write to.

use super::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use demarche_store::{Document, Store};

const CHILD_ENV: &str = "DEMARCHE_STORE_CHILD";
const COUNT_ENV: &str = "DEMARCHE_STORE_CHILD_COUNT";

/// Writes runs (forever, or `COUNT_ENV` of them), printing each committed id.
#[test]
fn child_writer() {
    let Some(path) = std::env::var_os(CHILD_ENV) else { return };
    let count: Option<u64> = std::env::var(COUNT_ENV).ok().and_then(|c| c.parse().ok());
    let mut store = Store::open(std::path::Path::new(&path)).unwrap();
    let sc = common::scenario();
    let fs = common::forecasts(&sc);
    let big = serde_json::json!({ "padding": "x".repeat(64 * 1024) });
    let mut i = 0u64;
    while count.is_none_or(|c| i < c) {
        let mut run = common::new_run(&sc, &fs);
        run.seed = Some(i);
        // A large document makes each transaction long enough to be killed inside.
        run.documents.push(Document::new("padding", big.clone()));
        let id = store.record(&run).unwrap();
        println!("committed {id} {i}");
        i += 1;
    }
}

fn spawn_writer(path: &std::path::Path, count: Option<u64>) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "durability::child_writer", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(c) = count {
        cmd.env(COUNT_ENV, c.to_string());
    }
    cmd.spawn().unwrap()
}

fn committed(line: &str) -> Option<(i64, u64)> {
    // The test harness may print its own text before ours on the same line.
    let (_, rest) = line.split_once("committed ")?;
    let mut it = rest.split(' ');
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

#[test]
fn kill_9_mid_write_loses_no_committed_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.sqlite");
    Store::open(&path).unwrap();
    let mut child = spawn_writer(&path, None);
    let stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if let Some(c) = committed(&line) {
            seen.push(c);
            if seen.len() == 40 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert_eq!(seen.len(), 40, "the writer stopped before writing 40 runs");

    let store = Store::open(&path).unwrap();
    assert!(store.integrity_check().unwrap());
    let stored = store.count().unwrap();
    assert!(stored >= 40, "{stored} runs stored, 40 were committed");
    for (id, seed) in seen {
        let rec = store.get(id).unwrap();
        assert_eq!(rec.summary.seed, Some(seed));
        assert_eq!(rec.document("padding").unwrap().body["padding"].as_str().unwrap().len(), 64 * 1024);
        assert!(rec.forecasts().unwrap().is_ok());
    }
}

#[test]
fn two_processes_writing_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.sqlite");
    // Both start on a store that does not exist yet: creation and migration race too.
    let a = spawn_writer(&path, Some(25));
    let b = spawn_writer(&path, Some(25));
    let out_a = a.wait_with_output().unwrap();
    let out_b = b.wait_with_output().unwrap();
    assert!(out_a.status.success() && out_b.status.success());
    let ids = |o: &std::process::Output| -> Vec<i64> {
        String::from_utf8_lossy(&o.stdout).lines().filter_map(committed).map(|c| c.0).collect()
    };
    let (ia, ib) = (ids(&out_a), ids(&out_b));
    assert_eq!((ia.len(), ib.len()), (25, 25));
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count().unwrap(), 50);
    assert!(store.integrity_check().unwrap());
    let mut all: Vec<i64> = ia.into_iter().chain(ib).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 50, "every run got its own id");
}

#[test]
fn threads_sharing_a_file_through_separate_connections() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.sqlite");
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let mut store = Store::open(&path).unwrap();
                let sc = common::scenario();
                let fs = common::forecasts(&sc);
                for _ in 0..10 {
                    store.record(&common::new_run(&sc, &fs)).unwrap();
                }
            });
        }
    });
    assert_eq!(Store::open(&path).unwrap().count().unwrap(), 40);
}

/// Several connections creating one store at the same moment: none may take the
/// half-made store for another program's database (the mark, the tables and the
/// version are read from one snapshot).
#[test]
fn connections_creating_one_store_at_once_all_open_it() {
    for round in 0..30 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.sqlite");
        let start = std::sync::Barrier::new(4);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    start.wait();
                    if let Err(e) = Store::open(&path) {
                        panic!("round {round}: {e}");
                    }
                });
            }
        });
    }
}

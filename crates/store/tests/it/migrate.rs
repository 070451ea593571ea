//! A database written by the version-1 schema opens, migrates and keeps its runs.

use super::common;

use demarche_store::{Store, DOC_FORECASTS, SCHEMA_VERSION};

/// The schema exactly as version 1 of the store created it.
const V1_SCHEMA: &str = "
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    scenario_title TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    scenario_json TEXT NOT NULL,
    engines TEXT NOT NULL,
    params TEXT NOT NULL,
    seed INTEGER,
    version TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL
);
CREATE TABLE documents (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (run_id, name)
);
CREATE INDEX runs_by_hash ON runs(scenario_hash);
PRAGMA user_version = 1;
";

#[test]
fn v1_database_migrates_and_keeps_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    let sc = common::scenario();
    let fs = common::forecasts(&sc);
    let (scenario_json, hash) = demarche_store::scenario_hash(&sc);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(V1_SCHEMA).unwrap();
        for seed in [1i64, 2] {
            c.execute(
                "INSERT INTO runs(kind, scenario_title, scenario_hash, scenario_json, engines, params, seed, version, \
                 started_at, finished_at) VALUES ('forecast', ?1, ?2, ?3, 'compromise,nash', '{}', ?4, '0.0.9', \
                 '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:01.000Z')",
                rusqlite::params![sc.meta.title, hash, scenario_json, seed],
            )
            .unwrap();
            let id = c.last_insert_rowid();
            c.execute(
                "INSERT INTO documents(run_id, name, body) VALUES (?1, ?2, ?3)",
                rusqlite::params![id, DOC_FORECASTS, serde_json::to_string(&fs).unwrap()],
            )
            .unwrap();
        }
        c.execute(
            "INSERT INTO runs(kind, scenario_title, scenario_hash, scenario_json, engines, params, seed, version, \
             started_at, finished_at) VALUES ('simulate', 't', 'h', '{\"broken\": true}', '', '{}', NULL, '0.0.9', \
             '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:01.000Z')",
            [],
        )
        .unwrap();
        c.execute("INSERT INTO documents(run_id, name, body) VALUES (3, 'forecasts', '\"not forecasts\"')", [])
            .unwrap();
    }

    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(store.integrity_check().unwrap());
    assert_eq!(store.count().unwrap(), 3);
    let rec = store.get(1).unwrap();
    assert_eq!(rec.scenario().unwrap(), sc, "the scenario moved to its own table intact");
    assert_eq!(rec.summary.seed, Some(1));
    assert_eq!(rec.summary.status, demarche_store::RunStatus::Ok);
    assert_eq!(rec.forecasts().unwrap().unwrap(), fs);
    let rows: usize = fs.iter().map(|f| f.issues[0].trajectory.len() * 2).sum();
    assert_eq!(store.positions(1).unwrap().len(), rows, "positions were backfilled from the v1 document");
    assert_eq!(store.outcomes(2).unwrap().len(), 2);
    // A v1 document that does not decode survives, with no rows.
    assert_eq!(store.positions(3).unwrap().len(), 0);
    assert_eq!(store.get(3).unwrap().scenario["broken"], true);
    // New runs go on after the old ones.
    let id = store.record(&common::new_run(&sc, &fs)).unwrap();
    assert_eq!(id, 4);
    drop(store);
    // Reopening a current database is a no-op.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count().unwrap(), 4);
}

/// `PRAGMA application_id` of a demarche store ("DMRC").
const DEMARCHE_APPLICATION_ID: i64 = 0x444D_5243;

fn pragma(path: &std::path::Path, name: &str) -> i64 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn another_programs_database_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    // A database with its own table, application id 0 and user_version 0: what
    // most programs leave.
    let plain = dir.path().join("other.sqlite");
    {
        let c = rusqlite::Connection::open(&plain).unwrap();
        c.execute_batch("CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('precious');").unwrap();
    }
    // One that says whose it is.
    let tagged = dir.path().join("tagged.sqlite");
    {
        let c = rusqlite::Connection::open(&tagged).unwrap();
        c.execute_batch("PRAGMA application_id = 1234; PRAGMA user_version = 3; CREATE TABLE u(y);").unwrap();
    }
    for (path, version) in [(&plain, 0), (&tagged, 3)] {
        let before = std::fs::read(path).unwrap();
        let err = match Store::open(path) {
            Ok(_) => panic!("{} was taken over as a run store", path.display()),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("another program") && err.contains("--store"), "{err}");
        assert_eq!(std::fs::read(path).unwrap(), before, "{} is byte for byte as it was", path.display());
        assert_eq!(pragma(path, "user_version"), version);
    }
    assert_eq!(pragma(&tagged, "application_id"), 1234);
}

#[test]
fn new_and_old_demarche_stores_carry_the_application_id() {
    let dir = tempfile::tempdir().unwrap();
    // A new store (also: an empty file, as `touch` leaves it).
    let new = dir.path().join("new.sqlite");
    drop(Store::open(&new).unwrap());
    assert_eq!(pragma(&new, "application_id"), DEMARCHE_APPLICATION_ID);
    let empty = dir.path().join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();
    drop(Store::open(&empty).unwrap());
    assert_eq!(pragma(&empty, "application_id"), DEMARCHE_APPLICATION_ID);
    // A store written before application ids (v1 schema, id 0) is adopted.
    let old = dir.path().join("old.sqlite");
    rusqlite::Connection::open(&old).unwrap().execute_batch(V1_SCHEMA).unwrap();
    assert_eq!(pragma(&old, "application_id"), 0);
    let store = Store::open(&old).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    assert_eq!(pragma(&old, "application_id"), DEMARCHE_APPLICATION_ID);
    // And so is a current-schema store without the id.
    let current = dir.path().join("current.sqlite");
    drop(Store::open(&current).unwrap());
    rusqlite::Connection::open(&current).unwrap().execute_batch("PRAGMA application_id = 0").unwrap();
    let store = Store::open(&current).unwrap();
    assert_eq!(store.count().unwrap(), 0);
    drop(store);
    assert_eq!(pragma(&current, "application_id"), DEMARCHE_APPLICATION_ID);
}

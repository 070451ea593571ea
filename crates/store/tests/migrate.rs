//! A database written by the version-1 schema opens, migrates and keeps its runs.

mod common;

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

//! Versioned schema migrations, keyed on `PRAGMA user_version`, and the
//! store's mark, `PRAGMA application_id` = [`APPLICATION_ID`].
//!
//! Each migration runs in its own immediate transaction together with the
//! version bump, so a database is always at exactly one version, and two
//! processes opening an old database at once migrate it once.
//!
//! A database is only ever made a store if it is one already (it carries the
//! mark, or — written before the mark existed — has id 0 and nothing but a
//! store's tables) or is new (no tables, `user_version` 0). Any other SQLite
//! file, such as another program's database named by mistake with `--store`,
//! is refused before anything is written to it.

use rusqlite::{params, Connection, TransactionBehavior};

use crate::record::forecast_rows;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 2;

/// `PRAGMA application_id` of a demarche run store: "DMRC" in ASCII
/// (0x444D5243), set when a store is created and checked on every open.
pub const APPLICATION_ID: i32 = 0x444D_5243;

/// Every table a store of any schema version holds (SQLite's own `sqlite_*` tables
/// are not counted).
const STORE_TABLES: [&str; 5] = ["runs", "documents", "scenarios", "positions", "outcomes"];

/// Whose database `conn` is.
pub(crate) enum Identity {
    /// Marked as a run store.
    Store,
    /// No tables and `user_version` 0: free to become one.
    New,
    /// A store written before the mark existed: id 0, a store's tables only.
    Unmarked,
}

/// Reads the mark, the tables and the version; `Ok(Err(message))` for a
/// database that belongs to another program. Writes nothing.
pub(crate) fn identify(conn: &Connection) -> rusqlite::Result<Result<Identity, String>> {
    let id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if id == APPLICATION_ID {
        return Ok(Ok(Identity::Store));
    }
    let refuse = |what: String| {
        format!(
            "this is a SQLite database of another program ({what}); demarche will not add its tables to it: \
             choose another --store path (or DEMARCHE_STORE)"
        )
    };
    if id != 0 {
        return Ok(Err(refuse(format!("application_id {:#010x}", id as u32))));
    }
    let tables: Vec<String> = {
        let mut st = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND substr(name, 1, 7) != 'sqlite_' \
             ORDER BY name",
        )?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if tables.is_empty() && version == 0 {
        return Ok(Ok(Identity::New));
    }
    let ours = |t: &String| STORE_TABLES.contains(&t.as_str());
    if version >= 1 && tables.iter().all(ours) && ["runs", "documents"].iter().all(|t| tables.iter().any(|x| x == t)) {
        return Ok(Ok(Identity::Unmarked));
    }
    let shown: Vec<&str> = tables.iter().take(5).map(String::as_str).collect();
    let more = if tables.len() > shown.len() { ", …" } else { "" };
    Ok(Err(refuse(if tables.is_empty() {
        format!("user_version {version}, no tables")
    } else {
        format!("tables {}{more}", shown.join(", "))
    })))
}

/// Version 1: runs with the scenario inline, documents without a layout version.
pub(crate) const V1: &str = "
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
";

/// Version 2: scenarios deduplicated by hash, run status, document layout
/// versions, and per-round positions and outcomes as rows.
const V2: &str = "
CREATE TABLE scenarios (
    hash TEXT PRIMARY KEY,
    json TEXT NOT NULL
);
INSERT OR IGNORE INTO scenarios(hash, json) SELECT scenario_hash, scenario_json FROM runs;
ALTER TABLE runs DROP COLUMN scenario_json;
ALTER TABLE runs ADD COLUMN status TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE documents ADD COLUMN schema INTEGER NOT NULL DEFAULT 1;
CREATE TABLE positions (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    engine TEXT NOT NULL,
    issue TEXT NOT NULL,
    round INTEGER NOT NULL,
    actor TEXT NOT NULL,
    position REAL NOT NULL,
    PRIMARY KEY (run_id, engine, issue, round, actor)
) WITHOUT ROWID;
CREATE TABLE outcomes (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    engine TEXT NOT NULL,
    issue TEXT NOT NULL,
    outcome REAL NOT NULL,
    converged INTEGER,
    PRIMARY KEY (run_id, engine, issue)
) WITHOUT ROWID;
";

/// Bring `conn` up to [`SCHEMA_VERSION`]. Refuses a database from a newer build.
/// Marks a new or unmarked store with [`APPLICATION_ID`] in the same
/// transaction, after checking again whose it is.
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<Result<(), String>> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut marked = false;
        match identify(&tx)? {
            Err(message) => return Ok(Err(message)),
            Ok(Identity::Store) => {}
            Ok(Identity::New | Identity::Unmarked) => {
                tx.pragma_update(None, "application_id", APPLICATION_ID)?;
                marked = true;
            }
        }
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Ok(Err(format!(
                "the run store has schema version {version}, newer than this build understands ({SCHEMA_VERSION}); \
                 upgrade demarche or use another --store"
            )));
        }
        match version {
            0 => tx.execute_batch(V1)?,
            1 => {
                tx.execute_batch(V2)?;
                backfill_rows(&tx)?;
            }
            _ => {
                if marked {
                    tx.commit()?;
                }
                return Ok(Ok(()));
            }
        }
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}

/// Fill the v2 position and outcome tables from v1 forecast documents.
fn backfill_rows(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let docs: Vec<(i64, String)> = {
        let mut st = tx.prepare("SELECT run_id, body FROM documents WHERE name = ?1")?;
        let rows = st.query_map([crate::record::DOC_FORECASTS], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (run_id, body) in docs {
        // A document that does not decode keeps its text; it just gets no rows.
        let Ok(value) = serde_json::from_str(&body) else { continue };
        let Ok(forecasts) = crate::record::decode_forecasts(&value) else { continue };
        let (positions, outcomes) = forecast_rows(run_id, &forecasts);
        insert_rows(tx, run_id, &positions, &outcomes)?;
    }
    Ok(())
}

pub(crate) fn insert_rows(
    tx: &rusqlite::Transaction<'_>,
    run_id: i64,
    positions: &[crate::PositionRow],
    outcomes: &[crate::OutcomeRow],
) -> rusqlite::Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT OR REPLACE INTO positions(run_id, engine, issue, round, actor, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for p in positions {
        st.execute(params![run_id, p.engine, p.issue, p.round, p.actor, p.position])?;
    }
    let mut st = tx.prepare_cached(
        "INSERT OR REPLACE INTO outcomes(run_id, engine, issue, outcome, converged) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for o in outcomes {
        st.execute(params![run_id, o.engine, o.issue, o.outcome, o.converged])?;
    }
    Ok(())
}

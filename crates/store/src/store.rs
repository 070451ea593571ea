//! Opening the database, recording runs and reading them back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};

use crate::canonical::canonical_json;
use crate::record::{
    forecast_rows, Document, NewRun, OutcomeRow, PositionRow, RunKind, RunRecord, RunStatus, RunSummary,
};
use crate::schema;
use crate::time::rfc3339;

/// Environment variable naming the store file (tests and CI isolate with it).
pub const ENV_STORE: &str = "DEMARCHE_STORE";

/// How long one statement waits for another writer before SQLite gives up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Whole-transaction retries on top of the busy timeout.
const WRITE_ATTEMPTS: u32 = 20;
/// Upper bound on a listing, whatever is asked.
/// The most runs one listing returns.
pub const MAX_LIST: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("run store {path}: {source}")]
    Sqlite { path: String, source: rusqlite::Error },
    #[error("run store {path}: {message}")]
    Invalid { path: String, message: String },
    #[error("cannot create the folder for the run store {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("no run with id {0} in the store")]
    NotFound(i64),
}

/// Where the store lives when not told: `$DEMARCHE_STORE`, else
/// `$XDG_DATA_HOME/demarche/runs.sqlite`, else `~/.local/share/demarche/runs.sqlite`.
/// `DEMARCHE_STORE=off` (or `none`) turns recording off.
pub fn default_path() -> Option<PathBuf> {
    let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(p) = nonempty(ENV_STORE) {
        if matches!(p.to_str().map(str::to_ascii_lowercase).as_deref(), Some("off" | "none")) {
            return None;
        }
        return Some(PathBuf::from(p));
    }
    let data = nonempty("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| nonempty("HOME").map(|h| PathBuf::from(h).join(".local").join("share")))?;
    Some(data.join("demarche").join("runs.sqlite"))
}

/// Which runs to list.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub kind: Option<RunKind>,
    /// Newest first; at most this many (default 100, capped at 10 000).
    pub limit: Option<usize>,
}

/// An open run store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open (creating if needed) the store at `path` and migrate it to the
    /// current schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let label = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder { path: label.clone(), source })?;
        }
        let sql = |source| StoreError::Sqlite { path: label.clone(), source };
        let mut conn = Connection::open(path).map_err(sql)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
        // Whose database this is, before anything (even the journal mode) is
        // written to it.
        // In one read transaction: the mark, the tables and the version must come
        // from one snapshot, or a store another process is creating right now
        // reads as "a version but no tables" (seen with four threads opening at once).
        retry(|| {
            let tx = conn.unchecked_transaction()?;
            let identity = schema::identify(&tx)?;
            tx.rollback()?;
            Ok(identity)
        })
        .map_err(sql)?
        .map_err(|message| StoreError::Invalid { path: label.clone(), message })?;
        // Switching to WAL needs a moment of exclusive access; retry while
        // another process holds the database.
        retry(|| conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))).map_err(sql)?;
        conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;").map_err(sql)?;
        let migrated = retry(|| schema::migrate(&mut conn)).map_err(sql)?;
        migrated.map_err(|message| StoreError::Invalid { path: label.clone(), message })?;
        Ok(Store { conn, path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite { path: self.path.display().to_string(), source }
    }

    /// Record a run in one transaction; returns its id.
    pub fn record(&mut self, run: &NewRun<'_>) -> Result<i64, StoreError> {
        // Documents are keyed by name: a second one of a name would silently replace the first.
        let mut names: Vec<&str> = run.documents.iter().map(|d| d.name.as_str()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(StoreError::Invalid {
                path: self.path.display().to_string(),
                message: format!("a run cannot hold two documents named `{}`", w[0]),
            });
        }
        let (scenario_text, hash) = run.input.canonical();
        let params_text = canonical_json(&run.params);
        let engines = run.engines.join(",");
        let started = rfc3339(run.started_at);
        let finished = rfc3339(run.finished_at);
        let docs: Vec<(String, u32, String)> =
            run.documents.iter().map(|d| (d.name.clone(), d.schema, d.body.to_string())).collect();
        let conn = &mut self.conn;
        let result = retry(|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute("INSERT OR IGNORE INTO scenarios(hash, json) VALUES (?1, ?2)", params![hash, scenario_text])?;
            tx.execute(
                "INSERT INTO runs(kind, scenario_title, scenario_hash, engines, params, seed, version, started_at, \
                 finished_at, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    run.kind.as_str(),
                    run.input.title(),
                    hash,
                    engines,
                    params_text,
                    run.seed.map(|s| s as i64),
                    run.version,
                    started,
                    finished,
                    run.status.as_str()
                ],
            )?;
            let id = tx.last_insert_rowid();
            for (name, schema, body) in &docs {
                tx.execute(
                    "INSERT OR REPLACE INTO documents(run_id, name, schema, body) VALUES (?1, ?2, ?3, ?4)",
                    params![id, name, schema, body],
                )?;
            }
            let (positions, outcomes) = forecast_rows(id, run.forecasts);
            schema::insert_rows(&tx, id, &positions, &outcomes)?;
            tx.commit()?;
            Ok(id)
        });
        result.map_err(|e| self.err(e))
    }

    /// Runs, newest first.
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<RunSummary>, StoreError> {
        let limit = filter.limit.unwrap_or(100).min(MAX_LIST) as i64;
        let kind = filter.kind.map(|k| k.as_str());
        let mut st = self
            .conn
            .prepare(&format!("{SUMMARY_SQL} WHERE (?1 IS NULL OR kind = ?1) ORDER BY id DESC LIMIT ?2"))
            .map_err(|e| self.err(e))?;
        let rows = st.query_map(params![kind, limit], summary_from_row).map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Deletes runs `ids` with their documents, positions and outcomes, and
    /// any scenario no run uses any more. Every id must exist; none is
    /// deleted otherwise. Returns how many were deleted.
    pub fn delete(&mut self, ids: &[i64]) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::Sqlite { path: self.path.display().to_string(), source: e })?;
        let mut deleted = 0;
        for &id in ids {
            match tx.execute("DELETE FROM runs WHERE id = ?1", [id]) {
                Ok(0) => return Err(StoreError::NotFound(id)),
                Ok(n) => deleted += n,
                Err(e) => return Err(StoreError::Sqlite { path: self.path.display().to_string(), source: e }),
            }
        }
        let done = tx
            .execute("DELETE FROM scenarios WHERE hash NOT IN (SELECT scenario_hash FROM runs)", [])
            .and_then(|_| tx.commit());
        done.map_err(|e| self.err(e))?;
        Ok(deleted)
    }

    /// The ids of runs started before `date` (`YYYY-MM-DD`, UTC), oldest first.
    pub fn started_before(&self, date: &str) -> Result<Vec<i64>, StoreError> {
        let mut st =
            self.conn.prepare("SELECT id FROM runs WHERE started_at < ?1 ORDER BY id").map_err(|e| self.err(e))?;
        let rows = st.query_map([date], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<i64>, _>>().map_err(|e| self.err(e))
    }

    /// Number of runs stored.
    pub fn count(&self) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT count(*) FROM runs", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    /// One run in full.
    pub fn get(&self, id: i64) -> Result<RunRecord, StoreError> {
        let summary = self
            .conn
            .query_row(&format!("{SUMMARY_SQL} WHERE id = ?1"), [id], summary_from_row)
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or(StoreError::NotFound(id))?;
        let (params_text, scenario_text): (String, Option<String>) = self
            .conn
            .query_row(
                "SELECT r.params, s.json FROM runs r LEFT JOIN scenarios s ON s.hash = r.scenario_hash WHERE r.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        let mut st = self
            .conn
            .prepare("SELECT name, schema, body FROM documents WHERE run_id = ?1 ORDER BY name")
            .map_err(|e| self.err(e))?;
        let docs = st
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, String>(2)?)))
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        let parse = |what: &str, text: &str| {
            serde_json::from_str(text).map_err(|e| StoreError::Invalid {
                path: self.path.display().to_string(),
                message: format!("run {id}: {what} is not valid JSON: {e}"),
            })
        };
        let documents = docs
            .iter()
            .map(|(name, schema, body)| Ok(Document { name: name.clone(), schema: *schema, body: parse(name, body)? }))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(RunRecord {
            summary,
            params: parse("params", &params_text)?,
            scenario: match scenario_text {
                Some(t) => parse("scenario", &t)?,
                None => serde_json::Value::Null,
            },
            documents,
        })
    }

    /// Every stored position of a run, by engine, issue, round, actor.
    pub fn positions(&self, id: i64) -> Result<Vec<PositionRow>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT run_id, engine, issue, round, actor, position FROM positions WHERE run_id = ?1 \
                 ORDER BY engine, issue, round, actor",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([id], |r| {
                Ok(PositionRow {
                    run_id: r.get(0)?,
                    engine: r.get(1)?,
                    issue: r.get(2)?,
                    round: r.get(3)?,
                    actor: r.get(4)?,
                    position: r.get(5)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Every stored outcome of a run, by engine and issue.
    pub fn outcomes(&self, id: i64) -> Result<Vec<OutcomeRow>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT engine, issue, outcome, converged FROM outcomes WHERE run_id = ?1 ORDER BY engine, issue")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([id], |r| {
                Ok(OutcomeRow { engine: r.get(0)?, issue: r.get(1)?, outcome: r.get(2)?, converged: r.get(3)? })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// SQLite's own consistency check: `Ok(true)` when it answers `ok`.
    pub fn integrity_check(&self) -> Result<bool, StoreError> {
        let answer: String =
            self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| self.err(e))?;
        Ok(answer == "ok")
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.err(e))
    }
}

const SUMMARY_SQL: &str =
    "SELECT id, kind, status, scenario_title, scenario_hash, engines, seed, version, started_at, \
                           finished_at FROM runs";

fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunSummary> {
    let kind: String = r.get(1)?;
    let status: String = r.get(2)?;
    let engines: String = r.get(5)?;
    Ok(RunSummary {
        id: r.get(0)?,
        kind: RunKind::parse(&kind).unwrap_or(RunKind::Forecast),
        status: RunStatus::parse(&status),
        scenario_title: r.get(3)?,
        scenario_hash: r.get(4)?,
        engines: engines.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        seed: r.get::<_, Option<i64>>(6)?.map(|s| s as u64),
        version: r.get(7)?,
        started_at: r.get(8)?,
        finished_at: r.get(9)?,
    })
}

/// Retry an operation while another connection holds the lock (beyond what
/// `busy_timeout` already waited), with a short growing pause.
fn retry<T>(mut op: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let mut attempt = 0;
    loop {
        match op() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                    && attempt < WRITE_ATTEMPTS =>
            {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(10 * u64::from(attempt)));
            }
            other => return other,
        }
    }
}

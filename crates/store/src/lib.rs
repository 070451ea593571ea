//! The demarche run store: every run kept, comparable and exportable.
//!
//! Each `forecast`, `simulate`, `negotiate` and `tournament` is recorded in an
//! embedded SQLite database: the scenario as run (deduplicated by the SHA-256
//! of its canonical JSON), engines and parameters, seed, version, start and end
//! time, and the results as typed JSON documents keyed by name (`forecasts`,
//! and later `simulation`, `negotiation`, …). Per-round positions and outcomes
//! of any `forecasts` document are also kept as rows, so runs can be listed,
//! diffed and exported (CSV, JSON, Parquet) without decoding documents.
//!
//! Durability: the database runs in WAL mode and every run is written in one
//! `BEGIN IMMEDIATE` transaction, so a process killed mid-write loses only the
//! run it was writing; concurrent writers wait (`busy_timeout`) and retry.
//! Schema changes are versioned migrations keyed on `PRAGMA user_version`.
//!
//! A store is marked with `PRAGMA application_id` = [`APPLICATION_ID`]
//! (0x444D5243, "DMRC"). Opening refuses any other SQLite database — one with
//! another id, or with id 0 and tables that are not a store's — without
//! writing to it; a new, empty database becomes a store, and a store made
//! before the mark existed is recognised by its tables and marked.

#![forbid(unsafe_code)]

mod canonical;
mod diff;
mod export;
mod record;
mod schema;
mod store;
mod time;

pub use canonical::{canonical_json, hashed, scenario_hash};
pub use diff::{diff, OutcomeChange, RunDiff, ValueChange};
pub use export::{positions_csv, rounded, ExportFormat, EXPORT_FORMATS};
pub use record::{
    decode_forecasts, forecast_rows, Document, NewRun, OutcomeRow, PositionRow, RunInput, RunKind, RunRecord,
    RunStatus, RunSummary, DOC_FORECASTS,
};
pub use schema::{APPLICATION_ID, SCHEMA_VERSION};
pub use store::{default_path, ListFilter, Store, StoreError, ENV_STORE, MAX_LIST};
pub use time::rfc3339;

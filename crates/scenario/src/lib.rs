//! The demarche scenario model.
//!
//! A [`Scenario`] is a negotiation written down as data: actors, issues (numeric
//! scales with both ends spelled out), stances (actor × issue: position,
//! salience, red line, uncertainty, source), relations and metadata. Every
//! engine, simulation, store and user interface reads this one type.
//!
//! Read one with [`load_path`] or [`load_str`]: TOML (native), JSON (the same
//! document), the BDM-replication CSV and KTAB's CSV and XML. Loading never
//! panics; it reports every problem in the input at once as [`Diagnostics`],
//! each with file, line and column where the format has them, the field path,
//! and a hint.

#![forbid(unsafe_code)]
// `!(x > 0.0)` is how this crate says "not a positive number, NaN included".
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod calendar;
pub mod decode;
pub mod diag;
pub mod import;
mod load;
pub mod model;
pub mod node;
pub mod patch;
pub mod reader;
pub mod save;
pub mod settings;
pub mod validate;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use load::{
    check, load_path, load_path_as, load_str, read_bounded, to_json, to_toml, Format, LoadError, Loaded, ReadError,
};
pub use model::*;
pub use settings::EngineSettings;

/// The JSON Schema of the native scenario format (TOML and JSON share it).
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Scenario);
    serde_json::to_value(schema).unwrap_or(serde_json::Value::Null)
}

/// The built-in seed scenario (`scenarios/iran-us-nuclear.toml`), as written.
pub const SEED_TOML: &str = include_str!("../../../scenarios/iran-us-nuclear.toml");
/// How messages name the built-in seed scenario.
pub const SEED_LABEL: &str = "<built-in>/iran-us-nuclear.toml";

/// The built-in seed scenario, loaded.
pub fn seed() -> Result<Loaded, LoadError> {
    load_str(SEED_TOML, Some(Format::Toml), Some(SEED_LABEL))
}

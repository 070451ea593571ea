//! Backtests: cases from the public record (a scenario as of a date and
//! `outcome.toml`, what then happened), read and checked like scenarios, and
//! the scores that measure forecasts against them. Running the models is not
//! this crate's business: `demarche-app` runs them and hands the answers to
//! [`scoring::score_case`]. See docs/validity.md.

#![forbid(unsafe_code)]

pub mod case;
pub mod outcome;
pub mod render;
pub mod score;
pub mod scoring;

pub use case::{discover, load, load_all, Case, CaseError};
pub use outcome::{DyadKind, ObservedDyad, Outcome};
pub use scoring::{pool, score_case, BacktestReport, CaseScore, Pooled, Predictions};

//! Forecasts and the engines that make them.
//!
//! Every engine implements [`Engine`] and returns a [`Forecast`]; one-dimensional
//! engines implement [`IssueEngine`] and are run over a scenario's issues by
//! [`PerIssue`]. Observers ([`Observer`]) see each round as it happens and can
//! cancel a run. This crate also holds the two closed-form engines,
//! [`Compromise`] and [`Nash`]; iterative ones live in their own crates.

#![forbid(unsafe_code)]
// `!(x > 0.0)` is how this crate says "not a positive number, NaN included".
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod compromise;
pub mod control;
pub mod engine;
pub mod forecast;
pub mod nash;

pub use compromise::Compromise;
pub use control::{Controlled, RunControl, Unattended};
pub use engine::{
    check_finite, run, select_issues, Control, Engine, EngineError, Event, IssueEngine, NoObserver, Observer, PerIssue,
    Request,
};
pub use forecast::{
    ActorRef, ExchangeSide, Exchanges, ExecutedExchange, Externality, Forecast, Interaction, InteractionKind,
    IssueForecast, NearTie,
};
pub use nash::Nash;

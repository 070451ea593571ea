//! Outcome spaces, preferences and bargaining analytics for automated negotiation.
//!
//! The foundation the negotiation protocols, strategies and tournaments build on:
//!
//! * [`domain`] — issues (categorical, ordinal, integer, continuous), outcome spaces, and
//!   outcomes as compact vectors of value indices;
//! * [`utility`] — linear-additive utilities with per-value utilities and issue weights,
//!   a general non-additive hook ([`utility::UtilityFunction`]), reservation values and
//!   time discounting, bundled per party in a [`utility::Profile`];
//! * [`nonlinear`] — the ANAC-2014 hyper-rectangle (constraint) utility functions;
//! * [`io`] — loaders for Genius XML and GeniusWeb JSON domains and profiles
//!   ([`io::load_domain`]);
//! * [`pareto`] — exact Pareto frontiers: an issue-by-issue merge for additive utilities
//!   (no enumeration), and enumeration with a skyline filter for anything else;
//! * [`solutions`] — Nash, Kalai–Smorodinsky, egalitarian and maximum-welfare points and
//!   the zone of possible agreement; [`report::FrontierReport`] bundles them;
//! * [`protocol`] — stacked alternating offers (two or more parties) and mediated
//!   single-text negotiation, with replayable traces and protocol-enforced red lines;
//! * [`strategy`] — time-dependent, aspiration, tit-for-tat, hard-liner, random and
//!   stalling strategies behind an information-hiding [`strategy::View`];
//! * [`tournament`] — every pairing of strategies over domains, in parallel, deterministic.

#![forbid(unsafe_code)]

pub mod domain;
pub mod error;
pub mod generate;
pub mod io;
pub mod nonlinear;
pub mod pareto;
pub mod protocol;
pub mod ranked;
pub mod report;
pub mod solutions;
pub mod strategy;
pub mod tournament;
pub mod utility;

pub use domain::{Issue, IssueValues, Outcome, OutcomeSpace, Value};
pub use error::NegotiationError;
pub use io::{load_domain, load_domain_with_options, load_domain_with_profiles, LoadOptions, LoadedDomain};
pub use pareto::{pareto_frontier, FrontierOptions, FrontierPoint, ParetoFrontier};
pub use report::FrontierReport;
pub use utility::{AdditiveUtility, Discount, IssueUtility, Profile, Utility, UtilityFunction};

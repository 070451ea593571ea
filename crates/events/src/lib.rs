//! Event data for demarche: the PLOVER-shaped event model, importers for the
//! data sets analysts hold (GDELT 2.0, ICEWS, POLECAT, PLOVER JSON), an
//! offline English event coder reading PETRARCH-format dictionaries, weekly
//! dyad series, and scenario-update suggestions that cite the events behind
//! them. See docs/events.md.

#![forbid(unsafe_code)]

pub mod cameo;
pub mod coder;
pub mod countries;
pub mod import;
pub mod link;
pub mod model;
pub mod output;
pub mod score;
pub mod series;
pub mod suggest;

pub use model::{Coding, Event, EventActor, EventType, Provenance, Quad};

//! All of this crate's integration tests in one binary (one link, less disk;
//! as ripgrep does). Each module is one former `tests/*.rs` file.

mod analytics;
mod malformed;
mod negmas_frontiers;
mod nonlinear;
mod properties;
mod proto_support;
mod protocols;
mod protocols_mediated;
mod protocols_reference;
mod protocols_tournament;
mod reference;

//! demarche-events integration tests: one binary (see ARCHITECTURE.md).
mod cameo;
mod coder;
mod common;
mod gold;
mod importers;
mod series;
mod suggest;

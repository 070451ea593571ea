//! demarche-events integration tests: one binary (see ARCHITECTURE.md).
mod common;
mod gold;

//! All of this crate's integration tests in one binary (one link, less disk;
//! as ripgrep does). Each module is one former `tests/*.rs` file.

/// Ends the test early, saying so, when the reference data in `../shared`
/// is absent (a clone on its own; CI always has it). The test command says
/// once that such tests were skipped.
macro_rules! require_shared {
    () => {
        if !std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")).is_dir() {
            eprintln!("SKIPPED {}: needs the reference data in ../shared, which is absent", module_path!());
            return;
        }
    };
}

mod analytics;
mod genius_quirks;
mod genius_rules;
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

//! The bargaining frontier of a negotiation domain and its profiles
//! (`demarche frontier`, `demarche.frontier` in Python).

use std::path::{Path, PathBuf};

use demarche_negotiation::solutions::Disagreement;
use demarche_negotiation::{load_domain_with_options, FrontierOptions, FrontierReport, LoadOptions};

/// The frontier report of `domain` with `profiles`, and the loader's notes (among them
/// what was read leniently, as Genius reads it, unless `load.strict`).
pub fn frontier(
    domain: &Path,
    profiles: &[PathBuf],
    options: &FrontierOptions,
    convention: Disagreement,
    load: LoadOptions,
) -> Result<(FrontierReport, Vec<String>), String> {
    let loaded = load_domain_with_options(domain, profiles, load).map_err(|e| e.to_string())?;
    let report =
        FrontierReport::compute(&loaded.space, &loaded.profiles, options, convention).map_err(|e| e.to_string())?;
    Ok((report, loaded.notes.clone()))
}

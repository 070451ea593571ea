//! The bargaining frontier of a negotiation domain and its profiles
//! (`demarche frontier`, `demarche.frontier` in Python).

use std::path::{Path, PathBuf};

use demarche_negotiation::solutions::Disagreement;
use demarche_negotiation::{load_domain_with_profiles, FrontierOptions, FrontierReport};

/// The frontier report of `domain` with `profiles`, and the loader's notes.
pub fn frontier(
    domain: &Path,
    profiles: &[PathBuf],
    options: &FrontierOptions,
    convention: Disagreement,
) -> Result<(FrontierReport, Vec<String>), String> {
    let loaded = load_domain_with_profiles(domain, profiles).map_err(|e| e.to_string())?;
    let report =
        FrontierReport::compute(&loaded.space, &loaded.profiles, options, convention).map_err(|e| e.to_string())?;
    Ok((report, loaded.notes.clone()))
}

//! Reading scenarios named on the command line.

use std::io::Read;
use std::path::Path;

use demarche_scenario::{load_path_as, load_str, Format, LoadError, Loaded};

/// The built-in seed scenario (also what `demarche demo` runs).
pub const SEED_SCENARIO: &str = include_str!("../../../scenarios/iran-us-nuclear.toml");
pub const SEED_LABEL: &str = "<built-in>/iran-us-nuclear.toml";

/// Parse a `--input-format` value.
pub fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s)
        .ok_or_else(|| format!("unknown format `{s}`; {}", demarche_scenario::diag::suggest(s, &Format::NAMES)))
}

/// Load `path` (`-` reads standard input; `@seed` is the built-in scenario).
pub fn load(path: &str, format: Option<Format>) -> Result<Loaded, LoadError> {
    match path {
        "@seed" => load_str(SEED_SCENARIO, Some(format.unwrap_or(Format::Toml)), Some(SEED_LABEL)),
        "-" => {
            let mut text = String::new();
            let limit = demarche_scenario::validate::limits::MAX_FILE_BYTES;
            std::io::stdin().take(limit + 1).read_to_string(&mut text).map_err(|e| {
                LoadError::single(demarche_scenario::Diagnostic::error("", format!("cannot read standard input: {e}")))
            })?;
            load_str(&text, format, Some("<stdin>"))
        }
        _ => load_path_as(Path::new(path), format),
    }
}

/// Load `path`, then apply overlay files and `--set` overrides in that order,
/// re-validating after each step.
pub fn load_patched(
    path: &str,
    format: Option<Format>,
    overlays: &[String],
    sets: &[String],
) -> Result<demarche_scenario::Scenario, LoadError> {
    let loaded = load(path, format)?;
    eprint!("{}", loaded.warnings);
    let mut sc = loaded.scenario;
    for o in overlays {
        sc = demarche_scenario::patch::overlay_path(&sc, Path::new(o))?.scenario;
    }
    if !sets.is_empty() {
        demarche_scenario::patch::apply_overrides(&mut sc, sets).map_err(|diagnostics| LoadError { diagnostics })?;
    }
    Ok(sc)
}

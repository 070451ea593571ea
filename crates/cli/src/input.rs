//! Reading scenarios named on the command line.

use std::io::Read;
use std::path::Path;

use demarche_scenario::{load_path_as, load_str, Format, LoadError, Loaded};

/// The built-in seed scenario (also what `demarche demo` runs).
pub use demarche_scenario::{SEED_LABEL, SEED_TOML as SEED_SCENARIO};

/// A `--input-format` value that names no format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{name}`; {hint}")]
pub struct UnknownFormat {
    pub name: String,
    /// The nearest format name, or the list.
    pub hint: String,
}

/// Parse a `--input-format` value.
pub fn parse_format(s: &str) -> Result<Format, UnknownFormat> {
    Format::parse(s).ok_or_else(|| UnknownFormat {
        name: s.to_string(),
        hint: format!(
            "{} (formats: {})",
            demarche_scenario::diag::suggest(s, &Format::NAMES),
            Format::NAMES.join(", ")
        ),
    })
}

/// Load `path` (`-` reads standard input; `@seed` is the built-in scenario).
pub fn load(path: &str, format: Option<Format>) -> Result<Loaded, LoadError> {
    let loaded = load_quietly(path, format)?;
    if crate::cmd::runs::verbose() {
        let sc = &loaded.scenario;
        let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
        eprintln!(
            "read {}: {}, {}, {}, {}",
            if path == "@seed" { SEED_LABEL } else { path },
            count(sc.actors.len(), "actor"),
            count(sc.issues.len(), "issue"),
            count(sc.stances.len(), "stance"),
            count(sc.relations.len(), "relation")
        );
    }
    Ok(loaded)
}

fn load_quietly(path: &str, format: Option<Format>) -> Result<Loaded, LoadError> {
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

/// The scenario a command reads, and the what-if edits applied to it.
#[derive(clap::Args)]
pub struct ScenarioArgs {
    /// Scenario file (.toml, .json, BDM .csv, KTAB .csv/.xml, a decide input file); `-` for standard input.
    pub file: String,
    /// Change one value: actor.issue.field=V, actor.capability=V, issue.status_quo=V,
    /// from->to.weight=V or simulation.option=V (repeatable; applied after overlays).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Patch the scenario with an overlay file (entries matched by id; repeatable, applied in order).
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<String>,
    /// Read the input in this format instead of guessing from its name.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub input_format: Option<Format>,
}

/// Load the scenario, then apply overlay files and `--set` overrides in that
/// order, re-validating after each step.
pub fn load_patched(args: &ScenarioArgs) -> Result<demarche_scenario::Scenario, LoadError> {
    let loaded = load(&args.file, args.input_format)?;
    eprint!("{}", loaded.warnings);
    let mut sc = loaded.scenario;
    for o in &args.overlays {
        sc = demarche_scenario::patch::overlay_path(&sc, Path::new(o))?.scenario;
    }
    if !args.sets.is_empty() {
        demarche_scenario::patch::apply_overrides(&mut sc, &args.sets)
            .map_err(|diagnostics| LoadError { diagnostics })?;
    }
    Ok(sc)
}

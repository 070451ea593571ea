//! `demarche check FILE...`: load and validate scenarios.

use std::process::ExitCode;

use clap::Args;

use super::CmdResult;
use crate::input;

#[derive(Args)]
pub struct CheckArgs {
    /// Scenario files (.toml, .json, BDM .csv, KTAB .csv/.xml); `-` for standard input.
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Read every file in this format instead of guessing from its name.
    #[arg(long, value_name = "FORMAT", value_parser = input::parse_format)]
    pub input_format: Option<demarche_scenario::Format>,
    /// Output: a line per file with its diagnostics, or JSON (one object per file).
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: super::runs::TextOrJson,
    /// Deprecated: `--format json`.
    #[arg(long, hide = true)]
    pub json: bool,
}

pub fn run(args: &CheckArgs) -> CmdResult {
    let json = super::runs::wants_json(args.format, args.json);
    let mut ok = true;
    let mut reports = Vec::new();
    for file in &args.files {
        match input::load(file, args.input_format) {
            Ok(l) => {
                let sc = &l.scenario;
                if json {
                    reports.push(serde_json::json!({
                        "file": file, "ok": true,
                        "actors": sc.actors.len(), "issues": sc.issues.len(), "stances": sc.stances.len(),
                        "diagnostics": l.warnings,
                    }));
                } else {
                    eprint!("{}", l.warnings);
                    let n = |k: usize, w: &str| format!("{k} {w}{}", if k == 1 { "" } else { "s" });
                    outln!(
                        "{file}: ok — \"{}\": {}, {}, {}, {}",
                        sc.meta.title,
                        n(sc.actors.len(), "actor"),
                        n(sc.issues.len(), "issue"),
                        n(sc.stances.len(), "stance"),
                        n(sc.relations.len(), "relation")
                    );
                }
            }
            Err(e) => {
                ok = false;
                if json {
                    reports.push(serde_json::json!({ "file": file, "ok": false, "diagnostics": e.diagnostics }));
                } else {
                    eprint!("{e}");
                    eprintln!("{file}: invalid");
                }
            }
        }
    }
    if json {
        outln!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

//! `demarche models`: every forecasting engine, what it computes, its options
//! with their defaults and what they accept, and where it comes from.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::CmdResult;

#[derive(Args)]
pub struct ModelsArgs {
    /// Only this engine (compromise, nash, bdm, smp).
    pub model: Option<String>,
    /// Output: a text listing, or JSON.
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: ModelsFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelsFormat {
    Table,
    Json,
}

pub fn run(args: &ModelsArgs) -> CmdResult {
    let mut models = demarche_engines::catalogue();
    if let Some(name) = &args.model {
        models.retain(|m| m.name == name.as_str());
        if models.is_empty() {
            let hint = demarche_scenario::diag::suggest(name, demarche_engines::MODELS);
            return Err(format!("unknown model `{name}`; {hint}").into());
        }
    }
    match args.format {
        ModelsFormat::Json => outln!("{}", serde_json::to_string_pretty(&models)?),
        ModelsFormat::Table => {
            for (k, m) in models.iter().enumerate() {
                if k > 0 {
                    outln!();
                }
                outln!("{}", m.name);
                outln!("  {}", m.summary);
                outln!("  Source: {} (formulas: docs/models.md).", m.citation);
                if m.options.is_empty() {
                    outln!("  No options.");
                    continue;
                }
                outln!("  Options (--option {}.KEY=VALUE, or [engines.{}] in a scenario):", m.name, m.name);
                let width = m.options.iter().map(|o| o.key.len()).max().unwrap_or(0);
                for o in &m.options {
                    let default = if o.default.is_empty() { "none".to_string() } else { o.default.clone() };
                    outln!("    {:width$}  default {default}; {}", o.key, o.accepts);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `demarche convert FILE --to toml|json`: write any readable scenario in the
//! native format (e.g. to start from a KTAB or BDM case).

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::CmdResult;
use crate::input;

#[derive(Clone, Copy, ValueEnum)]
pub enum Target {
    Toml,
    Json,
}

#[derive(Args)]
pub struct ConvertArgs {
    /// Scenario file; `-` for standard input.
    pub file: String,
    /// The format to write: the native TOML or JSON.
    #[arg(long, value_enum, default_value = "toml")]
    pub to: Target,
    /// Read the input in this format instead of guessing from its name.
    #[arg(long, value_name = "FORMAT", value_parser = input::parse_format)]
    pub input_format: Option<demarche_scenario::Format>,
}

pub fn run(args: &ConvertArgs) -> CmdResult {
    let loaded = input::load(&args.file, args.input_format)?;
    eprint!("{}", loaded.warnings);
    match args.to {
        Target::Toml => out!("{}", demarche_scenario::to_toml(&loaded.scenario)?),
        Target::Json => outln!("{}", demarche_scenario::to_json(&loaded.scenario)),
    }
    Ok(ExitCode::SUCCESS)
}

//! `demarche demo`: forecast the built-in seed scenario with every model.

use std::process::ExitCode;

use clap::Args;
use demarche_engines::Overrides;
use demarche_forecast::Request;

use super::forecast::run_models;
use super::CmdResult;
use crate::{input, render};

#[derive(Args)]
pub struct DemoArgs {
    /// Print JSON instead of the readable table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &DemoArgs) -> CmdResult {
    let loaded = input::load("@seed", None)?;
    let sc = loaded.scenario;
    let forecasts = run_models(&sc, demarche_engines::MODELS, &Overrides::default(), &Request::default())?;
    if args.json {
        println!("{}", render::json::forecasts(&sc, &forecasts)?);
    } else {
        println!("demarche demo — the built-in seed scenario ({})\n", input::SEED_LABEL);
        print!("{}", render::table::forecasts(&sc, &forecasts));
        println!(
            "Models are indicators built from the stated positions in the scenario file, not predictions of \
             what any government will do.\nEdit a copy of scenarios/iran-us-nuclear.toml and run \
             `demarche forecast FILE` to explore."
        );
    }
    Ok(ExitCode::SUCCESS)
}

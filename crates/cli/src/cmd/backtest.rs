//! `demarche backtest DIR...`: every model and the simulation on every
//! backtest case, scored against what happened (docs/validity.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use demarche_app::backtest::{BacktestOptions, RUNS, SEED};

use super::simulate::{with_threads, Bar};
use super::CmdResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BacktestFormat {
    Table,
    Json,
}

#[derive(Args)]
pub struct BacktestArgs {
    /// Case folders (each holds outcome.toml), or folders of them such as `backtests/`.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Simulated runs per case (the confrontation indicator uses all of them).
    #[arg(long, default_value_t = RUNS, value_parser = clap::value_parser!(u32).range(1..=20_000))]
    pub runs: u32,
    /// Seed of the simulations' random draws (same seed, same output).
    #[arg(long, default_value_t = SEED)]
    pub seed: u64,
    /// Worker threads (default: one per core); the output does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output: the score tables, or JSON with every case's scores.
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: BacktestFormat,
    #[command(flatten)]
    pub store: super::runs::StoreArgs,
}

pub fn run(args: &BacktestArgs) -> CmdResult {
    let started = std::time::SystemTime::now();
    let dirs = demarche_backtest::discover(&args.dirs)?;
    let cases = demarche_backtest::load_all(&dirs)?;
    for c in &cases {
        if !c.warnings.is_empty() {
            eprint!("{}", c.warnings);
        }
    }
    let opts = BacktestOptions { runs: args.runs, seed: args.seed, ..Default::default() };
    let progress = Bar::on_terminal(
        args.format == BacktestFormat::Table,
        "{spinner} backtest: {pos}/{len} runs {wide_bar} {left}",
    );
    let report = with_threads(args.threads, || demarche_app::backtest::run(&cases, &opts, &progress))??;
    progress.clear();
    match args.format {
        BacktestFormat::Table => out!("{}", demarche_backtest::render::table(&report)),
        BacktestFormat::Json => outln!("{}", serde_json::to_string_pretty(&report)?),
    }
    let params = demarche_app::params::BacktestParams {
        dirs: args.dirs.iter().map(|d| d.display().to_string()).collect(),
        runs: args.runs,
        seed: args.seed,
        via: demarche_app::params::Via::Cli,
    };
    let run = demarche_app::record::backtest_run(&report, &params, started);
    super::runs::record(&args.store, &run);
    Ok(ExitCode::SUCCESS)
}

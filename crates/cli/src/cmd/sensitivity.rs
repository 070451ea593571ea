//! `demarche sensitivity FILE`: which uncertain inputs drive the simulated
//! agreement probability and terms (Sobol first-order and total indices,
//! one-at-a-time swings for tornado charts).

use std::process::ExitCode;

use clap::Args;
use demarche_sim::{Overrides, SensitivityOptions};

use super::simulate::{with_threads, ChannelArg, SimFormat};
use super::CmdResult;
use crate::input::{load_patched, ScenarioArgs};

#[derive(Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Which talks to analyse (default: the scenario's [simulation] channel, else both).
    #[arg(long, value_enum)]
    pub channel: Option<ChannelArg>,
    /// Sobol base samples N; the cost is N × (inputs + 2) simulated runs.
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(2..=1_000_000))]
    pub samples: u32,
    /// Runs per one-at-a-time setting (each input at its 10 % and 90 % quantile).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub oat_runs: u32,
    /// Seed of the samples.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core); the output does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Inputs shown per output in the table.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: SimFormat,
    #[command(flatten)]
    pub store: super::runs::StoreArgs,
}

pub fn run(args: &SensitivityArgs) -> CmdResult {
    let started = std::time::SystemTime::now();
    let sc = load_patched(&args.scenario)?;
    let opts = SensitivityOptions {
        overrides: Overrides { channel: args.channel.map(Into::into), runs: None, seed: args.seed },
        samples: args.samples as usize,
        oat_runs: args.oat_runs as usize,
        ..Default::default()
    };
    // Progress on a terminal only (never in pipes or JSON).
    let progress = super::simulate::Bar::on_terminal(
        args.format == SimFormat::Table,
        "{spinner} sensitivity: {pos}/{len} model runs {wide_bar} {eta}",
    );
    let report = with_threads(args.threads, || demarche_sim::analyse(&sc, &opts, &progress))??;
    progress.clear();
    match args.format {
        SimFormat::Table => out!("{}", demarche_sim::render::sensitivity(&report, args.top)),
        SimFormat::Json => outln!("{}", serde_json::to_string_pretty(&report)?),
    }
    let params = demarche_app::params::SensitivityParams {
        channel: args.channel.map(|c| format!("{c:?}").to_lowercase()),
        samples: opts.samples,
        oat_runs: opts.oat_runs,
        seed: report.seed,
        edits: demarche_app::params::ScenarioEdits {
            set: args.scenario.sets.clone(),
            overlays: args.scenario.overlays.clone(),
        },
    };
    // Every output that varies gets its tornado in the stored run's report.
    let tornadoes = demarche_app::documents::tornadoes(&sc, &report, usize::MAX, 12);
    let documents = demarche_app::RunDocuments {
        sensitivity_analysis: demarche_app::Kept::of(&report).ok(),
        sensitivity: Some(tornadoes),
        ..Default::default()
    };
    let run = demarche_app::record::finished(
        demarche_store::RunInput::Scenario(&sc),
        vec!["sobol".into(), "one-at-a-time".into()],
        &params,
        Some(report.seed),
        started,
        documents,
    );
    super::runs::record(&args.store, &run);
    Ok(ExitCode::SUCCESS)
}

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
    /// Evaluate only rows A..B of the design (rows 0..N are the Sobol samples, then the one-at-a-time
    /// runs) and write them to --partial-out, for a scheduler to spread one analysis over machines;
    /// `demarche merge` folds the parts into the analysis one process would give, byte for byte.
    #[arg(long, value_name = "A..B", value_parser = super::simulate::parse_range, requires = "partial_out")]
    pub sample_range: Option<std::ops::Range<u64>>,
    /// Where --sample-range writes its part (JSON).
    #[arg(long, value_name = "FILE", requires = "sample_range")]
    pub partial_out: Option<std::path::PathBuf>,
    /// Output: the ranked table, or the whole analysis as JSON.
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
        "{spinner} sensitivity: {pos}/{len} model runs {wide_bar} {left}",
    );
    if let (Some(range), Some(out)) = (&args.sample_range, &args.partial_out) {
        let part = with_threads(args.threads, || demarche_sim::analyse_partial(&sc, &opts, range.clone(), &progress))??;
        progress.clear();
        let mut w = crate::output::create(out)?;
        serde_json::to_writer(&mut w, &part)?;
        w.commit()?;
        eprintln!(
            "rows {}..{} of {} written to {}; `demarche merge` the parts into the analysis",
            part.start,
            part.end,
            part.total,
            out.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let report = with_threads(args.threads, || demarche_sim::analyse(&sc, &opts, &progress))??;
    progress.clear();
    let edits = demarche_app::params::ScenarioEdits {
        set: args.scenario.sets.clone(),
        overlays: args.scenario.overlays.clone(),
    };
    show_and_record(&sc, &report, &opts, edits, args.top, args.format, &args.store, started)
}

/// Prints an analysis and records it as a run (also for `demarche merge`).
#[allow(clippy::too_many_arguments)]
pub fn show_and_record(
    sc: &demarche_scenario::Scenario,
    report: &demarche_sim::SensitivityReport,
    opts: &SensitivityOptions,
    edits: demarche_app::params::ScenarioEdits,
    top: usize,
    format: SimFormat,
    store: &super::runs::StoreArgs,
    started: std::time::SystemTime,
) -> CmdResult {
    match format {
        SimFormat::Table => out!("{}", demarche_sim::render::sensitivity(report, top)),
        SimFormat::Json => outln!("{}", serde_json::to_string_pretty(report)?),
    }
    let params = demarche_app::params::SensitivityParams {
        channel: opts.overrides.channel.map(|c| c.as_str().to_string()),
        samples: opts.samples,
        oat_runs: opts.oat_runs,
        seed: report.seed,
        edits,
    };
    // Every output that varies gets its tornado in the stored run's report.
    let tornadoes = demarche_app::documents::tornadoes(sc, report, usize::MAX, 12);
    let documents = demarche_app::RunDocuments {
        sensitivity_analysis: demarche_app::Kept::of(report).ok(),
        sensitivity: Some(tornadoes),
        ..Default::default()
    };
    let run = demarche_app::record::finished(
        demarche_store::RunInput::Scenario(sc),
        vec!["sobol".into(), "one-at-a-time".into()],
        &params,
        Some(report.seed),
        started,
        documents,
    );
    super::runs::record(store, &run);
    Ok(ExitCode::SUCCESS)
}

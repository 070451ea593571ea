//! `demarche forecast FILE`: run forecasting engines on a scenario.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use demarche_engines::Overrides;
use demarche_forecast::{Forecast, Request};
use demarche_scenario::Scenario;

use super::CmdResult;
use crate::{input, render};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TrajectoryLayout {
    Demarche,
    Ktab,
}

#[derive(Args)]
pub struct ForecastArgs {
    #[command(flatten)]
    pub scenario: input::ScenarioArgs,
    /// Model(s): compromise, nash, bdm, smp, a comma-separated list, or all.
    #[arg(long, short, default_value = "all")]
    pub model: String,
    /// Forecast only this issue (repeat for several).
    #[arg(long = "issue", value_name = "ID")]
    pub issues: Vec<String>,
    /// Maximum rounds for iterative models.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub rounds: Option<u32>,
    /// Output: a table, JSON (every forecast in full) or CSV (one row per model and issue:
    /// model,issue,outcome,scale,reading,converged,rounds,notes).
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: OutputFormat,
    /// Write every actor's position per round, every model in one file, as CSV:
    /// model,issue,round,actor,position,scale (the issue's own units; the layout of `runs export`).
    #[arg(long, value_name = "PATH")]
    pub trajectory_out: Option<PathBuf>,
    /// The --trajectory-out layout: demarche's (above), or KTAB's dumps for comparing with KTAB
    /// (turn,actor,name,dim,pos[,ideal]; smp on KTAB's 0–100 scale; one file per model, FILE-MODEL.csv).
    #[arg(long, value_enum, default_value = "demarche", requires = "trajectory_out")]
    pub trajectory_layout: TrajectoryLayout,
    /// Write each actor's win probability per turn as CSV: turn,actor,prob (smp).
    #[arg(long, value_name = "PATH")]
    pub probability_out: Option<PathBuf>,
    /// KTAB's nine SMP parameters as integers in KTAB's order:
    /// vpm,pcem,stm,vr,bigRAdj,bigRRng,tpCommit,ivBrgn,brgnMod (default 0,0,0,2,1,1,1,1,0).
    #[arg(long, value_name = "LIST")]
    pub smp_params: Option<String>,
    /// Set an engine option, e.g. `nash.disagreement=worst` (repeatable; overrides the scenario's
    /// [engines.*]; `demarche models` lists them).
    #[arg(long = "option", value_name = "ENGINE.KEY=VALUE")]
    pub options: Vec<String>,
    /// Also run every model on N draws of the stances' stated uncertainty
    /// (position_sd, salience_sd) and report each outcome's median and 10–90 % band.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub runs: Option<u32>,
    /// Seed of the draws for --runs (same seed, same bands).
    #[arg(long, value_name = "S", default_value_t = 1, requires = "runs")]
    pub seed: u64,
    /// Worker threads for --runs (default: one per core); the output does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024), requires = "runs")]
    pub threads: Option<u16>,
    #[command(flatten)]
    pub store: super::runs::StoreArgs,
}

/// `-o` set an engine option in `forecast` before it named the output file in
/// every command: `-o nash.disagreement=worst` would now write the forecast to a
/// file of that name, so it is refused with the new spelling.
fn refuse_old_option_flag() -> Result<(), String> {
    let Some(path) = crate::output::target() else { return Ok(()) };
    let text = path.to_string_lossy();
    let engine = text.split_once('=').and_then(|(left, _)| left.split_once('.')).map(|(engine, _)| engine);
    match engine {
        Some(engine) if demarche_engines::MODELS.contains(&engine) => Err(format!(
            "`-o {text}` looks like an engine option, but `-o` now names the output file in every command; \
             hint: `--option {text}` (engine options moved to `--option`)"
        )),
        _ => Ok(()),
    }
}

pub fn run(args: &ForecastArgs) -> CmdResult {
    let started = std::time::SystemTime::now();
    refuse_old_option_flag()?;
    let sc = input::load_patched(&args.scenario)?;
    let models = demarche_engines::expand(&args.model)?;
    let mut overrides = Overrides::default();
    for o in &args.options {
        overrides.push_str(o)?;
    }
    if let Some(list) = &args.smp_params {
        if !models.contains(&"smp") {
            return Err("--smp-params applies to the smp model; add `--model smp`".into());
        }
        overrides.entries.push(("smp".into(), "params".into(), list.clone()));
    }
    if args.probability_out.is_some() && !models.contains(&"smp") {
        return Err("--probability-out needs the smp model (win probabilities are an smp output)".into());
    }
    let request = Request { issues: (!args.issues.is_empty()).then(|| args.issues.clone()), max_rounds: args.rounds };
    if args.runs.is_some() && args.format == OutputFormat::Csv {
        return Err("--runs reports bands in the table or JSON output; --format csv is the per-round trajectory".into());
    }
    let how = demarche_app::ModelRun { overrides, request };
    let forecasts = run_models(&sc, &models, &how, args.model == "all")?;
    let uncertainty = match args.runs {
        None => None,
        Some(runs) => {
            // Progress on a terminal only (never in pipes or JSON).
            let progress = super::simulate::Bar::on_terminal(
                args.format == OutputFormat::Table,
                "{spinner} forecasts under uncertainty: {pos}/{len} draws {wide_bar} {left}",
            );
            let u = super::simulate::with_threads(args.threads, || {
                demarche_app::forecast::bands_until(&sc, &forecasts, &how, runs, args.seed, &progress)
            })?;
            progress.clear();
            Some(u)
        }
    };
    let params = demarche_app::params::ForecastParams {
        model: Some(args.model.clone()),
        request: Some(demarche_app::params::ModelRequest {
            options: args.options.clone(),
            issues: Some(args.issues.clone()),
            rounds: args.rounds,
        }),
        runs: Some(args.runs),
        seed: Some(args.runs.map(|_| args.seed)),
        ..Default::default()
    };
    let run = demarche_app::record::forecast_run(
        &sc,
        &forecasts,
        uncertainty.as_ref(),
        demarche_app::RunDocuments::default(),
        &params,
        started,
    );
    super::runs::record(&args.store, &run);
    if let Some(path) = &args.trajectory_out {
        match args.trajectory_layout {
            TrajectoryLayout::Demarche => {
                let (rows, _) = demarche_store::forecast_rows(0, &forecasts);
                let mut w = crate::output::create(path)?;
                demarche_store::positions_csv(&mut w, &sc, &rows, false)?;
                w.commit()?;
            }
            TrajectoryLayout::Ktab => write_trajectories(path, &sc, &forecasts)?,
        }
    }
    if let Some(path) = &args.probability_out {
        if let Some(f) = forecasts.iter().find(|f| f.engine == "smp") {
            let mut w = crate::output::create(path)?;
            demarche_smp::write_probability_csv(f, &mut w)?;
            w.commit()?;
        }
    }
    match args.format {
        OutputFormat::Table => {
            out!("{}", render::table::forecasts(&sc, &forecasts));
            if let Some(u) = &uncertainty {
                out!("{}", render::table::uncertainty(&sc, u));
            }
        }
        OutputFormat::Json => {
            outln!("{}", demarche_app::forecast::forecasts_json(&sc, &forecasts, uncertainty.as_ref()))
        }
        OutputFormat::Csv => render::csv::outcomes(crate::output::result(), &sc, &forecasts)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Run each model in turn (see [`demarche_app::run_models`]); a model left
/// out under `skip_unsupported` (`--model all`) is reported on standard error.
pub fn run_models(
    sc: &Scenario,
    models: &[&'static str],
    how: &demarche_app::ModelRun,
    skip_unsupported: bool,
) -> Result<Vec<Forecast>, Box<dyn std::error::Error>> {
    // `--verbose`: how long each model took, said when the next one starts.
    let verbose = super::runs::verbose();
    let mut running: Option<(String, std::time::Instant)> = None;
    let mut took = |next: Option<&str>| {
        if let Some((model, t)) = running.take() {
            eprintln!("{model}: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        }
        running = next.map(|m| (m.to_string(), std::time::Instant::now()));
    };
    let ran = demarche_app::run_models(
        sc,
        models,
        how,
        skip_unsupported,
        |_, _, m| {
            if verbose {
                took(Some(m));
            }
        },
        &mut demarche_forecast::NoObserver,
    );
    took(None);
    let ran = ran?;
    for (m, e) in &ran.skipped {
        eprintln!("warning: {e}; leaving {m} out");
    }
    Ok(ran.forecasts)
}

/// One file for one model; with several models, one file each (`PATH-<model>.csv`).
/// smp writes KTAB's layout (`turn,actor,name,dim,pos,ideal`, 0–100 scale).
fn write_trajectories(path: &Path, sc: &Scenario, forecasts: &[Forecast]) -> Result<(), Box<dyn std::error::Error>> {
    for f in forecasts {
        let p = if forecasts.len() == 1 {
            path.to_path_buf()
        } else {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("trajectory");
            let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("csv");
            path.with_file_name(format!("{stem}-{}.{ext}", f.engine))
        };
        let mut w = crate::output::create(&p)?;
        if f.engine == "smp" {
            demarche_smp::write_trajectory_csv(f, sc, &mut w)?;
        } else {
            render::csv::trajectories(&mut w, sc, std::slice::from_ref(f))?;
        }
        w.commit()?;
    }
    Ok(())
}

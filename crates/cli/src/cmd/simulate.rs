//! `demarche simulate FILE`: direct versus mediated talks between a scenario's
//! principals, by Monte Carlo over every stated uncertainty.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use demarche_scenario::settings::simulation::Channel;
use demarche_sim::{Options, Overrides};

use super::CmdResult;
use crate::input::{load_patched, ScenarioArgs};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChannelArg {
    Direct,
    Mediated,
    Both,
}

impl From<ChannelArg> for Channel {
    fn from(c: ChannelArg) -> Channel {
        match c {
            ChannelArg::Direct => Channel::Direct,
            ChannelArg::Mediated => Channel::Mediated,
            ChannelArg::Both => Channel::Both,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    Table,
    Json,
}

/// What both `simulate` and `sensitivity` read: the scenario and its variants.

#[derive(Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Which talks to simulate (default: the scenario's [simulation] channel, else both).
    #[arg(long, value_enum)]
    pub channel: Option<ChannelArg>,
    /// Monte Carlo runs (default: the scenario's, else 2000).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(demarche_scenario::settings::simulation::MAX_RUNS)))]
    pub runs: Option<u32>,
    /// Seed of the random draws (same seed, same output).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core); the output does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Runs on which to estimate the confrontation indicator (the expected-utility model per run; 0: skip).
    #[arg(long, value_name = "N", default_value_t = demarche_sim::ESCALATION_RUNS)]
    pub escalation_runs: u64,
    /// Event data (any file `events import` reads, or its JSONL) whose escalation signal — the rise in
    /// material conflict per dyad — joins the confrontation indicator (weight in docs/models.md).
    #[arg(long, value_name = "FILE")]
    pub events: Option<std::path::PathBuf>,
    /// The last day the escalation signal counts (default: the latest event's); later events are left out.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "events")]
    pub events_until: Option<String>,
    /// Weeks the escalation signal calls recent, against the weeks before them.
    #[arg(long, value_name = "N", default_value_t = demarche_app::events::ESCALATION_WEEKS as u16,
          value_parser = clap::value_parser!(u16).range(1..=520))]
    pub events_weeks: u16,
    /// Run only runs A..B of the simulation (0 ≤ A < B ≤ runs) and write them to --partial-out, for a
    /// scheduler to spread one simulation over machines; `demarche merge` folds the parts into the report
    /// one run would give, byte for byte.
    #[arg(long, value_name = "A..B", value_parser = parse_range, requires = "partial_out")]
    pub run_range: Option<std::ops::Range<u64>>,
    /// Where --run-range writes its part (JSON).
    #[arg(long, value_name = "FILE", requires = "run_range")]
    pub partial_out: Option<std::path::PathBuf>,
    /// Output: the answer in words and tables, or the whole report as JSON.
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: SimFormat,
    #[command(flatten)]
    pub store: super::runs::StoreArgs,
}

pub(crate) fn parse_range(s: &str) -> Result<std::ops::Range<u64>, String> {
    let (a, b) = s.split_once("..").ok_or_else(|| format!("`{s}` is not a range; hint: A..B, e.g. 0..25000"))?;
    let num = |x: &str| x.trim().parse::<u64>().map_err(|_| format!("`{x}` in `{s}` is not a whole number"));
    let (a, b) = (num(a)?, num(b)?);
    if a >= b {
        return Err(format!("`{s}` is empty; hint: A..B with A < B"));
    }
    Ok(a..b)
}

/// `demarche merge`: the parts of one simulation (or of one sensitivity
/// analysis) folded into its report.
#[derive(Args)]
pub struct MergeArgs {
    /// The parts (`simulate --run-range A..B --partial-out FILE`, or `sensitivity --sample-range A..B
    /// --partial-out FILE`), in any order.
    #[arg(required = true, value_name = "FILE")]
    pub parts: Vec<std::path::PathBuf>,
    /// Inputs shown per output in a sensitivity analysis's table.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Output: the answer in words and tables, or the whole report as JSON.
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: SimFormat,
    #[command(flatten)]
    pub store: super::runs::StoreArgs,
}

/// The largest part file `merge` reads.
const MAX_PART_BYTES: u64 = 4 << 30;

pub fn merge(args: &MergeArgs) -> CmdResult {
    let started = std::time::SystemTime::now();
    /// What a part says it is.
    #[derive(serde::Deserialize)]
    struct Kind {
        format: String,
    }
    let hint = "hint: write parts with `simulate --run-range A..B --partial-out FILE` or `sensitivity --sample-range \
                A..B --partial-out FILE`";
    let mut runs = Vec::new();
    let mut analyses = Vec::new();
    let mut problems = Vec::new();
    for p in &args.parts {
        let read = demarche_scenario::read_bounded(p, MAX_PART_BYTES).map_err(|e| e.to_string()).and_then(|bytes| {
            let kind = serde_json::from_slice::<Kind>(&bytes).map_err(|e| e.to_string())?;
            if kind.format == demarche_sim::SENSITIVITY_PARTIAL {
                analyses.push(
                    serde_json::from_slice::<demarche_sim::SensitivityPartial>(&bytes).map_err(|e| e.to_string())?,
                );
            } else {
                runs.push(serde_json::from_slice::<demarche_sim::Partial>(&bytes).map_err(|e| e.to_string())?);
            }
            Ok(())
        });
        if let Err(e) = read {
            problems.push(format!("{}: not a partial result ({e}); {hint}", p.display()));
        }
    }
    if !runs.is_empty() && !analyses.is_empty() {
        problems.push(format!(
            "{} part(s) of a simulation and {} of a sensitivity analysis; hint: merge the parts of one job at a time",
            runs.len(),
            analyses.len()
        ));
    }
    if !problems.is_empty() {
        return Err(problems.join("\n").into());
    }
    if !analyses.is_empty() {
        let (report, sc) = demarche_sim::merge_sensitivity(&analyses)?;
        let first = &analyses[0];
        let opts = demarche_sim::SensitivityOptions {
            overrides: Overrides {
                channel: first.channel.as_deref().and_then(demarche_scenario::settings::simulation::Channel::parse),
                runs: None,
                seed: first.seed,
            },
            samples: first.samples,
            oat_runs: first.oat_runs,
            quantiles: first.quantiles,
        };
        let edits = demarche_app::params::ScenarioEdits::default();
        return super::sensitivity::show_and_record(
            &sc,
            &report,
            &opts,
            edits,
            args.top,
            args.format,
            &args.store,
            started,
        );
    }
    let parts = runs;
    let (report, sc) = demarche_sim::merge(&parts)?;
    show(&report, args.format, None)?;
    let params = demarche_app::params::SimulateParams {
        channel: Some(report.channels.iter().map(|c| c.channel.as_str()).collect::<Vec<_>>().join(",")),
        runs: report.runs,
        seed: report.seed,
        escalation_runs: report.escalation_runs,
        edits: None,
        events: None,
        via: demarche_app::params::Via::Cli,
    };
    let overrides = Overrides { channel: None, runs: Some(report.runs as u32), seed: Some(report.seed) };
    let pareto = demarche_app::record::pictures(&sc, &overrides);
    let run = demarche_app::record::simulation_run(&sc, &report, &pareto, &params, started);
    super::runs::record(&args.store, &run);
    Ok(ExitCode::SUCCESS)
}

/// Prints a simulation's report (with what the events added, when they did).
fn show(
    report: &demarche_sim::Report,
    format: SimFormat,
    escalation: Option<&demarche_app::events::EscalationInput>,
) -> Result<(), Box<dyn std::error::Error>> {
    match format {
        SimFormat::Table => {
            if let Some(input) = escalation {
                outln!("{}\n", input.summary());
            }
            out!("{}", demarche_sim::render::report(report))
        }
        SimFormat::Json => outln!("{}", serde_json::to_string_pretty(report)?),
    }
    Ok(())
}

/// Runs `f` on a pool of `threads` workers (rayon's default when `None`).
pub fn with_threads<T: Send>(
    threads: Option<u16>,
    f: impl FnOnce() -> T + Send,
) -> Result<T, Box<dyn std::error::Error>> {
    match threads {
        None => Ok(f()),
        Some(n) => Ok(rayon::ThreadPoolBuilder::new().num_threads(n as usize).build()?.install(f)),
    }
}

pub fn run(args: &SimulateArgs) -> CmdResult {
    let started = std::time::SystemTime::now();
    let sc = load_patched(&args.scenario)?;
    let opts = Options {
        overrides: Overrides { channel: args.channel.map(Into::into), runs: args.runs, seed: args.seed },
        escalation_runs: args.escalation_runs,
    };
    // The bar learns the number of runs from the simulation itself (the
    // scenario's [simulation] table with the flags on top).
    let progress =
        Bar::on_terminal(args.format == SimFormat::Table, "{spinner} simulating {pos}/{len} runs {wide_bar} {left}");
    // Read the events before the simulation, so a bad file costs no waiting.
    let escalation = match &args.events {
        Some(path) => {
            let events = demarche_app::events::read_events(path)?;
            let until = args.events_until.as_deref().map(demarche_app::events::day).transpose()?;
            Some(demarche_app::events::escalation_signal(&sc, &events, until, usize::from(args.events_weeks)))
        }
        None => None,
    };
    if let (Some(range), Some(out)) = (&args.run_range, &args.partial_out) {
        if escalation.is_some() {
            return Err("--events applies to a whole simulation: give it to the report of the merged parts".into());
        }
        let part =
            with_threads(args.threads, || demarche_sim::simulate_partial(&sc, &opts, range.clone(), &progress))??;
        progress.clear();
        let mut w = crate::output::create(out)?;
        serde_json::to_writer(&mut w, &part)?;
        w.commit()?;
        eprintln!(
            "runs {}..{} of {} written to {}; `demarche merge` the parts into the report",
            part.start,
            part.end,
            part.total,
            out.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut report = with_threads(args.threads, || demarche_sim::simulate(&sc, &opts, &progress))??;
    progress.clear();
    if let Some(input) = &escalation {
        demarche_app::events::apply_escalation(&mut report, input);
    }
    show(&report, args.format, escalation.as_ref())?;
    let params = demarche_app::params::SimulateParams {
        channel: Some(report.channels.iter().map(|c| c.channel.as_str()).collect::<Vec<_>>().join(",")),
        runs: report.runs,
        seed: report.seed,
        escalation_runs: report.escalation_runs,
        edits: Some(demarche_app::params::ScenarioEdits {
            set: args.scenario.sets.clone(),
            overlays: args.scenario.overlays.clone(),
        }),
        events: args.events.as_ref().map(|p| demarche_app::params::EscalationSource {
            file: p.display().to_string(),
            until: args.events_until.clone(),
            weeks: usize::from(args.events_weeks),
        }),
        via: demarche_app::params::Via::Cli,
    };
    // The bargaining picture at the stated values: cheap, and what a report of the run draws.
    let pareto = demarche_app::record::pictures(&sc, &opts.overrides);
    let run = demarche_app::record::simulation_run(&sc, &report, &pareto, &params, started);
    super::runs::record(&args.store, &run);
    Ok(ExitCode::SUCCESS)
}

/// A terminal progress bar as a simulation's or sensitivity analysis's run control.
pub struct Bar(pub Option<indicatif::ProgressBar>);

impl Bar {
    /// A bar drawn with `template` when `wanted` and standard error is a
    /// terminal (never in pipes or machine output); otherwise none.
    pub fn on_terminal(wanted: bool, template: &str) -> Bar {
        Bar((wanted && super::runs::chatty() && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new(0);
            if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
                b.set_style(style.with_key("left", left));
            }
            b
        }))
    }

    /// Removes the bar from the terminal.
    pub fn clear(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

/// `{left}`: "about 12 s left (estimate)", from the average rate since the
/// bar started (steadier than a recent-rate estimate, which reads high while
/// worker threads start), once two seconds and 2 % of the work give a rate.
fn left(state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write) {
    let (done, total) = (state.pos(), state.len().unwrap_or(0));
    let elapsed = state.elapsed().as_secs_f64();
    if total == 0 || done == 0 || done >= total || elapsed < 2.0 || done * 50 < total {
        return;
    }
    let secs = elapsed * (total - done) as f64 / done as f64;
    let _ = if secs < 90.0 {
        write!(w, "about {} s left (estimate)", secs.round().max(1.0))
    } else {
        write!(w, "about {} min left (estimate)", (secs / 60.0).round())
    };
}

impl demarche_sim::RunControl for Bar {
    fn progress(&self, done: u64, total: u64) {
        if let Some(b) = &self.0 {
            b.set_length(total);
            b.set_position(done);
        }
    }
}

//! `demarche tournament DOMAIN... --strategies A,B,...`: every pairing of strategies on
//! every domain, both role orders, repeated; stacked alternating offers.
//!
//! Each DOMAIN is a Genius XML domain, a GeniusWeb JSON domain, or a folder with a domain
//! and its profiles; the first two profiles negotiate. Runs in parallel; the report is the
//! same whatever `--threads` says.

use super::CmdResult;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use demarche_negotiation::load_domain_with_options;
use demarche_negotiation::protocol::sao::SaoConfig;
use demarche_negotiation::protocol::TableOptions;
use demarche_negotiation::strategy::StrategySpec;
use demarche_negotiation::tournament::{run_tournament_with, TournamentConfig, TournamentDomain, TournamentReport};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TournamentFormat {
    /// Per-strategy summary.
    Table,
    /// The full report (summary and every negotiation) as JSON.
    Json,
}

#[derive(Args, Debug)]
pub struct TournamentArgs {
    /// Domain files or folders.
    #[arg(required = true, value_name = "DOMAIN")]
    pub domains: Vec<PathBuf>,
    /// Competing strategies, comma-separated (see `demarche negotiate --help`).
    #[arg(long, required = true, value_name = "A,B,...")]
    pub strategies: String,
    /// Repetitions of each pairing.
    #[arg(long, default_value_t = 1, value_name = "R")]
    pub repetitions: u32,
    /// Deadline in rounds: every party acts once per round (NegMAS's `n_steps`) [default: 1000].
    #[arg(long, value_name = "N", conflicts_with = "steps")]
    pub rounds: Option<u64>,
    /// Deprecated spelling of `--rounds`.
    #[arg(long, hide = true, value_name = "N")]
    pub steps: Option<u64>,
    #[command(flatten)]
    pub reading: super::frontier::ReadingArgs,
    /// Master seed; each negotiation's seed is derived from it.
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub seed: u64,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Do not pair a strategy with itself.
    #[arg(long)]
    pub no_self_play: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: TournamentFormat,
    #[command(flatten)]
    pub store: super::runs::StoreArgs,
}

/// The report's charts of a tournament: each strategy's agreement rate (with
/// its 95 % Wilson interval) and mean utility.
fn charts(report: &TournamentReport) -> Vec<demarche_report::data::IntervalChart> {
    use demarche_report::data::{IntervalChart, IntervalRow};
    let rows = |group: &str, value: &dyn Fn(&demarche_negotiation::tournament::StrategySummary) -> [f64; 3]| {
        report
            .summary
            .iter()
            .map(|s| {
                let [mean, low, high] = value(s);
                IntervalRow { group: group.to_string(), series: s.strategy.clone(), mean, low, high, point: None }
            })
            .collect()
    };
    vec![
        IntervalChart {
            title: "Agreement rate by strategy".into(),
            axis: format!("share of its negotiations ending in agreement ({} in all)", report.negotiations),
            interval: "the 95% (Wilson) interval".into(),
            range: Some([0.0, 1.0]),
            ends: Some(["never agrees".into(), "always agrees".into()]),
            reference: None,
            series_kind: Some("strategy".into()),
            rows: rows("agreement", &|s| {
                let agreed = (s.agreement_rate * s.negotiations as f64).round() as u64;
                let [low, high] = demarche_sim::report::wilson(agreed, s.negotiations);
                [s.agreement_rate, low, high]
            }),
        },
        IntervalChart {
            title: "Mean utility by strategy".into(),
            axis: "its own utility (its reservation value without agreement)".into(),
            interval: "the mean over its negotiations (no interval)".into(),
            range: Some([0.0, 1.0]),
            ends: Some(["worst outcome for it".into(), "best outcome for it".into()]),
            reference: None,
            series_kind: Some("strategy".into()),
            rows: rows("utility", &|s| [s.mean_utility, s.mean_utility, s.mean_utility]),
        },
    ]
}

fn opt(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.4}")).unwrap_or_else(|| "-".into())
}

fn table(report: &TournamentReport) -> String {
    let mut out = String::new();
    for d in &report.domains {
        out.push_str(&format!(
            "domain {}: {} outcomes, {} Pareto points, Nash {}\n",
            d.name,
            d.outcomes,
            d.frontier_points,
            d.nash.map(|n| format!("({:.4}, {:.4})", n[0], n[1])).unwrap_or_else(|| "none".into())
        ));
    }
    out.push_str(&format!(
        "{} negotiations, {} agreements ({:.1}%), {} actions\n\n",
        report.negotiations,
        report.agreements,
        100.0 * report.agreements as f64 / report.negotiations.max(1) as f64,
        report.total_steps
    ));
    let width = report.summary.iter().map(|s| s.strategy.len()).max().unwrap_or(8).max(8);
    out.push_str(&format!(
        "{:<width$}  {:>6}  {:>9}  {:>8}  {:>10}  {:>8}  {:>11}  {:>9}\n",
        "strategy", "negs", "agreement", "utility", "discounted", "rounds", "pareto dist", "nash dist"
    ));
    for s in &report.summary {
        out.push_str(&format!(
            "{:<width$}  {:>6}  {:>8.1}%  {:>8.4}  {:>10.4}  {:>8.1}  {:>11}  {:>9}\n",
            s.strategy,
            s.negotiations,
            100.0 * s.agreement_rate,
            s.mean_utility,
            s.mean_discounted,
            s.mean_rounds,
            opt(s.mean_pareto_distance),
            opt(s.mean_nash_distance)
        ));
    }
    out
}

pub fn run(args: &TournamentArgs) -> CmdResult {
    let rounds = super::negotiate::rounds(args.rounds, args.steps);
    let started = std::time::SystemTime::now();
    let recording = args.store.path().is_some();
    let mut inputs = Vec::new();
    let strategies = StrategySpec::parse_list(&args.strategies).map_err(|e| e.to_string())?;
    if args.threads == Some(0) {
        return Err("--threads must be at least 1".into());
    }
    let mut domains = Vec::with_capacity(args.domains.len().min(1024));
    for path in &args.domains {
        let loaded = load_domain_with_options(path, &[], args.reading.options()).map_err(|e| e.to_string())?;
        for note in &loaded.notes {
            eprintln!("note: {note}");
        }
        if loaded.profiles.len() > 2 {
            eprintln!(
                "note: {}: {} profiles; the first two ({}, {}) negotiate",
                path.display(),
                loaded.profiles.len(),
                loaded.profiles[0].name,
                loaded.profiles[1].name
            );
        }
        if recording {
            inputs.push(demarche_app::domain_run::domain_json(&loaded.space, &loaded.profiles));
        }
        domains.push(
            TournamentDomain::new(loaded.space, loaded.profiles, &TableOptions::default())
                .map_err(|e| format!("{}: {e}", path.display()))?,
        );
    }
    let config = TournamentConfig {
        strategies,
        repetitions: args.repetitions,
        sao: SaoConfig::rounds(rounds),
        seed: args.seed,
        threads: args.threads,
        self_play: !args.no_self_play,
    };
    // Progress on a terminal only (never in pipes or JSON).
    let progress = super::simulate::Bar::on_terminal(
        args.format == TournamentFormat::Table,
        "{spinner} tournament: {pos}/{len} negotiations {wide_bar} {left}",
    );
    let tell = |done: u64, total: u64| demarche_sim::RunControl::progress(&progress, done, total);
    let report = run_tournament_with(&domains, &config, &tell).map_err(|e| e.to_string())?;
    progress.clear();
    match args.format {
        TournamentFormat::Table => out!("{}", table(&report)),
        TournamentFormat::Json => {
            let text = serde_json::to_string_pretty(&report).map_err(|e| format!("tournament: {e}"))?;
            outln!("{text}");
        }
    }
    if recording {
        let names: Vec<&str> = report.domains.iter().map(|d| d.name.as_str()).collect();
        let input = demarche_store::RunInput::Other {
            title: format!("tournament on {}", names.join(", ")),
            json: serde_json::json!({ "domains": inputs }),
        };
        let params = demarche_app::params::TournamentParams {
            paths: args.domains.iter().map(|p| p.display().to_string()).collect(),
            strategies: config.strategies.iter().map(|s| s.to_string()).collect(),
            repetitions: args.repetitions,
            steps: rounds,
            seed: args.seed,
            self_play: !args.no_self_play,
        };
        let documents = demarche_app::RunDocuments {
            tournament: demarche_app::Kept::of(&report).ok(),
            intervals: Some(charts(&report)),
            ..Default::default()
        };
        let engines = config.strategies.iter().map(|s| s.to_string()).collect();
        let run = demarche_app::record::finished(input, engines, &params, Some(args.seed), started, documents);
        super::runs::record(&args.store, &run);
    }
    Ok(ExitCode::SUCCESS)
}

//! `demarche`: model, forecast and simulate multi-party political negotiations.
//!
//! A thin front end: parsing arguments and printing results. All modelling
//! lives in the library crates.

#![forbid(unsafe_code)]

/// `print!` that hands back a failed write (a closed pipe, a full disk) as the
/// command's error instead of panicking; `main` ends quietly on a broken pipe.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        write!($crate::output::result(), $($t)*)?
    }};
}

/// `println!` likewise (see [`out!`]).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!($crate::output::result(), $($t)*)?
    }};
}

mod cmd;
mod input;
mod output;
mod render;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "demarche",
    version,
    about = "Model, forecast and simulate multi-party political negotiations",
    long_about = "demarche reads a negotiation written down as data (actors, issues, stances, relations) \
                  and forecasts where each issue lands, who moves and who heads for confrontation.\n\n\
                  Start with `demarche demo`, then `demarche check FILE` and `demarche forecast FILE`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only the results: no notes on standard error (where a run was recorded, progress).
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also say on standard error what was read, what each step did and how long it took.
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Write the result to FILE instead of standard output; FILE is replaced only once the
    /// command succeeds (`report`: the HTML, report.html when not given).
    #[arg(long, short, global = true, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Load and check scenario files; report every problem at once.
    Check(cmd::check::CheckArgs),
    /// Forecast each issue's outcome with one or more models.
    Forecast(cmd::forecast::ForecastArgs),
    /// Print the JSON Schema of the native scenario format.
    Schema,
    /// Convert a scenario (TOML, JSON, BDM CSV, KTAB CSV/XML, a decide input file) to TOML or JSON.
    Convert(cmd::convert::ConvertArgs),
    /// The built-in seed scenario (Iran–US nuclear talks): every model, the channel comparison, and an HTML report.
    Demo(cmd::demo::DemoArgs),
    /// List, show, compare and export recorded runs.
    Runs(cmd::runs::RunsArgs),
    /// Write a self-contained HTML report of a run or a scenario.
    Report(cmd::report::ReportArgs),
    /// Pareto frontier, Nash, Kalai–Smorodinsky, egalitarian and max-welfare points of a negotiation domain.
    Frontier(cmd::frontier::FrontierArgs),
    /// Run one negotiation (alternating offers or mediated single text) between strategies.
    Negotiate(cmd::negotiate::NegotiateArgs),
    /// Every pairing of strategies over domains, repeated, in parallel.
    Tournament(cmd::tournament::TournamentArgs),
    /// Start the local web workbench (127.0.0.1 unless --public).
    Serve(cmd::serve::ServeArgs),
    /// Simulate direct versus mediated talks between the principals (Monte Carlo).
    Simulate(cmd::simulate::SimulateArgs),
    /// Fold the parts of one simulation (`simulate --run-range A..B --partial-out FILE`) into its report.
    Merge(cmd::simulate::MergeArgs),
    /// Which uncertain inputs drive the simulated agreement and terms (Sobol, one at a time).
    Sensitivity(cmd::sensitivity::SensitivityArgs),
    /// Score every model against recorded outcomes: backtest cases (scenario + outcome.toml).
    Backtest(cmd::backtest::BacktestArgs),
    /// Event data: import GDELT/ICEWS/POLECAT/PLOVER files, code text, weekly dyad series, scenario suggestions.
    Events(cmd::events::EventsArgs),
    /// Every forecasting model: what it computes, its options with defaults and ranges, its source.
    Models(cmd::models::ModelsArgs),
    /// Write a commented scenario template that passes `check`, to fill in.
    Init(cmd::init::InitArgs),
    /// Shell completions (bash, zsh, fish, elvish, powershell) on standard output.
    Completions(cmd::completions::CompletionsArgs),
    /// The manual page (roff) on standard output: `demarche man | man -l -`.
    Man(cmd::completions::ManArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cmd::runs::QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    cmd::runs::VERBOSE.store(cli.verbose, std::sync::atomic::Ordering::Relaxed);
    output::set_target(cli.output.clone());
    let started = std::time::Instant::now();
    let result = match &cli.command {
        Command::Check(a) => cmd::check::run(a),
        Command::Forecast(a) => cmd::forecast::run(a),
        Command::Schema => cmd::schema::run(),
        Command::Convert(a) => cmd::convert::run(a),
        Command::Demo(a) => cmd::demo::run(a),
        Command::Runs(a) => cmd::runs::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Frontier(a) => cmd::frontier::run(a),
        Command::Negotiate(a) => cmd::negotiate::run(a),
        Command::Tournament(a) => cmd::tournament::run(a),
        Command::Simulate(a) => cmd::simulate::run(a),
        Command::Merge(a) => cmd::simulate::merge(a),
        Command::Sensitivity(a) => cmd::sensitivity::run(a),
        Command::Backtest(a) => cmd::backtest::run(a),
        Command::Events(a) => cmd::events::run(a),
        Command::Models(a) => cmd::models::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Completions(a) => cmd::completions::run(a, Cli::command()),
        Command::Man(a) => cmd::completions::man(a, Cli::command()),
    };
    let result = match output::finish(result.is_ok()) {
        Err(e) if result.is_ok() => Err(e.into()),
        _ => result,
    };
    if cmd::runs::verbose() {
        eprintln!("done in {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    }
    match result {
        Ok(code) => code,
        // Output piped into `head` and the like: stop quietly, as other tools do.
        Err(e) if broken_pipe(e.as_ref()) => ExitCode::SUCCESS,
        Err(e) => {
            let text = e.to_string();
            eprint!("{text}");
            if !text.ends_with('\n') {
                eprintln!();
            }
            ExitCode::FAILURE
        }
    }
}

/// Whether `e`, or an error it wraps, is a write to a closed pipe.
fn broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(err) = next {
        if err.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) {
            return true;
        }
        if err.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind)
            == Some(std::io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        if let Some(csv::ErrorKind::Io(io)) = err.downcast_ref::<csv::Error>().map(csv::Error::kind) {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return true;
            }
        }
        next = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every argument of every subcommand says what it is in `--help`.
    #[test]
    fn every_argument_has_a_description() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" || arg.is_hide_set() {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() && sub.get_long_about().is_none() {
                    missing.push(format!("{path} {} (the subcommand)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "demarche", &mut missing);
        assert!(missing.is_empty(), "arguments without a description:\n{}", missing.join("\n"));
    }
}

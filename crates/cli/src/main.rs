//! `demarche`: model, forecast and simulate multi-party political negotiations.
//!
//! A thin front end: parsing arguments and printing results. All modelling
//! lives in the library crates.

mod cmd;
mod input;
mod output;
mod render;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

#[derive(Subcommand)]
enum Command {
    /// Load and check scenario files; report every problem at once.
    Check(cmd::check::CheckArgs),
    /// Forecast each issue's outcome with one or more models.
    Forecast(cmd::forecast::ForecastArgs),
    /// Print the JSON Schema of the native scenario format.
    Schema,
    /// Convert a scenario (TOML, JSON, BDM CSV, KTAB CSV/XML) to TOML or JSON.
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
    /// Which uncertain inputs drive the simulated agreement and terms (Sobol, one at a time).
    Sensitivity(cmd::sensitivity::SensitivityArgs),
}

fn main() -> ExitCode {
    // Behave like other command-line tools when output is piped into `head`:
    // die quietly on a closed pipe instead of panicking inside `print!`.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(a) => cmd::check::run(a),
        Command::Forecast(a) => cmd::forecast::run(a),
        Command::Schema => cmd::schema::run(),
        Command::Convert(a) => cmd::convert::run(a),
        Command::Demo(a) => cmd::demo::run(a),
        Command::Runs(a) => cmd::runs::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Frontier(a) => cmd::frontier::run(a).map_err(Into::into),
        Command::Negotiate(a) => cmd::negotiate::run(a).map_err(Into::into),
        Command::Tournament(a) => cmd::tournament::run(a).map_err(Into::into),
        Command::Simulate(a) => cmd::simulate::run(a),
        Command::Sensitivity(a) => cmd::sensitivity::run(a),
    };
    match result {
        Ok(code) => code,
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

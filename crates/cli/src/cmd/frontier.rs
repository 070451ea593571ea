//! `demarche frontier DOMAIN [PROFILE...]`: the Pareto frontier of a negotiation domain and
//! its Nash, Kalai–Smorodinsky, egalitarian and maximum-welfare points.
//!
//! DOMAIN is a Genius XML domain, a GeniusWeb JSON domain, or a folder holding one domain
//! and its profiles (e.g. ANL 2023's `domainNN.json`, `profileA.json`, `profileB.json`).
//! Without PROFILE arguments the profiles beside the domain are used.

use super::CmdResult;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use demarche_negotiation::solutions::Disagreement;
use demarche_negotiation::FrontierOptions;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FrontierFormat {
    /// One line per frontier point, then the named solutions.
    Table,
    /// A JSON object (`frontier`, `nash`, `kalai_smorodinsky`, `egalitarian`, `max_welfare`, ...).
    Json,
}

/// The disagreement point solutions measure gains from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DisagreementArg {
    /// Reservation value, but never below the party's worst agreement (NegMAS/ANL convention).
    ReservationOrWorst,
    /// Reservation value (textbook Nash).
    Reservation,
}

/// How Genius files are read (`frontier`, `negotiate`, `tournament`).
#[derive(Args, Debug, Clone, Copy)]
pub struct ReadingArgs {
    /// Refuse Genius files that depart from the format even where Genius reads them (issue
    /// weights off 1, an objective's own weight, an issue rated 0 everywhere, a value listed
    /// twice, no <objective>, a raw '&'); without it they load as Genius reads them, with a
    /// note saying what was done.
    #[arg(long)]
    pub strict: bool,
}

impl ReadingArgs {
    pub fn options(self) -> demarche_negotiation::LoadOptions {
        demarche_negotiation::LoadOptions { strict: self.strict }
    }
}

#[derive(Args, Debug)]
pub struct FrontierArgs {
    /// Domain file or folder, optionally followed by profile files (in party order).
    #[arg(required = true, value_name = "DOMAIN [PROFILE]...")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: FrontierFormat,
    /// Disagreement point for Nash, Kalai–Smorodinsky and egalitarian.
    #[arg(long, value_enum, default_value = "reservation-or-worst")]
    pub disagreement: DisagreementArg,
    /// Refuse to enumerate more outcomes than this (non-additive utilities only).
    #[arg(long, value_name = "N", default_value_t = 200_000_000)]
    pub max_enumeration: u64,
    /// Grid points per continuous issue.
    #[arg(long, value_name = "N", default_value_t = 101)]
    pub continuous_samples: u32,
    #[command(flatten)]
    pub reading: ReadingArgs,
}

pub fn run(args: &FrontierArgs) -> CmdResult {
    let Some((domain, profiles)) = args.paths.split_first() else {
        return Err("frontier: give a domain file or folder".into());
    };
    let options = FrontierOptions {
        max_enumeration: args.max_enumeration as u128,
        continuous_samples: args.continuous_samples.max(2),
        ..FrontierOptions::default()
    };
    let convention = match args.disagreement {
        DisagreementArg::ReservationOrWorst => Disagreement::ReservationOrWorst,
        DisagreementArg::Reservation => Disagreement::Reservation,
    };
    let (report, notes) =
        demarche_app::frontier::frontier(domain, profiles, &options, convention, args.reading.options())?;
    for note in &notes {
        eprintln!("note: {note}");
    }
    match args.format {
        FrontierFormat::Json => {
            let text = serde_json::to_string_pretty(&report).map_err(|e| format!("frontier: {e}"))?;
            outln!("{text}");
        }
        FrontierFormat::Table => out!("{}", report.to_table()),
    }
    Ok(ExitCode::SUCCESS)
}

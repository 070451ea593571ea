//! `demarche negotiate DOMAIN [PROFILE]... --strategies A,B[,...]`: run one negotiation.
//!
//! DOMAIN is a Genius XML domain, a GeniusWeb JSON domain, or a folder with a domain and
//! its profiles (ANL 2023: `domainNN.json`, `profileA.json`, `profileB.json`). One strategy
//! per party, in profile order (a single strategy is used by every party). Protocols:
//! stacked alternating offers (`sao`, two or more parties) and mediated single text
//! (`mediated`, with `--mediator veto|hillclimb`). `--trace FILE` writes the complete,
//! replayable JSON trace; the same seed always writes the same bytes.

use super::CmdResult;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use demarche_negotiation::protocol::NegotiationResult;
use demarche_negotiation::strategy::StrategySpec;
use demarche_negotiation::{OutcomeSpace, Profile};

/// Negotiation protocols.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// Stacked alternating offers: each party in turn accepts or counter-offers.
    Sao,
    /// Mediated single text: a mediator proposes, parties accept or veto.
    Mediated,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NegotiateFormat {
    /// A short human-readable summary.
    Table,
    /// The result as a JSON object.
    Json,
}

#[derive(Args, Debug)]
pub struct NegotiateArgs {
    /// Domain file or folder, optionally followed by profile files (in party order).
    #[arg(required = true, value_name = "DOMAIN [PROFILE]...")]
    pub paths: Vec<PathBuf>,
    /// Protocol.
    #[arg(long, value_enum, default_value = "sao")]
    pub protocol: ProtocolArg,
    /// Strategies, one per party in profile order, comma-separated: boulware, linear,
    /// conceder, timedep:e=E, aspiration[:beta=B], tft, hardliner[:margin=M],
    /// random[:accept=P], staller[:share=S][:margin=M][:e=E]; NegMAS's time-based negotiators:
    /// negmas:boulware, negmas:linear, negmas:conceder, negmas:aspiration (docs/models.md maps the names).
    #[arg(long, required = true, value_name = "A,B[,...]")]
    pub strategies: String,
    /// Mediator for `--protocol mediated`: veto[:screen=N] or hillclimb.
    #[arg(long, default_value = "veto", value_name = "NAME")]
    pub mediator: String,
    /// Deadline in rounds: under SAO every party acts once per round (NegMAS's `n_steps`);
    /// mediated, the mediator makes one proposal per round [default: 1000].
    #[arg(long, value_name = "N", conflicts_with = "steps")]
    pub rounds: Option<u64>,
    /// Deprecated spelling of `--rounds`.
    #[arg(long, hide = true, value_name = "N")]
    pub steps: Option<u64>,
    /// Use a simulated-time deadline of this many seconds instead of `--rounds`.
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// With `--time-limit`: simulated seconds each party's action takes (SAO), one value
    /// for all or one per party, comma-separated; a mediator proposal takes 1 s.
    #[arg(long, value_name = "S[,S...]", default_value = "1")]
    pub action_seconds: String,
    /// Keep the deadline private (strategies do not see the relative time).
    #[arg(long)]
    pub private_deadline: bool,
    /// Seed for random strategies and mediators.
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub seed: u64,
    #[command(flatten)]
    pub reading: super::frontier::ReadingArgs,
    /// Write the full trace (every offer and response) as JSON to this file.
    #[arg(long, value_name = "PATH")]
    pub trace: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: NegotiateFormat,
    #[command(flatten)]
    pub store: super::runs::StoreArgs,
}

/// One strategy per party: a single name is used by every party.
fn summary_table(
    space: &OutcomeSpace,
    profiles: &[Profile],
    specs: &[StrategySpec],
    result: &NegotiationResult,
) -> String {
    let mut out = String::new();
    out.push_str(&format!("domain: {}\n", space.name));
    let width = profiles.iter().map(|p| p.name.len()).max().unwrap_or(5).max(5);
    out.push_str(&format!(
        "{:<width$}  {:<24}  {:>11}  {:>9}  {:>10}\n",
        "party", "strategy", "reservation", "utility", "discounted"
    ));
    for ((p, s), (u, d)) in profiles.iter().zip(specs).zip(result.utilities.iter().zip(&result.discounted)) {
        out.push_str(&format!(
            "{:<width$}  {:<24}  {:>11.4}  {:>9.4}  {:>10.4}\n",
            p.name,
            s.to_string(),
            p.reservation,
            u,
            d
        ));
    }
    match &result.agreement {
        Some(o) => {
            let labels: Vec<String> = space.labels(o).into_iter().map(|(i, v)| format!("{i}={v}")).collect();
            out.push_str(&format!("agreement: {}\n", labels.join(", ")));
        }
        None => out.push_str("agreement: none\n"),
    }
    let end =
        serde_json::to_value(result.end).ok().and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(String::from));
    out.push_str(&format!(
        "ended: {} after {} rounds ({} actions, relative time {:.3})\n",
        end.unwrap_or_else(|| format!("{:?}", result.end)),
        result.rounds,
        result.steps,
        result.relative_time
    ));
    out
}

/// The deadline in rounds: `--rounds`, or the old `--steps` with a note that
/// it is deprecated (it keeps working).
pub fn rounds(rounds: Option<u64>, steps: Option<u64>) -> u64 {
    if steps.is_some() && rounds.is_none() && super::runs::chatty() {
        eprintln!("note: --steps is deprecated; use --rounds (the same number: rounds, not single actions)");
    }
    rounds.or(steps).unwrap_or(1000)
}

pub fn run(args: &NegotiateArgs) -> CmdResult {
    let started = std::time::SystemTime::now();
    let Some((domain, profile_files)) = args.paths.split_first() else {
        return Err("negotiate: give a domain file or folder".into());
    };
    let protocol = match args.protocol {
        ProtocolArg::Sao => "sao",
        ProtocolArg::Mediated => "mediated",
    };
    let options = demarche_app::negotiation::NegotiateOptions {
        protocol: protocol.into(),
        strategies: args.strategies.clone(),
        mediator: args.mediator.clone(),
        steps: rounds(args.rounds, args.steps),
        time_limit: args.time_limit,
        action_seconds: args.action_seconds.clone(),
        private_deadline: args.private_deadline,
        seed: args.seed,
        trace: args.trace.is_some(),
        strict: args.reading.strict,
    };
    let run = demarche_app::negotiation::negotiate(domain, profile_files, &options)?;
    for note in &run.notes {
        eprintln!("note: {note}");
    }
    if let (Some(path), Some(text)) = (&args.trace, &run.trace) {
        crate::output::write(path, text)?;
    }
    match args.format {
        NegotiateFormat::Table => out!("{}", summary_table(&run.space, &run.profiles, &run.specs, run.result())),
        NegotiateFormat::Json => outln!("{}", run.json()),
    }
    if args.store.path().is_some() {
        record(args, &run, protocol, started);
    }
    Ok(ExitCode::SUCCESS)
}

/// Keep the negotiation in the run store: the domain and profiles, every
/// setting, and what its report draws (`Negotiated::documents`).
fn record(
    args: &NegotiateArgs,
    negotiated: &demarche_app::negotiation::Negotiated,
    protocol: &str,
    started: std::time::SystemTime,
) {
    let specs = &negotiated.specs;
    let params = demarche_app::params::NegotiateParams {
        paths: args.paths.iter().map(|p| p.display().to_string()).collect(),
        protocol: protocol.to_string(),
        strategies: specs.iter().map(|s| s.to_string()).collect(),
        mediator: (protocol == "mediated").then(|| args.mediator.clone()),
        steps: rounds(args.rounds, args.steps),
        time_limit: args.time_limit,
        action_seconds: args.action_seconds.clone(),
        private_deadline: args.private_deadline,
        seed: args.seed,
    };
    let (documents, notes) = negotiated.documents();
    for note in notes {
        eprintln!("note: {note}");
    }
    let engines = specs.iter().map(|s| format!("{protocol}:{s}")).collect();
    let run = demarche_app::record::finished(
        demarche_app::domain_run::domain_input(&negotiated.space, &negotiated.profiles),
        engines,
        &params,
        Some(args.seed),
        started,
        documents,
    );
    super::runs::record(&args.store, &run);
}

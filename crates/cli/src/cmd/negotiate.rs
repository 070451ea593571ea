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
use demarche_app::run_documents::{NegotiationParty, NegotiationRecord};
use demarche_negotiation::protocol::mediated::{run_mediated_specs, MediatedConfig, MediatorSpec};
use demarche_negotiation::protocol::sao::{run_sao_specs, SaoConfig};
use demarche_negotiation::protocol::{Deadline, NegotiationResult, OutcomeTable, TableOptions};
use demarche_negotiation::strategy::StrategySpec;
use demarche_negotiation::{load_domain_with_profiles, OutcomeSpace, Profile};

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
    /// random[:accept=P], staller[:share=S][:margin=M][:e=E].
    #[arg(long, required = true, value_name = "A,B[,...]")]
    pub strategies: String,
    /// Mediator for `--protocol mediated`: veto[:screen=N] or hillclimb.
    #[arg(long, default_value = "veto", value_name = "NAME")]
    pub mediator: String,
    /// Deadline: rounds for SAO (every party acts once per round, NegMAS's `n_steps`),
    /// proposals for mediated.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub steps: u64,
    /// Use a simulated-time deadline of this many seconds instead of `--steps`.
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
fn strategies_for(list: &str, parties: usize) -> Result<Vec<StrategySpec>, String> {
    let specs = StrategySpec::parse_list(list).map_err(|e| e.to_string())?;
    match specs.len() {
        1 => Ok(vec![specs[0].clone(); parties]),
        n if n == parties => Ok(specs),
        n => Err(format!("{n} strategies for {parties} parties: give one per party (in profile order) or just one")),
    }
}

/// The trace as pretty JSON, in the trace types' field order.
fn trace_text<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string_pretty(value).map(|t| t + "\n").map_err(|e| format!("trace: {e}"))
}

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
        "ended: {} after {} steps ({} rounds, relative time {:.3})\n",
        end.unwrap_or_else(|| format!("{:?}", result.end)),
        result.steps,
        result.rounds,
        result.relative_time
    ));
    out
}

/// Per-party action durations: one value for everyone or one per party.
fn action_seconds(text: &str, parties: usize) -> Result<Vec<f64>, String> {
    let values: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>().map_err(|_| format!("--action-seconds: '{v}' is not a number")))
        .collect::<Result<_, _>>()?;
    match values.len() {
        1 => Ok(vec![values[0]; parties]),
        n if n == parties => Ok(values),
        n => Err(format!("--action-seconds: {n} values for {parties} parties")),
    }
}

pub fn run(args: &NegotiateArgs) -> CmdResult {
    let started = std::time::SystemTime::now();
    let Some((domain, profile_files)) = args.paths.split_first() else {
        return Err("negotiate: give a domain file or folder".into());
    };
    let loaded = load_domain_with_profiles(domain, profile_files).map_err(|e| e.to_string())?;
    for note in &loaded.notes {
        eprintln!("note: {note}");
    }
    let n = loaded.profiles.len();
    if n < 2 {
        return Err(format!("{}: a negotiation needs at least two profiles, found {n}", domain.display()).into());
    }
    let specs = strategies_for(&args.strategies, n)?;
    let (result, trace_text_out) = match args.protocol {
        ProtocolArg::Sao => {
            let table = OutcomeTable::new(loaded.space.clone(), loaded.profiles.clone(), &TableOptions::default())
                .map_err(|e| e.to_string())?;
            let config = SaoConfig {
                deadline: args.time_limit.map_or(Deadline::rounds(args.steps), |seconds| Deadline::Time { seconds }),
                public_deadline: !args.private_deadline,
                seconds_per_action: match args.time_limit {
                    Some(_) => action_seconds(&args.action_seconds, n)?,
                    None => Vec::new(),
                },
            };
            let run = run_sao_specs(&table, &specs, &config, args.seed).map_err(|e| e.to_string())?;
            let text =
                args.trace.as_ref().map(|_| trace_text(&run.trace(&table, &specs, &config, args.seed))).transpose()?;
            (run.result, text)
        }
        ProtocolArg::Mediated => {
            let mediator = MediatorSpec::parse(&args.mediator).map_err(|e| e.to_string())?;
            let deadline = args.time_limit.map_or(Deadline::steps(args.steps), |seconds| Deadline::Time { seconds });
            let config = MediatedConfig { deadline, public_deadline: !args.private_deadline };
            let trace = run_mediated_specs(&loaded.space, &loaded.profiles, &specs, mediator, None, &config, args.seed)
                .map_err(|e| e.to_string())?;
            let text = args.trace.as_ref().map(|_| trace_text(&trace)).transpose()?;
            (trace.result, text)
        }
    };
    if let (Some(path), Some(text)) = (&args.trace, &trace_text_out) {
        crate::output::write(path, text)?;
    }
    let protocol = match args.protocol {
        ProtocolArg::Sao => "sao",
        ProtocolArg::Mediated => "mediated",
    };
    let doc = NegotiationRecord {
        domain: loaded.space.name.clone(),
        protocol: protocol.to_string(),
        parties: loaded
            .profiles
            .iter()
            .zip(&specs)
            .map(|(p, s)| NegotiationParty {
                profile: p.name.clone(),
                strategy: s.to_string(),
                reservation: p.reservation,
            })
            .collect(),
        seed: args.seed,
        agreement_labels: result.agreement.as_ref().map(|o| loaded.space.labels(o)),
        result: result.clone(),
    };
    match args.format {
        NegotiateFormat::Table => out!("{}", summary_table(&loaded.space, &loaded.profiles, &specs, &result)),
        NegotiateFormat::Json => {
            // Through a JSON value, whose keys are sorted: the output of old.
            let text = serde_json::to_value(&doc)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .map_err(|e| format!("negotiate: {e}"))?;
            outln!("{text}");
        }
    }
    if args.store.path().is_some() {
        record(args, &loaded.space, &loaded.profiles, &specs, protocol, &result, doc, started);
    }
    Ok(ExitCode::SUCCESS)
}

/// Keep the negotiation in the run store: the domain and profiles, every
/// setting, the result, and (two parties) the bargaining picture.
#[allow(clippy::too_many_arguments)]
fn record(
    args: &NegotiateArgs,
    space: &OutcomeSpace,
    profiles: &[Profile],
    specs: &[StrategySpec],
    protocol: &str,
    result: &NegotiationResult,
    doc: NegotiationRecord,
    started: std::time::SystemTime,
) {
    use super::domain_run;
    let params = demarche_app::params::NegotiateParams {
        paths: args.paths.iter().map(|p| p.display().to_string()).collect(),
        protocol: protocol.to_string(),
        strategies: specs.iter().map(|s| s.to_string()).collect(),
        mediator: (protocol == "mediated").then(|| args.mediator.clone()),
        steps: args.steps,
        time_limit: args.time_limit,
        action_seconds: args.action_seconds.clone(),
        private_deadline: args.private_deadline,
        seed: args.seed,
    };
    let agreement =
        result.agreement.as_ref().and_then(|_| Some([*result.utilities.first()?, *result.utilities.get(1)?]));
    let label = agreement.map(|_| format!("{protocol}, agreed after {} steps", result.steps));
    let documents = demarche_app::RunDocuments {
        negotiation: demarche_app::Kept::of(&doc).ok(),
        pareto: domain_run::pareto(space, profiles, agreement, label).map(|p| vec![p]),
        ..Default::default()
    };
    let engines = specs.iter().map(|s| format!("{protocol}:{s}")).collect();
    let run = demarche_app::record::finished(
        domain_run::domain_input(space, profiles),
        engines,
        &params,
        Some(args.seed),
        started,
        documents,
    );
    super::runs::record(&args.store, &run);
}

//! One negotiation between strategies on a domain (`demarche negotiate`,
//! `demarche.negotiate` in Python): the protocol run and its record.

use std::path::{Path, PathBuf};

use demarche_negotiation::protocol::mediated::{run_mediated_specs, MediatedConfig, MediatorSpec};
use demarche_negotiation::protocol::sao::{run_sao_specs, SaoConfig};
use demarche_negotiation::protocol::{Deadline, NegotiationResult, OutcomeTable, TableOptions};
use demarche_negotiation::strategy::StrategySpec;
use demarche_negotiation::{load_domain_with_profiles, OutcomeSpace, Profile};

use crate::run_documents::{NegotiationParty, NegotiationRecord};

/// How to negotiate.
#[derive(Clone, Debug)]
pub struct NegotiateOptions {
    /// `sao` (stacked alternating offers) or `mediated` (single text).
    pub protocol: String,
    /// One strategy per party in profile order, or one for all (`boulware,conceder`).
    pub strategies: String,
    /// The mediator of the `mediated` protocol (`veto`, `hillclimb`).
    pub mediator: String,
    /// Rounds (`sao`) or steps (`mediated`) before the deadline.
    pub steps: u64,
    /// A deadline in seconds instead, with `action_seconds` per party's action.
    pub time_limit: Option<f64>,
    pub action_seconds: String,
    pub private_deadline: bool,
    pub seed: u64,
    /// Keep the replayable trace (JSON text).
    pub trace: bool,
}

impl Default for NegotiateOptions {
    fn default() -> Self {
        NegotiateOptions {
            protocol: "sao".into(),
            strategies: "boulware".into(),
            mediator: "veto".into(),
            steps: 1000,
            time_limit: None,
            action_seconds: "1".into(),
            private_deadline: false,
            seed: 0,
            trace: false,
        }
    }
}

/// A negotiation run: its record (what `--format json` prints), the domain,
/// profiles and strategies it ran with, the trace when asked, and the
/// loader's notes.
pub struct Negotiated {
    pub record: NegotiationRecord,
    pub space: OutcomeSpace,
    pub profiles: Vec<Profile>,
    pub specs: Vec<StrategySpec>,
    pub trace: Option<String>,
    pub notes: Vec<String>,
}

impl Negotiated {
    pub fn result(&self) -> &NegotiationResult {
        &self.record.result
    }

    /// `negotiate --format json` (keys sorted, as it always printed), without the final newline.
    pub fn json(&self) -> String {
        serde_json::to_value(&self.record).and_then(|v| serde_json::to_string_pretty(&v)).unwrap_or_default()
    }
}

fn strategies_for(list: &str, parties: usize) -> Result<Vec<StrategySpec>, String> {
    let specs = StrategySpec::parse_list(list).map_err(|e| e.to_string())?;
    match specs.len() {
        1 => Ok(vec![specs[0].clone(); parties]),
        n if n == parties => Ok(specs),
        n => Err(format!("{n} strategies for {parties} parties: give one per party (in profile order) or just one")),
    }
}

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

fn trace_text<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string_pretty(value).map(|t| t + "\n").map_err(|e| format!("trace: {e}"))
}

/// Negotiates on `domain` with `profiles` (a folder holds both).
pub fn negotiate(domain: &Path, profiles: &[PathBuf], o: &NegotiateOptions) -> Result<Negotiated, String> {
    let loaded = load_domain_with_profiles(domain, profiles).map_err(|e| e.to_string())?;
    let n = loaded.profiles.len();
    if n < 2 {
        return Err(format!("{}: a negotiation needs at least two profiles, found {n}", domain.display()));
    }
    let specs = strategies_for(&o.strategies, n)?;
    let (result, trace) = match o.protocol.as_str() {
        "sao" => {
            let table = OutcomeTable::new(loaded.space.clone(), loaded.profiles.clone(), &TableOptions::default())
                .map_err(|e| e.to_string())?;
            let config = SaoConfig {
                deadline: o.time_limit.map_or(Deadline::rounds(o.steps), |seconds| Deadline::Time { seconds }),
                public_deadline: !o.private_deadline,
                seconds_per_action: match o.time_limit {
                    Some(_) => action_seconds(&o.action_seconds, n)?,
                    None => Vec::new(),
                },
            };
            let run = run_sao_specs(&table, &specs, &config, o.seed).map_err(|e| e.to_string())?;
            let text = o.trace.then(|| trace_text(&run.trace(&table, &specs, &config, o.seed))).transpose()?;
            (run.result, text)
        }
        "mediated" => {
            let mediator = MediatorSpec::parse(&o.mediator).map_err(|e| e.to_string())?;
            let deadline = o.time_limit.map_or(Deadline::steps(o.steps), |seconds| Deadline::Time { seconds });
            let config = MediatedConfig { deadline, public_deadline: !o.private_deadline };
            let trace = run_mediated_specs(&loaded.space, &loaded.profiles, &specs, mediator, None, &config, o.seed)
                .map_err(|e| e.to_string())?;
            let text = o.trace.then(|| trace_text(&trace)).transpose()?;
            (trace.result, text)
        }
        other => return Err(format!("unknown protocol `{other}`; one of sao, mediated")),
    };
    let record = NegotiationRecord {
        domain: loaded.space.name.clone(),
        protocol: o.protocol.clone(),
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
        seed: o.seed,
        agreement_labels: result.agreement.as_ref().map(|a| loaded.space.labels(a)),
        result,
    };
    Ok(Negotiated { record, space: loaded.space, profiles: loaded.profiles, specs, trace, notes: loaded.notes.clone() })
}

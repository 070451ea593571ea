//! One negotiation between strategies on a domain (`demarche negotiate`,
//! `demarche.negotiate` in Python): the protocol run and its record.

use std::path::{Path, PathBuf};

use demarche_negotiation::protocol::mediated::{run_mediated_specs, MediatedConfig, MediatorSpec};
use demarche_negotiation::protocol::sao::{run_sao_specs, SaoConfig};
use demarche_negotiation::protocol::{Deadline, NegotiationResult, OutcomeTable, TableOptions};
use demarche_negotiation::strategy::StrategySpec;
use demarche_negotiation::{load_domain_with_options, LoadOptions, OutcomeSpace, Profile};

use demarche_negotiation::protocol::EndReason;
use demarche_report::data::{NegotiationSide, NegotiationSummary, OfferPoint};

use crate::run_documents::{NegotiationParty, NegotiationRecord};

/// Most offers a negotiation's report keeps (thinned evenly, the first and
/// last kept), so a long negotiation's record stays small.
pub const MAX_OFFER_POINTS: usize = 2000;

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
    /// Refuse Genius files that depart from the format even where Genius reads them.
    pub strict: bool,
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
            strict: false,
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
    /// What its report draws: parties, end, terms, offers over time.
    pub summary: NegotiationSummary,
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
    let loaded =
        load_domain_with_options(domain, profiles, LoadOptions { strict: o.strict }).map_err(|e| e.to_string())?;
    let n = loaded.profiles.len();
    if n < 2 {
        return Err(format!("{}: a negotiation needs at least two profiles, found {n}", domain.display()));
    }
    let specs = strategies_for(&o.strategies, n)?;
    let (result, trace, offers) = match o.protocol.as_str() {
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
            use demarche_negotiation::protocol::sao::Action;
            let offers: Vec<OfferPoint> = run
                .events
                .iter()
                .filter_map(|e| match e.action {
                    Action::Offer(id) | Action::Accept(id) => Some(OfferPoint {
                        step: u64::from(e.step),
                        party: Some(usize::from(e.party)),
                        utilities: (0..n).map(|p| table.utility(p, id)).collect(),
                    }),
                    Action::End => None,
                })
                .collect();
            (run.result, text, offers)
        }
        "mediated" => {
            let mediator = MediatorSpec::parse(&o.mediator).map_err(|e| e.to_string())?;
            let deadline = o.time_limit.map_or(Deadline::steps(o.steps), |seconds| Deadline::Time { seconds });
            let config = MediatedConfig { deadline, public_deadline: !o.private_deadline };
            let trace = run_mediated_specs(&loaded.space, &loaded.profiles, &specs, mediator, None, &config, o.seed)
                .map_err(|e| e.to_string())?;
            let text = o.trace.then(|| trace_text(&trace)).transpose()?;
            // The standing text after each step (a proposal counts once every party took it).
            let mut text_now = &trace.initial;
            let offers: Vec<OfferPoint> = trace
                .events
                .iter()
                .map(|e| {
                    if e.adopted {
                        text_now = &e.proposal;
                    }
                    OfferPoint {
                        step: e.step,
                        party: None,
                        utilities: loaded.profiles.iter().map(|p| p.utility(text_now)).collect(),
                    }
                })
                .collect();
            (trace.result, text, offers)
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
    let summary = summary(&record, &loaded.profiles, offers);
    Ok(Negotiated {
        record,
        space: loaded.space,
        profiles: loaded.profiles,
        specs,
        trace,
        notes: loaded.notes.clone(),
        summary,
    })
}

impl Negotiated {
    /// What a negotiation run keeps and its report draws: the record, the
    /// parties' bargaining picture (two parties) with the agreement, and the
    /// summary with the offers; a picture that cannot be made is left out,
    /// its reason returned.
    pub fn documents(&self) -> (crate::RunDocuments, Vec<String>) {
        let r = self.result();
        let agreement = r.agreement.as_ref().and_then(|_| Some([*r.utilities.first()?, *r.utilities.get(1)?]));
        let label = agreement.map(|_| format!("{}, agreed after {} steps", self.record.protocol, r.steps));
        let mut notes = Vec::new();
        let pareto = match crate::domain_run::pareto(&self.space, &self.profiles, agreement, label) {
            Ok(p) => Some(vec![p]),
            Err(e) => {
                notes.push(format!("no Pareto frontier in the report: {e}"));
                None
            }
        };
        let docs = crate::RunDocuments {
            negotiation: crate::Kept::of(&self.record).ok(),
            negotiation_summary: Some(self.summary.clone()),
            pareto,
            ..Default::default()
        };
        (docs, notes)
    }

    /// The negotiation's HTML report, as a stored run of it draws (without the run's id).
    pub fn report_html(&self) -> String {
        let (docs, _) = self.documents();
        let mut scenario = demarche_scenario::Scenario::default();
        scenario.meta.title = format!("Negotiation on {}", self.space.name);
        demarche_report::render_html(&crate::reports::from_documents(scenario, Vec::new(), docs))
    }
}

/// A negotiation as its report draws it.
fn summary(record: &NegotiationRecord, profiles: &[Profile], offers: Vec<OfferPoint>) -> NegotiationSummary {
    let r = &record.result;
    let name = |k: usize| profiles.get(k).map(|p| p.name.clone()).unwrap_or_else(|| format!("party {}", k + 1));
    let end = match r.end {
        EndReason::Agreement => format!("agreement after {} round{}", r.rounds, if r.rounds == 1 { "" } else { "s" }),
        EndReason::Deadline => format!("no agreement: the deadline passed after {} rounds", r.rounds),
        EndReason::Walkaway { party } => format!("no agreement: {} walked away in round {}", name(party), r.rounds),
        EndReason::NothingAcceptable { party } => {
            format!("no agreement: {} had no outcome worth its reservation value", name(party))
        }
        EndReason::MediatorStopped => {
            format!("no agreement: the mediator had nothing left to propose after {} steps", r.steps)
        }
    };
    let total = offers.len() as u64;
    let stride = offers.len().div_ceil(MAX_OFFER_POINTS).max(1);
    let last = offers.len().saturating_sub(1);
    let offers =
        offers.into_iter().enumerate().filter(|(k, _)| k % stride == 0 || *k == last).map(|(_, o)| o).collect();
    NegotiationSummary {
        domain: record.domain.clone(),
        protocol: record.protocol.clone(),
        parties: record
            .parties
            .iter()
            .zip(&r.utilities)
            .map(|(p, &u)| NegotiationSide {
                profile: p.profile.clone(),
                strategy: p.strategy.clone(),
                reservation: p.reservation,
                utility: u,
            })
            .collect(),
        end,
        rounds: r.rounds,
        steps: r.steps,
        agreement: record.agreement_labels.clone(),
        offers,
        offers_total: total,
    }
}

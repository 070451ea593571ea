//! Stacked alternating offers (SAO) for two or more parties.
//!
//! Parties act in seat order `0, 1, …, n−1, 0, …`; each action is one *step*, and `n`
//! steps make a *round*. Seat 0 opens with an offer. On its turn a party either accepts the
//! standing offer, or rejects it and puts its own offer on the table (which resets the
//! acceptances), or walks away. The standing offer is agreed as soon as every party other
//! than its proposer has accepted it in succession — for two parties this is Rubinstein's
//! (1982) alternating offers; for more it is Aydoğan et al.'s (2017) stacked alternating
//! offers protocol. The negotiation ends without agreement at the deadline.
//!
//! The protocol enforces red lines itself (see [`crate::protocol`]): acceptances below the
//! acceptor's reservation value are overruled; offers below the offerer's reservation value
//! are replaced by its best outcome; a party with no acceptable outcome ends the negotiation.

use serde::{Deserialize, Serialize};

use super::table::{OutcomeId, OutcomeTable};
use super::{Clock, Deadline, EndReason, NegotiationResult, Note};
use crate::domain::Outcome;
use crate::error::NegotiationError;
use crate::strategy::{Proposal, Response, Strategy, StrategySpec, View};

/// One action, as the protocol records it (16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The step (0-based action index).
    pub step: u32,
    /// The acting party's seat.
    pub party: u16,
    /// Any correction the protocol made.
    pub note: Note,
    /// What it did.
    pub action: Action,
}

/// What a party did on its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Put this outcome on the table.
    Offer(OutcomeId),
    /// Accepted the standing offer.
    Accept(OutcomeId),
    /// Walked away (or had nothing acceptable to offer).
    End,
}

/// Settings of a stacked alternating offers negotiation.
#[derive(Debug, Clone, PartialEq)]
pub struct SaoConfig {
    /// When it ends without agreement.
    pub deadline: Deadline,
    /// Whether strategies are told the deadline (and hence the relative time).
    pub public_deadline: bool,
    /// Simulated seconds each party's action takes (only used by [`Deadline::Time`]); empty
    /// means one second each.
    pub seconds_per_action: Vec<f64>,
}

impl SaoConfig {
    /// A public deadline of `rounds` rounds.
    pub fn rounds(rounds: u64) -> Self {
        SaoConfig { deadline: Deadline::rounds(rounds), public_deadline: true, seconds_per_action: Vec::new() }
    }

    /// A public deadline of `steps` actions.
    pub fn steps(steps: u64) -> Self {
        SaoConfig { deadline: Deadline::steps(steps), public_deadline: true, seconds_per_action: Vec::new() }
    }
}

/// A finished SAO negotiation: the result and every action.
#[derive(Debug, Clone)]
pub struct SaoRun {
    /// The outcome.
    pub result: NegotiationResult,
    /// The agreement's id in the table.
    pub agreement_id: Option<OutcomeId>,
    /// Every action, in order.
    pub events: Vec<Event>,
}

/// Runs one negotiation between `strategies` (one per party of `table`, in seat order).
pub fn run_sao(
    table: &OutcomeTable,
    strategies: &mut [Box<dyn Strategy>],
    config: &SaoConfig,
) -> Result<SaoRun, NegotiationError> {
    let n = table.n_parties();
    if strategies.len() != n {
        return Err(NegotiationError::invalid(format!("{} strategies for {n} parties", strategies.len())));
    }
    if n < 2 {
        return Err(NegotiationError::invalid("a negotiation needs at least two parties"));
    }
    let mut clock = Clock::new(config.deadline, n, &config.seconds_per_action, n)?;
    let mut events: Vec<Event> = Vec::with_capacity(clock.max_steps().min(4096) as usize);
    let mut standing: Option<(usize, OutcomeId)> = None;
    let mut acceptances = 0usize;
    let mut step: u64 = 0;
    let mut end = EndReason::Deadline;
    let mut agreement: Option<OutcomeId> = None;
    let deadline = config.public_deadline.then_some(config.deadline);

    while clock.open(step) {
        let party = (step % n as u64) as usize;
        let own = table.own(party);
        let view = View {
            me: party,
            table,
            own,
            history: &events,
            step,
            round: clock.round(step),
            time: config.public_deadline.then(|| clock.relative(step)),
            deadline,
            standing,
        };
        let strategy = &mut strategies[party];
        let mut note = Note::None;
        if own.n_acceptable() == 0 {
            events.push(Event { step: step as u32, party: party as u16, note, action: Action::End });
            clock.tick(party);
            step += 1;
            end = EndReason::NothingAcceptable { party };
            break;
        }
        if let Some((proposer, offer)) = standing {
            if proposer != party {
                match strategy.respond(&view, offer) {
                    Response::Accept if own.utility(offer) >= own.reservation() => {
                        events.push(Event {
                            step: step as u32,
                            party: party as u16,
                            note,
                            action: Action::Accept(offer),
                        });
                        clock.tick(party);
                        step += 1;
                        acceptances += 1;
                        if acceptances + 1 == n {
                            agreement = Some(offer);
                            end = EndReason::Agreement;
                            break;
                        }
                        continue;
                    }
                    Response::Accept => note = Note::AcceptOverruled,
                    Response::Reject => {}
                    Response::End => {
                        events.push(Event { step: step as u32, party: party as u16, note, action: Action::End });
                        clock.tick(party);
                        step += 1;
                        end = EndReason::Walkaway { party };
                        break;
                    }
                }
            }
        }
        match strategy.propose(&view) {
            Proposal::Offer(mut offer) => {
                if offer.index() >= table.len() || own.utility(offer) < own.reservation() {
                    offer = own.best();
                    note = note.with_offer_corrected();
                }
                events.push(Event { step: step as u32, party: party as u16, note, action: Action::Offer(offer) });
                standing = Some((party, offer));
                acceptances = 0;
            }
            Proposal::End => {
                events.push(Event { step: step as u32, party: party as u16, note, action: Action::End });
                clock.tick(party);
                step += 1;
                end = EndReason::Walkaway { party };
                break;
            }
        }
        clock.tick(party);
        step += 1;
    }

    let last = step.saturating_sub(1);
    // The time when the last action ended (1 when the deadline ran out).
    let relative_time = clock.relative(step);
    let result = NegotiationResult::build(
        table.profiles(),
        agreement.map(|id| (table.outcome(id), (0..n).map(|p| table.utility(p, id)).collect())),
        end,
        step,
        clock.round(last) + u64::from(step > 0),
        clock.round(last),
        relative_time,
    );
    Ok(SaoRun { result, agreement_id: agreement, events })
}

/// Builds one strategy per seat from `specs` with seeds derived from `seed` and the seat,
/// and runs the negotiation.
pub fn run_sao_specs(
    table: &OutcomeTable,
    specs: &[StrategySpec],
    config: &SaoConfig,
    seed: u64,
) -> Result<SaoRun, NegotiationError> {
    let mut strategies: Vec<Box<dyn Strategy>> =
        specs.iter().enumerate().map(|(seat, s)| s.build(super::derive_seed(seed, &[seat as u64]))).collect();
    run_sao(table, &mut strategies, config)
}

/// A party as the trace describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceParty {
    /// Profile name.
    pub profile: String,
    /// Strategy (canonical name).
    pub strategy: String,
    /// Reservation value.
    pub reservation: f64,
}

/// One action in a serialised trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Step (0-based).
    pub step: u64,
    /// Seat of the acting party.
    pub party: usize,
    /// `offer`, `accept` or `end`.
    pub action: TraceAction,
    /// The offered or accepted outcome (value indices, or reals for continuous issues).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// A correction the protocol made.
    #[serde(default, skip_serializing_if = "Note::is_none")]
    pub note: Note,
}

/// The kind of a [`TraceEvent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceAction {
    Offer,
    Accept,
    End,
}

/// A complete, replayable record of one SAO negotiation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaoTrace {
    /// Always `"sao"`.
    pub protocol: String,
    /// The domain's name.
    pub domain: String,
    /// The parties, in seat order.
    pub parties: Vec<TraceParty>,
    /// The deadline.
    pub deadline: Deadline,
    /// The seed the strategies were built from.
    pub seed: u64,
    /// Every action.
    pub events: Vec<TraceEvent>,
    /// The result.
    pub result: NegotiationResult,
}

impl SaoRun {
    /// The serialisable trace of this run.
    pub fn trace(&self, table: &OutcomeTable, specs: &[StrategySpec], config: &SaoConfig, seed: u64) -> SaoTrace {
        let parties = table
            .profiles()
            .iter()
            .enumerate()
            .map(|(k, p)| TraceParty {
                profile: p.name.clone(),
                strategy: specs.get(k).map(|s| s.to_string()).unwrap_or_else(|| "custom".into()),
                reservation: p.reservation,
            })
            .collect();
        let events = self
            .events
            .iter()
            .map(|e| {
                let (action, outcome) = match e.action {
                    Action::Offer(id) => (TraceAction::Offer, Some(table.outcome(id))),
                    Action::Accept(id) => (TraceAction::Accept, Some(table.outcome(id))),
                    Action::End => (TraceAction::End, None),
                };
                TraceEvent { step: e.step as u64, party: e.party as usize, action, outcome, note: e.note }
            })
            .collect();
        SaoTrace {
            protocol: "sao".into(),
            domain: table.space().name.clone(),
            parties,
            deadline: config.deadline,
            seed,
            events,
            result: self.result.clone(),
        }
    }
}

impl SaoTrace {
    /// Re-derives the agreement from the recorded actions alone, checking the protocol's
    /// rules on the way (turn order, acceptances of the standing offer, red lines), and
    /// returns each party's utility of it (`None` without agreement). `profiles` are the
    /// parties' profiles in seat order.
    pub fn replay(&self, profiles: &[crate::utility::Profile]) -> Result<Option<Vec<f64>>, NegotiationError> {
        let n = profiles.len();
        if n != self.parties.len() || n < 2 {
            return Err(NegotiationError::invalid("trace and profiles disagree on the number of parties"));
        }
        let bad = |step: u64, msg: &str| Err(NegotiationError::invalid(format!("trace step {step}: {msg}")));
        let mut standing: Option<(usize, &Outcome)> = None;
        let mut acceptances = 0usize;
        for (k, e) in self.events.iter().enumerate() {
            if e.step != k as u64 || e.party != k % n {
                return bad(e.step, "out of turn");
            }
            match (e.action, &e.outcome) {
                (TraceAction::Offer, Some(o)) => {
                    if profiles[e.party].utility(o) < profiles[e.party].reservation {
                        return bad(e.step, "offer below the offerer's reservation value");
                    }
                    standing = Some((e.party, o));
                    acceptances = 0;
                }
                (TraceAction::Accept, Some(o)) => {
                    match standing {
                        Some((p, s)) if s == o && p != e.party => {}
                        _ => return bad(e.step, "accepts something other than the standing offer"),
                    }
                    if profiles[e.party].utility(o) < profiles[e.party].reservation {
                        return bad(e.step, "acceptance below the acceptor's reservation value");
                    }
                    acceptances += 1;
                    if acceptances + 1 == n {
                        if k + 1 != self.events.len() {
                            return bad(e.step, "actions after the agreement");
                        }
                        return Ok(Some(profiles.iter().map(|p| p.utility(o)).collect()));
                    }
                }
                (TraceAction::End, None) => {
                    if k + 1 != self.events.len() {
                        return bad(e.step, "actions after the end");
                    }
                }
                _ => return bad(e.step, "malformed action"),
            }
        }
        Ok(None)
    }
}

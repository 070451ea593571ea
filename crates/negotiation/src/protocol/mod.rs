//! Negotiation protocols: stacked alternating offers and mediated single-text negotiation.
//!
//! * [`sao`] — the stacked alternating offers protocol (Rubinstein 1982; Aydoğan et al.
//!   2017) for two or more parties: in turn, each party accepts the standing offer or
//!   replaces it with a counter-offer; the offer is agreed when every other party has
//!   accepted it in succession.
//! * [`mediated`] — single-text mediation (Raiffa 1982; Klein et al. 2003): a mediator
//!   proposes a text, the parties accept or veto the change, the mediator moves. The
//!   mediator sees the parties only through a [`mediated::Belief`] (exact by default).
//! * [`table`] — the candidate outcomes with every party's utility tabulated once, so a
//!   protocol step is a few array look-ups.
//!
//! Common rules, enforced here rather than left to strategies:
//!
//! * **Red lines.** A party's acceptance of an outcome worth less than its reservation
//!   value is overruled (recorded in the trace as [`Note::AcceptOverruled`]), and an offer
//!   worth less than the offerer's own reservation value is replaced by its best outcome
//!   ([`Note::OfferCorrected`]). No agreement can fall below any party's reservation value.
//! * **Discounting.** Agreement utilities are discounted with each profile's
//!   [`crate::utility::Discount`] at the relative time and round of agreement; without
//!   agreement each party gets its reservation value, discounted the same way.
//! * **Determinism.** The protocols themselves draw no randomness except through seeded
//!   ChaCha generators; a run is a pure function of the table, strategies and seed, and its
//!   [`sao::SaoTrace`] / [`mediated::MediatedTrace`] serialises to the same bytes every time.

pub mod mediated;
pub mod sao;
pub mod table;

use serde::{Deserialize, Serialize};

use crate::domain::Outcome;
use crate::error::NegotiationError;
use crate::utility::Profile;

pub use table::{OutcomeId, OutcomeTable, OwnOutcomes, TableOptions};

/// The most actions (SAO turns or mediator proposals) one negotiation may take; bounds the
/// trace's memory (16 bytes per action).
pub const MAX_STEPS: u64 = 10_000_000;

/// When a negotiation ends without agreement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Deadline {
    /// At most this many actions (one party's turn, or one mediator proposal, each).
    Steps { steps: u64 },
    /// At most this many rounds; in a round every party acts once (for mediated protocols a
    /// round is one proposal).
    Rounds { rounds: u64 },
    /// Simulated seconds: each action advances a simulated clock by its party's
    /// `seconds_per_action`; no action starts at or after `seconds`.
    Time { seconds: f64 },
}

impl Deadline {
    /// A deadline of `steps` actions.
    pub fn steps(steps: u64) -> Self {
        Deadline::Steps { steps }
    }

    /// A deadline of `rounds` rounds.
    pub fn rounds(rounds: u64) -> Self {
        Deadline::Rounds { rounds }
    }
}

/// The simulated clock shared by the protocols.
#[derive(Debug, Clone)]
pub(crate) struct Clock {
    deadline: Deadline,
    /// Actions per round (parties for SAO, 1 for mediation).
    per_round: u64,
    /// Step budget for step/round deadlines.
    max_steps: u64,
    seconds_per_action: Vec<f64>,
    elapsed: f64,
}

impl Clock {
    pub(crate) fn new(
        deadline: Deadline,
        per_round: usize,
        seconds_per_action: &[f64],
        n_parties: usize,
    ) -> Result<Self, NegotiationError> {
        let per_round = per_round.max(1) as u64;
        let costs: Vec<f64> = if seconds_per_action.is_empty() {
            vec![1.0; n_parties.max(1)]
        } else if seconds_per_action.len() == n_parties {
            seconds_per_action.to_vec()
        } else {
            return Err(NegotiationError::invalid(format!(
                "{} action durations for {n_parties} parties",
                seconds_per_action.len()
            )));
        };
        if costs.iter().any(|c| !(c.is_finite() && *c > 0.0)) {
            return Err(NegotiationError::invalid("action durations must be positive numbers of seconds"));
        }
        let max_steps = match deadline {
            Deadline::Steps { steps } => steps,
            Deadline::Rounds { rounds } => rounds.saturating_mul(per_round),
            Deadline::Time { seconds } => {
                if !(seconds.is_finite() && seconds > 0.0) {
                    return Err(NegotiationError::invalid(format!("time limit {seconds} s is not a positive number")));
                }
                let fastest = costs.iter().copied().fold(f64::INFINITY, f64::min);
                let worst = (seconds / fastest).ceil();
                if worst > MAX_STEPS as f64 {
                    return Err(NegotiationError::too_large(format!(
                        "a {seconds} s limit at {fastest} s per action allows {worst} actions (at most {MAX_STEPS})"
                    )));
                }
                worst as u64
            }
        };
        if max_steps == 0 {
            return Err(NegotiationError::invalid("the deadline allows no action"));
        }
        if max_steps > MAX_STEPS {
            return Err(NegotiationError::too_large(format!(
                "the deadline allows {max_steps} actions (at most {MAX_STEPS})"
            )));
        }
        Ok(Clock { deadline, per_round, max_steps, seconds_per_action: costs, elapsed: 0.0 })
    }

    /// Whether action number `step` (0-based) may still start.
    #[inline]
    pub(crate) fn open(&self, step: u64) -> bool {
        match self.deadline {
            Deadline::Time { seconds } => self.elapsed < seconds && step < self.max_steps,
            _ => step < self.max_steps,
        }
    }

    /// Relative time in `[0, 1]` at the start of action `step`.
    #[inline]
    pub(crate) fn relative(&self, step: u64) -> f64 {
        match self.deadline {
            Deadline::Time { seconds } => (self.elapsed / seconds).min(1.0),
            _ => step as f64 / self.max_steps as f64,
        }
    }

    /// Completed rounds before action `step`.
    #[inline]
    pub(crate) fn round(&self, step: u64) -> u64 {
        step / self.per_round
    }

    /// Advances the simulated clock past an action by `party`.
    #[inline]
    pub(crate) fn tick(&mut self, party: usize) {
        if let Deadline::Time { .. } = self.deadline {
            self.elapsed += self.seconds_per_action[party.min(self.seconds_per_action.len() - 1)];
        }
    }

    pub(crate) fn max_steps(&self) -> u64 {
        self.max_steps
    }
}

/// Why a negotiation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum EndReason {
    /// Every party accepted the same outcome.
    Agreement,
    /// The deadline passed.
    Deadline,
    /// A party walked away.
    Walkaway { party: usize },
    /// A party had no outcome worth its reservation value, so there was nothing to offer.
    NothingAcceptable { party: usize },
    /// The mediator had nothing left to propose (a local optimum); the text was not
    /// acceptable to every party.
    MediatorStopped,
}

/// What a protocol produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NegotiationResult {
    /// The agreed outcome, if any.
    pub agreement: Option<Outcome>,
    /// Why it ended.
    pub end: EndReason,
    /// Actions taken (turns or proposals).
    pub steps: u64,
    /// Rounds started (a round is every party acting once; for mediation, one proposal).
    pub rounds: u64,
    /// Relative time when the last action ended, in `[0, 1]` (1 if the deadline ran out).
    pub relative_time: f64,
    /// Each party's undiscounted utility of the agreement, or its reservation value.
    pub utilities: Vec<f64>,
    /// The same, discounted with each profile's discount at the end time and round.
    pub discounted: Vec<f64>,
}

impl NegotiationResult {
    /// Whether the parties agreed.
    pub fn agreed(&self) -> bool {
        self.agreement.is_some()
    }

    pub(crate) fn build(
        profiles: &[Profile],
        agreement: Option<(Outcome, Vec<f64>)>,
        end: EndReason,
        steps: u64,
        rounds: u64,
        completed_rounds: u64,
        relative_time: f64,
    ) -> Self {
        let (agreement, utilities) = match agreement {
            Some((o, u)) => (Some(o), u),
            None => (None, profiles.iter().map(|p| p.reservation).collect()),
        };
        let discounted = profiles
            .iter()
            .zip(&utilities)
            .map(|(p, &u)| p.discount.apply(u, relative_time, completed_rounds))
            .collect();
        NegotiationResult { agreement, end, steps, rounds, relative_time, utilities, discounted }
    }
}

/// A note the protocol attaches to an action it had to correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// Nothing to report.
    #[default]
    None,
    /// The strategy accepted an offer below its reservation value; the protocol rejected it
    /// on the party's behalf and asked for a counter-offer.
    AcceptOverruled,
    /// The strategy offered an outcome below its own reservation value; the protocol
    /// replaced it with the party's best outcome.
    OfferCorrected,
    /// Both in the same turn.
    AcceptOverruledAndOfferCorrected,
}

impl Note {
    pub(crate) fn is_none(&self) -> bool {
        *self == Note::None
    }

    pub(crate) fn with_offer_corrected(self) -> Self {
        match self {
            Note::AcceptOverruled | Note::AcceptOverruledAndOfferCorrected => Note::AcceptOverruledAndOfferCorrected,
            _ => Note::OfferCorrected,
        }
    }
}

/// Deterministic seed derivation: a splitmix64 chain over `parts`, so per-task seeds depend
/// only on `(seed, task coordinates)`, never on scheduling.
pub fn derive_seed(seed: u64, parts: &[u64]) -> u64 {
    let mut x = splitmix(seed ^ 0x6a09_e667_f3bc_c908);
    for &p in parts {
        x = splitmix(x ^ splitmix(p.wrapping_add(0x9e37_79b9_7f4a_7c15)));
    }
    x
}

#[inline]
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
